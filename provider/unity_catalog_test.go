package provider_test

import (
	"errors"
	"regexp"
	"strings"

	"github.com/databricks/databricks-sdk-go/apierr"
)

// errorRegexp matches msg in Terraform's output, which wraps long
// diagnostics: every space in msg matches any run of whitespace.
func errorRegexp(msg string) *regexp.Regexp {
	parts := strings.Fields(msg)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(strings.Join(parts, `\s+`))
}

func isNotFoundErr(err error) bool { return errors.Is(err, apierr.ErrResourceDoesNotExist) }
