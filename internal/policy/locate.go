package policy

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Plans carry no source positions, but code scanning annotates a pull
// request only at a file and line of the repository. sourceIndex finds the
// `resource "TYPE" "NAME"` block of an address in the .tf files of a
// configuration directory (and its subdirectories, for local modules).

var resourceBlock = regexp.MustCompile(`^\s*resource\s+"([^"]+)"\s+"([^"]+)"`)

type sourceLoc struct {
	File string
	Line int
}

type sourceIndex map[string][]sourceLoc

// indexSources reads every .tf file under dir; unreadable files are
// skipped (locations are a convenience, not part of the verdict).
func indexSources(dir string) sourceIndex {
	idx := sourceIndex{}
	// A configuration directory has .tf files at its top; anything else
	// (a plan written to /tmp) is not walked.
	if tf, _ := filepath.Glob(filepath.Join(dir, "*.tf")); len(tf) == 0 {
		return idx
	}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && path != dir && (d.Name() == ".terraform" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".tf") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return nil
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			if m := resourceBlock.FindStringSubmatch(sc.Text()); m != nil {
				key := m[1] + "." + m[2]
				idx[key] = append(idx[key], sourceLoc{File: path, Line: line})
			}
		}
		return nil
	})
	return idx
}

// locate finds the block declaring address ("module.m[0].type.name[3]"):
// only when exactly one block matches its type and name.
func (idx sourceIndex) locate(address string) (sourceLoc, bool) {
	parts := strings.Split(address, ".")
	for len(parts) >= 2 && (parts[0] == "module" || parts[0] == "data") {
		if parts[0] == "data" {
			return sourceLoc{}, false
		}
		parts = parts[2:]
	}
	if len(parts) < 2 {
		return sourceLoc{}, false
	}
	name := parts[1]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	locs := idx[parts[0]+"."+name]
	if len(locs) != 1 {
		return sourceLoc{}, false
	}
	return locs[0], true
}
