package planjson

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Fingerprint identifies what a plan would do, so an approval given on one
// plan can be checked against the plan about to be applied. It covers the
// resource and output changes of `terraform show -json` (addresses,
// actions, before and after values, what is unknown until apply) and
// nothing else: not the plan's timestamp, Terraform's version, the prior
// state's serial or the configuration's source positions, which differ
// between two plans that do the same thing.
type Fingerprint struct {
	// Env is the environment the plan is for.
	Env string `json:"env"`
	// Commit is the pull request head the plan was made on, when known.
	Commit string `json:"commit,omitempty"`
	// Hash is "sha256:<hex>" over every change.
	Hash string `json:"hash"`
	// Changes maps each changing address to "<action>:<digest>", so two
	// fingerprints can name what differs.
	Changes map[string]string `json:"changes"`
}

// FingerprintOf computes p's fingerprint. It reads the redacted plan: a
// sensitive value never reaches a digest a comment carries.
func FingerprintOf(p *Plan) Fingerprint {
	type entry struct {
		Address string `json:"address"`
		Action  Action `json:"action"`
		Change  any    `json:"change"`
	}
	var entries []entry
	for i := range p.Changes {
		rc := &p.Changes[i]
		if rc.Change == nil || rc.Action == ActionNoOp {
			continue
		}
		addr := rc.Address
		if rc.DeposedKey != "" {
			addr += " (deposed " + rc.DeposedKey + ")"
		}
		entries = append(entries, entry{addr, rc.Action, changeValues(rc.Change)})
	}
	for name, c := range Object(p.Doc["output_changes"]) {
		oc := Object(c)
		if oc == nil {
			continue
		}
		if action := ActionOf(actionList(oc)); action != ActionNoOp {
			entries = append(entries, entry{"output." + name, action, changeValues(oc)})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.Address, b.Address) })

	f := Fingerprint{Env: p.Env, Changes: map[string]string{}}
	whole := sha256.New()
	for _, e := range entries {
		// encoding/json writes map keys sorted: the same change always
		// encodes to the same bytes.
		raw, err := json.Marshal(e)
		if err != nil {
			// Values decoded from JSON always encode again.
			panic(fmt.Sprintf("encoding the change of %s: %v", e.Address, err))
		}
		sum := sha256.Sum256(raw)
		f.Changes[e.Address] = string(e.Action) + ":" + hex.EncodeToString(sum[:6])
		whole.Write(raw)
		whole.Write([]byte{'\n'})
	}
	f.Hash = "sha256:" + hex.EncodeToString(whole.Sum(nil))
	return f
}

// changeValues is the part of a change (redacted) that says what will
// happen.
func changeValues(c map[string]any) map[string]any {
	out := make(map[string]any, 7)
	for _, k := range []string{"actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive", "replace_paths"} {
		out[k] = c[k]
	}
	return out
}

// Short is the hash as a reviewer reads it.
func (f Fingerprint) Short() string {
	h := strings.TrimPrefix(f.Hash, "sha256:")
	if len(h) > 12 {
		h = h[:12]
	}
	return "sha256:" + h
}

// Diff names what changed from reviewed to f, one line per address, in
// address order; empty when the plans do the same thing.
func (f Fingerprint) Diff(reviewed Fingerprint) []string {
	if f.Hash == reviewed.Hash {
		return nil
	}
	addrs := map[string]bool{}
	for a := range f.Changes {
		addrs[a] = true
	}
	for a := range reviewed.Changes {
		addrs[a] = true
	}
	var out []string
	for _, a := range slices.Sorted(maps.Keys(addrs)) {
		now, inNow := f.Changes[a]
		was, inWas := reviewed.Changes[a]
		nowAction, _, _ := strings.Cut(now, ":")
		wasAction, _, _ := strings.Cut(was, ":")
		switch {
		case inNow && !inWas:
			out = append(out, fmt.Sprintf("%s: %s, not in the reviewed plan", a, nowAction))
		case !inNow && inWas:
			out = append(out, fmt.Sprintf("%s: %s in the reviewed plan, no longer planned", a, wasAction))
		case nowAction != wasAction:
			out = append(out, fmt.Sprintf("%s: %s, was %s in the reviewed plan", a, nowAction, wasAction))
		case now != was:
			out = append(out, fmt.Sprintf("%s: %s with different values than reviewed", a, nowAction))
		}
	}
	if len(out) == 0 {
		// Same per-address digests but a different whole: only a hand-edited
		// comment gets here.
		out = append(out, fmt.Sprintf("the plan hash is %s, the reviewed one %s", f.Short(), reviewed.Short()))
	}
	return out
}

// fingerprintPrefix starts the hidden line a plan comment carries.
const fingerprintPrefix = "<!-- brickops:plan-fingerprint "

// Marker is the hidden line that records f in a pull request comment.
func (f Fingerprint) Marker() string {
	raw, err := json.Marshal(f)
	if err != nil {
		panic(fmt.Sprintf("encoding a plan fingerprint: %v", err))
	}
	// "--" cannot occur in JSON outside strings, and addresses never hold
	// it; escape anyway so a comment can never be closed early.
	return fingerprintPrefix + strings.ReplaceAll(string(raw), "--", `-\u002d`) + " -->"
}

var fingerprintRe = regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(fingerprintPrefix) + `(\{.*\}) -->$`)

// ErrNoFingerprint means a comment records no plan fingerprint for the
// environment asked about.
var ErrNoFingerprint = errors.New("no plan fingerprint recorded")

// FindFingerprint reads the fingerprint recorded for env in a comment body.
func FindFingerprint(body, env string) (Fingerprint, error) {
	for _, m := range fingerprintRe.FindAllStringSubmatch(body, -1) {
		var f Fingerprint
		if err := json.Unmarshal([]byte(m[1]), &f); err != nil {
			return Fingerprint{}, fmt.Errorf("the recorded plan fingerprint is not valid: %w", err)
		}
		if f.Env == env {
			return f, nil
		}
	}
	return Fingerprint{}, ErrNoFingerprint
}
