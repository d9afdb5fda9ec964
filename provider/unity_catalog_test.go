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

// notAdopted matches the error of a create that met an object it did not
// make: head (what failed and the API's message), why it was not adopted,
// and the import command for the object.
func notAdopted(head, why, typeName, id string) *regexp.Regexp {
	return regexp.MustCompile(errorRegexp(head+", and this create did not make it:").String() + `(?s).*` + errorRegexp(why).String() +
		`.*` + errorRegexp(`terraform import `+typeName+`.<name> '`+id+`'`).String())
}

func isNotFoundErr(err error) bool { return errors.Is(err, apierr.ErrResourceDoesNotExist) }
