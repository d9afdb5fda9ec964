package core

import (
	gojson "github.com/goccy/go-json"
)

// Stored documents and API answers go through goccy/go-json rather than
// encoding/json. A read is mostly JSON work: on clusters/get under load,
// decoding the stored document and encoding the answer were a third of the
// emulator's CPU. goccy/go-json reads and writes the same JSON for the same
// struct tags (field order, omitempty, sorted map keys, HTML escaping,
// json.Marshaler) about 2.7× faster on a stored cluster, and it is already
// in the binary through OPA. Request bodies stay on encoding/json
// (decode.go): its error types become the API's error messages.

// decodeDoc decodes a stored document into v. raw may be memory the store
// owns only for the transaction: the decoder copies what it keeps.
func decodeDoc(raw []byte, v any) error { return gojson.Unmarshal(raw, v) }

// encodeDoc encodes v for the store.
func encodeDoc(v any) ([]byte, error) { return gojson.Marshal(v) }
