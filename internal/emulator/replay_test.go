package emulator_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/brickops/terraform-provider-brickops/internal/emulator"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/fidelity"
)

// The recorded-traffic replay: what the official Databricks Terraform
// provider and CLI sent in `make fidelity` runs (testdata/official/<client>/
// <flow>.jsonl, one emulator.Exchange a line, no credentials) is sent again
// to a fresh emulator prepared the same way. Every request must still get
// the status it got, and every JSON answer must still decode into the
// databricks-sdk-go type of its route (or its reference shape). Ids the
// emulator makes up (cluster ids) are learned from the answers and
// substituted into later requests. This guards fidelity in CI without the
// official binaries.

// isIDField: answer fields whose values later requests refer to.
func isIDField(k string) bool { return k == "id" || k == "version" || strings.HasSuffix(k, "_id") }

func TestReplay_officialClientsTraffic(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "official", "*", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recordings under testdata/official (make fidelity FIDELITY_RECORD=internal/emulator/testdata/official)")
	}
	for _, file := range files {
		flow := strings.TrimSuffix(filepath.Base(file), ".jsonl")
		client := filepath.Base(filepath.Dir(file))
		t.Run(client+"/"+flow, func(t *testing.T) {
			t.Parallel()
			replay(t, file, flow)
		})
	}
}

func replay(t *testing.T, file, flow string) {
	exchanges := readExchanges(t, file)
	emu := emulatortest.Start(t)
	if err := fidelity.Setup(context.Background(), emu.WorkspaceClient(t), flow); err != nil {
		t.Fatalf("setting up %s: %v", flow, err)
	}
	mux := routeMux(t, emu.Server)
	ids := map[string]string{}
	for i, ex := range exchanges {
		path, query, body := substitute(ex.Path, ids), substitute(ex.Query, ids), substitute(string(ex.Body), ids)
		url := emu.URL + path
		if query != "" {
			url += "?" + query
		}
		req, err := http.NewRequest(ex.Method, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(path, "/.well-known/") {
			req.Header.Set("Authorization", "Bearer "+emu.Token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		where := fmt.Sprintf("#%d %s %s", i+1, ex.Method, path)
		if resp.StatusCode != ex.Status {
			t.Errorf("%s: status %d, recorded %d: %.300s", where, resp.StatusCode, ex.Status, raw)
			continue
		}
		if len(ex.Response) == 0 {
			continue
		}
		var doc any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			t.Errorf("%s: answer does not decode: %v: %.300s", where, err, raw)
			continue
		}
		if ex.Status < 300 {
			_, pattern := mux.Handler(req)
			typ, ok := sdkResponseTypes[pattern]
			if !ok {
				typ, ok = referenceResponseTypes[pattern]
			}
			if ok {
				for _, p := range shapeProblems(doc, typ, "") {
					t.Errorf("%s (%s): %s", where, pattern, p)
				}
			}
		}
		var recorded any
		_ = json.Unmarshal(ex.Response, &recorded)
		learnIDs(recorded, normalize(doc), ids)
	}
}

func readExchanges(t *testing.T, file string) []emulator.Exchange {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []emulator.Exchange
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var ex emulator.Exchange
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// routeMux resolves a request to its route pattern the way the emulator's
// own mux does.
func routeMux(t *testing.T, srv *emulator.Server) *http.ServeMux {
	mux := http.NewServeMux()
	for _, r := range routeTable(t, srv) {
		mux.HandleFunc(r.Pattern, func(http.ResponseWriter, *http.Request) {})
	}
	return mux
}

// substitute replaces recorded ids by the ones this run made, longest
// first so that no id replaces part of another.
func substitute(s string, ids map[string]string) string {
	olds := make([]string, 0, len(ids))
	for old := range ids {
		olds = append(olds, old)
	}
	slices.SortFunc(olds, func(a, b string) int { return len(b) - len(a) })
	for _, old := range olds {
		s = strings.ReplaceAll(s, old, ids[old])
	}
	return s
}

// normalize turns json.Numbers into float64, as the recorded side decodes.
func normalize(v any) any {
	raw, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(raw, &out)
	return out
}

// learnIDs walks the recorded and the replayed answer side by side and
// maps each id field whose value differs.
func learnIDs(recorded, replayed any, ids map[string]string) {
	switch r := recorded.(type) {
	case map[string]any:
		n, ok := replayed.(map[string]any)
		if !ok {
			return
		}
		for k, rv := range r {
			nv := n[k]
			if isIDField(k) {
				old, cur := scalar(rv), scalar(nv)
				if _, isObj := rv.(map[string]any); !isObj && nv != nil && old != cur && len(old) > 3 {
					ids[old] = cur
				}
				continue
			}
			learnIDs(rv, nv, ids)
		}
	case []any:
		n, ok := replayed.([]any)
		if !ok {
			return
		}
		for i := range min(len(r), len(n)) {
			learnIDs(r[i], n[i], ids)
		}
	}
}

// scalar is a JSON scalar as it appears in a path or query.
func scalar(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
