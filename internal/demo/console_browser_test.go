package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/brickops/terraform-provider-brickops/internal/browsertest"
	"github.com/brickops/terraform-provider-brickops/internal/demo"
	"github.com/brickops/terraform-provider-brickops/internal/testbin"
)

// TestDemo_consoleInABrowser runs the demo with --keep and, while its
// emulator is still up with the whole estate, looks at the console in a
// real headless Chromium: it logs in with the operator token, walks every
// page with the keyboard, checks each shows what its JSON twin says, makes
// drift rise and watches the page follow without a reload, narrows the
// window, and fails on any console error. Screenshots are left in
// bin/test-artifacts/console (or $BRICKOPS_TEST_ARTIFACTS/console).
//
// With BRICKOPS_UPDATE_DOCS_SCREENSHOTS=1 it also rewrites the screenshots
// the emulator guide shows (docs/images/console-<page>.png, docsPages).
func TestDemo_consoleInABrowser(t *testing.T) {
	b := browsertest.Start(t) // skips, saying why, without Chromium
	testbin.Terraform(t)
	var out bytes.Buffer
	var kept demo.Kept
	err := demo.Run(context.Background(), demo.Options{
		BinDir: testbin.Dir(t), AsyncDelay: 50 * time.Millisecond, Keep: true, Out: &out,
		Hold: func(ctx context.Context, k demo.Kept) error {
			kept = k
			t.Cleanup(func() { os.RemoveAll(k.WorkDir) })
			browseConsole(t, b, k)
			return nil
		},
	})
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		`\[14/14\] Keep the estate for the console \(--keep\) \.\.\. terraform destroy skipped`,
		`console:\s+` + regexp.QuoteMeta(kept.ConsoleURL),
		`operator token:\s+` + regexp.QuoteMeta(kept.OperatorToken),
		`Demo finished in [\d.]+ s: 8 pull requests`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

// docsPages are the pages the emulator guide shows.
var docsPages = []string{"models", "serving", "monitoring", "promotions"}

// consolePages are the console's pages in the order of their keys 1–7.
var consolePages = []string{"overview", "models", "serving", "monitoring", "jobs", "promotions", "requests"}

func browseConsole(t *testing.T, b *browsertest.Browser, k demo.Kept) {
	shots := browsertest.ArtifactsDir(t, testbin.RepoRoot(), "console")
	t.Logf("console screenshots: %s", shots)
	shoot := func(name string) {
		t.Helper()
		if err := b.Screenshot(filepath.Join(shots, name+".png")); err != nil {
			t.Error(err)
		}
	}
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := b.Do(30*time.Second, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Anyone reaching the console is sent to the login form first.
	step("opening the console", chromedp.Navigate(k.ConsoleURL), chromedp.WaitVisible(chromedp.CSS("#token")))
	shoot("0-login")
	step("logging in with the operator token",
		chromedp.SendKeys(chromedp.CSS("#token"), k.OperatorToken),
		chromedp.Submit(chromedp.CSS("#token")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="overview"]`)))

	// Tab reaches the skip link first: the pages are keyboard-first.
	step("tabbing to the skip link", chromedp.KeyEvent("\t"))
	if focused, err := browsertest.Eval[string](b, `document.activeElement.textContent`); err != nil || focused != "Skip to content" {
		t.Errorf("the first Tab focuses %q (%v), want the skip link", focused, err)
	}
	step("leaving the skip link", chromedp.Blur(chromedp.CSS("a.skip")))

	for i, page := range consolePages {
		// Keys 1–7 switch pages.
		step("pressing "+fmt.Sprint(i+1), chromedp.KeyEvent(fmt.Sprint(i+1)),
			chromedp.WaitVisible(chromedp.CSS(`body[data-page="`+page+`"]`)))
		text := pageText(t, b)
		for _, want := range expectedOnPage(t, k, page) {
			if !strings.Contains(text, want) {
				t.Errorf("%s page lacks %q (its JSON twin has it)", page, want)
			}
		}
		shoot(fmt.Sprintf("%d-%s", i+1, page))
	}

	// Drift rises while the Monitoring page is open: the page follows
	// without a reload.
	step("opening Monitoring", chromedp.KeyEvent("4"), chromedp.WaitVisible(chromedp.CSS(`body[data-page="monitoring"]`)))
	step("marking the page", chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true; undefined`))
	table, column := monitoredColumn(t, k)
	call(t, k, http.MethodPut, "/_emulator/monitors/"+url.PathEscape(table)+"/drift", k.OperatorToken,
		map[string]any{"columns": map[string]any{column: map[string]float64{"js_distance": 0.42, "population_stability_index": 0.31}}})
	call(t, k, http.MethodPost, "/api/2.1/unity-catalog/tables/"+url.PathEscape(table)+"/monitor/refreshes", k.Token, nil)
	// The loop's shifted features may already be flagged: wait for this
	// column's flag, both statistics, not for any flagged row.
	flagged := regexp.MustCompile(regexp.QuoteMeta(column) + `[^\n]*drifting \(js_distance, population_stability_index\)`)
	for deadline := time.Now().Add(20 * time.Second); !flagged.MatchString(pageText(t, b)) && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
	}
	if same, err := browsertest.Eval[bool](b, `window.__sameDocument === true`); err != nil || !same {
		t.Errorf("the Monitoring page reloaded to show the change (%v); it should update in place", err)
	}
	if text := pageText(t, b); !flagged.MatchString(text) {
		t.Errorf("the Monitoring page does not flag %s as drifting:\n%s", column, text)
	}
	shoot("8-monitoring-drift")

	// The request log filters by status class, and marks nothing faulted
	// when no fault was injected.
	step("filtering requests", chromedp.KeyEvent("7"), chromedp.WaitVisible(chromedp.CSS("#f-status")),
		chromedp.SendKeys(chromedp.CSS("#f-status"), "2xx"), chromedp.Submit(chromedp.CSS("#f-status")),
		chromedp.WaitVisible(chromedp.CSS(`#f-status[value="2xx"]`)))
	if n, err := browsertest.Eval[int](b, `document.querySelectorAll("table.requests tbody tr").length`); err != nil || n == 0 {
		t.Errorf("filtered request log shows %d rows (%v)", n, err)
	}

	// A narrow window: nothing wider than the screen but what scrolls.
	step("narrowing the window", chromedp.EmulateViewport(390, 844), chromedp.KeyEvent("3"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="serving"]`)))
	if over, err := browsertest.Eval[int](b, `document.documentElement.scrollWidth - window.innerWidth`); err != nil || over > 0 {
		t.Errorf("at 390 px the Serving page is %d px wider than the window (%v)", over, err)
	}
	shoot("9-serving-narrow")

	if os.Getenv("BRICKOPS_UPDATE_DOCS_SCREENSHOTS") != "" {
		step("sizing for the guide", chromedp.EmulateViewport(1000, 760))
		for _, page := range docsPages {
			step("opening "+page, chromedp.Navigate(k.ConsoleURL+page), chromedp.WaitVisible(chromedp.CSS(`body[data-page="`+page+`"]`)))
			png, err := b.ViewportScreenshot()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(testbin.RepoRoot(), "docs", "images", "console-"+page+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	if errs := b.Errors(); len(errs) > 0 {
		t.Errorf("the console logged %d error(s) in the browser:\n%s", len(errs), strings.Join(errs, "\n"))
	}
}

func pageText(t *testing.T, b *browsertest.Browser) string {
	t.Helper()
	text, err := browsertest.Eval[string](b, `document.body.innerText`)
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	return text
}

// call sends a JSON request to the kept emulator and fails on non-2xx.
func call(t *testing.T, k demo.Kept, method, path, token string, body any) []byte {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, k.Host+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return raw
}

// twin reads a page's JSON twin.
func twin(t *testing.T, k demo.Kept, page string, out any) {
	t.Helper()
	if err := json.Unmarshal(call(t, k, http.MethodGet, "/_console/api/"+page, k.OperatorToken, nil), out); err != nil {
		t.Fatalf("decoding the %s twin: %v", page, err)
	}
}

// expectedOnPage is what page must show, from its JSON twin; every page
// must have something of the demo's estate to show.
func expectedOnPage(t *testing.T, k demo.Kept, page string) []string {
	t.Helper()
	var want []string
	switch page {
	case "overview":
		var v struct {
			Counts []struct{ Kind string }
		}
		twin(t, k, page, &v)
		want = append(want, "default workspace", "Recent requests")
		for _, c := range v.Counts {
			want = append(want, c.Kind)
		}
	case "models":
		var v struct {
			Catalogs []struct {
				Schemas []struct {
					Models []struct {
						FullName string `json:"full_name"`
						Aliases  []struct {
							AliasName  string `json:"alias_name"`
							VersionNum int    `json:"version_num"`
						}
					}
				}
			}
		}
		twin(t, k, page, &v)
		for _, c := range v.Catalogs {
			for _, s := range c.Schemas {
				for _, m := range s.Models {
					want = append(want, m.FullName)
					for _, a := range m.Aliases {
						want = append(want, fmt.Sprintf("%s → v%d", a.AliasName, a.VersionNum))
					}
				}
			}
		}
	case "serving":
		var v struct {
			Endpoints []struct {
				Name    string
				Traffic []struct {
					Name    string
					Percent int
				}
			}
		}
		twin(t, k, page, &v)
		for _, e := range v.Endpoints {
			want = append(want, e.Name)
			for _, s := range e.Traffic {
				want = append(want, fmt.Sprintf("%s: %d %%", s.Name, s.Percent))
			}
		}
	case "monitoring":
		var v struct {
			Monitors []struct {
				Table string `json:"table_name"`
			}
		}
		twin(t, k, page, &v)
		for _, m := range v.Monitors {
			want = append(want, m.Table)
		}
	case "jobs":
		var v struct{ Jobs []struct{ Name string } }
		twin(t, k, page, &v)
		for _, j := range v.Jobs {
			want = append(want, j.Name)
		}
	case "promotions":
		var v struct {
			Repos []struct {
				FullName string `json:"full_name"`
				Pulls    []struct {
					Number int
					Title  string
					Gates  []struct{ Env, Verdict string }
				} `json:"pull_requests"`
			} `json:"repositories"`
		}
		twin(t, k, page, &v)
		for _, r := range v.Repos {
			want = append(want, r.FullName)
			for _, p := range r.Pulls {
				want = append(want, fmt.Sprintf("#%d %s", p.Number, p.Title))
				for _, g := range p.Gates {
					want = append(want, fmt.Sprintf("Gate for %s: %s", g.Env, g.Verdict))
				}
			}
		}
	case "requests":
		var v struct{ Total int }
		twin(t, k, page, &v)
		want = append(want, "matching request")
	}
	if len(want) == 0 {
		t.Errorf("the demo's estate gives the %s page nothing to show", page)
	}
	return want
}

// monitoredColumn is a column of the first monitored table.
func monitoredColumn(t *testing.T, k demo.Kept) (string, string) {
	t.Helper()
	var v struct {
		Monitors []struct {
			Table string `json:"table_name"`
		}
	}
	twin(t, k, "monitoring", &v)
	if len(v.Monitors) == 0 {
		t.Fatal("the demo's estate has no quality monitor")
	}
	var table struct {
		Columns []struct{ Name string }
	}
	if err := json.Unmarshal(call(t, k, http.MethodGet, "/api/2.1/unity-catalog/tables/"+url.PathEscape(v.Monitors[0].Table), k.Token, nil), &table); err != nil || len(table.Columns) == 0 {
		t.Fatalf("reading the columns of %s: %v", v.Monitors[0].Table, err)
	}
	return v.Monitors[0].Table, table.Columns[0].Name
}
