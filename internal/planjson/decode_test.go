package planjson

import (
	"encoding/json"
	"reflect"
	"testing"
)

var decodeSeeds = []string{
	`{"a":1,"b":[true,false,null,-0.5e3,12345678901234567890,"x"],"c":{"d":"\u00e9\ud83d\ude00\n\"\\/"}}`,
	`"\ud800"`, `"\udc00\u0041"`, "\"caf\xc3\xa9 \xff\"", `[1e999]`, `-0`, `0.1`, `1E+2`, `[]`, `{}`, `  [ 1 , 2 ]  `,
	`{"a":1,"a":2}`, `01`, `1.`, `-`, `[1,]`, `{"a" 1}`, `tru`, `nul`, `"abc`, `"\x"`, "\"a\x01\"", `[`, ``, `{"a":1}x`,
}

// FuzzDecode: the plan decoder reads every document exactly as
// encoding/json does (values, and whether it is valid JSON).
func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want any
		wantErr := json.Unmarshal(raw, &want)
		got, err := decodeJSON(raw)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("decode %q: error %v, encoding/json: %v", raw, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("decode %q = %#v, encoding/json: %#v", raw, got, want)
		}
	})
}
