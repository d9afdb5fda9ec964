package github

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
)

// SecretEnvVars are the variables whose values BrickOps never posts to
// GitHub, whatever the text it posts quotes: what GitHub Actions masks in
// logs, it masks in comments, issues and pull requests.
var SecretEnvVars = []string{"GITHUB_TOKEN", "DATABRICKS_TOKEN", "ARM_CLIENT_SECRET", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"}

// minMaskLength: shorter values are not masked, or a one-letter "secret"
// would star out every occurrence of that letter in a report.
const minMaskLength = 4

// Masker replaces secret values with ***.
type Masker struct{ secrets []string }

// NewMasker masks the values of SecretEnvVars (read through getenv) and
// extra (e.g. --mask values).
func NewMasker(getenv func(string) string, extra ...string) *Masker {
	m := &Masker{}
	for _, name := range SecretEnvVars {
		m.Add(getenv(name))
	}
	for _, v := range extra {
		m.Add(v)
	}
	return m
}

// Add masks value too.
func (m *Masker) Add(value string) {
	value = strings.TrimSpace(value)
	if len(value) < minMaskLength || slices.Contains(m.secrets, value) {
		return
	}
	m.secrets = append(m.secrets, value)
	// Longest first, so a secret that contains another is masked whole.
	slices.SortFunc(m.secrets, func(a, b string) int { return len(b) - len(a) })
}

// Mask returns s with every secret, as written or as escaped inside a JSON
// string, replaced by ***.
func (m *Masker) Mask(s string) string {
	if m == nil {
		return s
	}
	for _, secret := range m.secrets {
		s = strings.ReplaceAll(s, secret, "***")
		if quoted, err := json.Marshal(secret); err == nil {
			if escaped := string(quoted[1 : len(quoted)-1]); escaped != secret {
				s = strings.ReplaceAll(s, escaped, "***")
			}
		}
	}
	return s
}

// maskingTransport masks the body of every request it sends: whatever a
// command posts to GitHub — comment, issue, pull request — passes here.
type maskingTransport struct {
	base   http.RoundTripper
	masker *Masker
}

func (t maskingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return t.base.RoundTrip(r)
	}
	raw, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	masked := []byte(t.masker.Mask(string(raw)))
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(masked))
	r.ContentLength = int64(len(masked))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(masked)), nil }
	return t.base.RoundTrip(r)
}
