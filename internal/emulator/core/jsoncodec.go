package core

import (
	gojson "github.com/goccy/go-json"
)

// Stored documents go through goccy/go-json rather than encoding/json. A
// read is mostly JSON work: on clusters/get under load, decoding the stored
// document was a fifth of the emulator's CPU, and goccy/go-json decodes a
// stored cluster 2.7× faster with the same struct tags (it is already in the
// binary through OPA). What clients see stays encoding/json's: answers are
// written by WriteJSON, request bodies read by DecodeBody (its error types
// are the API's messages), and goccy/go-json does not write every number
// as encoding/json does (1e-07 for 1e-7), which the store does not mind.

// decodeDoc decodes a stored document into v. raw is memory the store owns
// only for the transaction: the decoder copies what it keeps.
func decodeDoc(raw []byte, v any) error { return gojson.Unmarshal(raw, v) }

// encodeDoc encodes v for the store.
func encodeDoc(v any) ([]byte, error) { return gojson.Marshal(v) }
