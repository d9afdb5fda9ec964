package github

import (
	"bufio"
	"context"
	"path"
	"strings"
)

// CODEOWNERS locations GitHub reads, in its order of precedence.
var codeownersPaths = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

// CodeOwners is a parsed CODEOWNERS file: rules in file order, the last
// matching rule winning, as GitHub applies them.
type CodeOwners struct {
	Path  string
	rules []ownerRule
}

type ownerRule struct {
	pattern string
	owners  []string
}

// ParseCodeOwners reads CODEOWNERS content. Owners are returned without
// the leading @ (logins and org/team slugs); e-mail owners are dropped,
// since reviews are matched by login.
func ParseCodeOwners(name string, content []byte) *CodeOwners {
	co := &CodeOwners{Path: name}
	sc := bufio.NewScanner(strings.NewReader(string(content)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		r := ownerRule{pattern: fields[0]}
		for _, o := range fields[1:] {
			if strings.HasPrefix(o, "@") {
				r.owners = append(r.owners, strings.TrimPrefix(o, "@"))
			}
		}
		co.rules = append(co.rules, r)
	}
	return co
}

// Owners returns the owners of file (a repository path without a leading
// slash): those of the last rule matching it, none when a matching rule
// lists no owners.
func (co *CodeOwners) Owners(file string) []string {
	var owners []string
	for _, r := range co.rules {
		if matchOwnerPattern(r.pattern, file) {
			owners = r.owners
		}
	}
	return owners
}

// matchOwnerPattern implements the gitignore-style patterns CODEOWNERS
// uses: a leading / anchors at the root, a trailing / matches everything
// below a directory, a pattern without a slash matches at any depth, * and
// ? match within a path segment and ** across segments.
func matchOwnerPattern(pattern, file string) bool {
	anchored := strings.HasPrefix(pattern, "/")
	pattern = strings.TrimPrefix(pattern, "/")
	dir := strings.HasSuffix(pattern, "/")
	pattern = strings.TrimSuffix(pattern, "/")
	if pattern == "*" || pattern == "**" {
		return true
	}
	if !anchored && !strings.Contains(pattern, "/") {
		// Matches any path segment (file or directory name) at any depth.
		segs := strings.Split(file, "/")
		for i, seg := range segs {
			if ok, _ := path.Match(pattern, seg); ok && (!dir || i < len(segs)-1) {
				return true
			}
		}
		return false
	}
	// Anchored (or containing a slash): match a prefix of the path segments.
	psegs, fsegs := strings.Split(pattern, "/"), strings.Split(file, "/")
	return matchSegments(psegs, fsegs, dir)
}

func matchSegments(p, f []string, dir bool) bool {
	if len(p) == 0 {
		// A trailing ** matches everything below.
		return len(f) > 0
	}
	if p[0] == "**" {
		for i := 0; i <= len(f); i++ {
			if matchSegments(p[1:], f[i:], dir) {
				return true
			}
		}
		return false
	}
	if len(f) == 0 {
		return false
	}
	if ok, _ := path.Match(p[0], f[0]); !ok {
		return false
	}
	if len(p) == 1 {
		// The pattern names this file, or a directory holding it (a
		// trailing / insists on the directory).
		return !dir || len(f) > 1
	}
	return matchSegments(p[1:], f[1:], dir)
}

// CodeOwnersAt reads the repository's CODEOWNERS at ref; nil when there is none.
func (r Repo) CodeOwnersAt(ctx context.Context, ref string) (*CodeOwners, error) {
	for _, p := range codeownersPaths {
		raw, found, err := r.File(ctx, p, ref)
		if err != nil {
			return nil, err
		}
		if found {
			return ParseCodeOwners(p, raw), nil
		}
	}
	return nil, nil
}
