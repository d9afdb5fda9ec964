package demo

import (
	"encoding/base64"
	"strings"
)

// decodeBase64 decodes GitHub's contents API encoding (base64 with newlines).
func decodeBase64(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.ReplaceAll(s, "\n", ""))
}
