package emulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/azure"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/github"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/workspace"
	"github.com/brickops/terraform-provider-brickops/internal/version"
)

// The console: a web view of the emulator's state for people, served under
// /_console/. Every page is rendered on the server with html/template from
// the same store accessors the API handlers use (console_pages.go builds
// each page's view; console_svg.go draws its charts), and has a JSON twin
// under /_console/api/<page> that answers the same view. A few lines of
// plain JavaScript (console/console.js, no build step) poll
// /_console/api/version and swap the page's live region when the state
// changed, so the console follows a demo or a test without reloads.
//
// The console takes the operator credential, never a workspace token: the
// operator token as a bearer header, or a session cookie the login form
// sets once the token was typed in (the cookie holds an HMAC of the token,
// not the token).
//
// Console requests are neither logged in the request log nor subject to
// injected faults: looking must not change what is looked at.

const (
	consoleCookie     = "brickops_console"
	consolePartialHdr = "X-Console-Partial"
	// consoleTick makes the state version move at least this often, so
	// what changes with time alone (a deployment resolving, a refresh
	// finishing, traffic accumulating) shows without a request.
	consoleTick = 5 * time.Second
)

//go:embed console
var consoleFiles embed.FS

// consolePageDef is one page: its URL segment, its title, the key that
// jumps to it and the function that builds its view.
type consolePageDef struct {
	Name, Title, Key string
	build            func(s *console, r *http.Request) (any, error)
}

// consolePages is the console's navigation, in order.
var consolePages = []consolePageDef{
	{"overview", "Overview", "1", (*console).consoleOverview},
	{"models", "Models", "2", (*console).consoleModels},
	{"serving", "Serving", "3", (*console).consoleServing},
	{"monitoring", "Monitoring", "4", (*console).consoleMonitoring},
	{"jobs", "Jobs", "5", (*console).consoleJobs},
	{"promotions", "Promotions", "6", (*console).consolePromotions},
	{"requests", "Requests", "7", (*console).consoleRequests},
}

var consoleTemplates = template.Must(template.New("console").Funcs(template.FuncMap{
	"trafficBar": svgTrafficBar,
	"lineChart":  svgLineChart,
	"millis":     formatMillis,
	"duration":   formatDurationMs,
	"short":      shortSHA,
	"lower":      strings.ToLower,
	"pageURL":    consolePageURL,
	"list":       func(v ...string) []string { return v },
	"swatch":     func(i int) int { return i % len(consolePalette) },
}).ParseFS(consoleFiles, "console/*.tmpl"))

// consoleRoutes registers the console. Its routes are not in the route
// table: they are not an API a client calls.
func (s *console) consoleRoutes() {
	static, _ := fs.Sub(consoleFiles, "console/static")
	s.console.HandleFunc("GET /_console/static/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.StripPrefix("/_console/static/", http.FileServerFS(static)).ServeHTTP(w, r)
	})
	s.console.HandleFunc("GET /_console/login", s.consoleLoginForm)
	s.console.HandleFunc("POST /_console/login", s.consoleLogin)
	s.console.HandleFunc("POST /_console/logout", s.consoleLogout)
	s.console.HandleFunc("GET /_console/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, core.ConsolePrefix+"overview", http.StatusFound)
	})
	s.console.HandleFunc("GET /_console/api/version", s.consoleAPI(func(s *console, _ *http.Request) (any, error) {
		return map[string]string{"version": s.consoleVersion()}, nil
	}))
	for _, p := range consolePages {
		s.console.HandleFunc("GET /_console/"+p.Name, s.consoleHTML(p))
		s.console.HandleFunc("GET /_console/api/"+p.Name, s.consoleAPI(p.build))
	}
	s.console.HandleFunc("/_console/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, core.ConsolePrefix+"api/") {
			s.consoleAPI(func(*console, *http.Request) (any, error) {
				return nil, core.APIErr(http.StatusNotFound, core.CodeResourceDoesNotExist, "There is no console API at %s.", r.URL.Path)
			})(w, r)
			return
		}
		s.consoleHTML(consolePageDef{Title: "Not found", build: func(*console, *http.Request) (any, error) {
			return nil, core.APIErr(http.StatusNotFound, core.CodeResourceDoesNotExist, "There is no console page at %s. Pick one above.", r.URL.Path)
		}})(w, r)
	})
}

// serveConsole answers a request under /_console/ with security headers
// that keep the pages self-contained: no inline scripts, nothing loaded
// from elsewhere, not framed.
func (s *console) serveConsole(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	s.console.ServeHTTP(w, r)
}

// consolePageURL is a page's URL, keeping the selected workspace.
func consolePageURL(name, ws string) string {
	u := core.ConsolePrefix + name
	if ws != "" {
		u += "?ws=" + url.QueryEscape(ws)
	}
	return u
}

// consoleAuthorized reports whether r carries the operator credential.
func (s *console) consoleAuthorized(r *http.Request) bool {
	token := s.OperatorToken()
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return subtle.ConstantTimeCompare([]byte(bearer), []byte(token)) == 1
	}
	c, err := r.Cookie(consoleCookie)
	return err == nil && hmac.Equal([]byte(c.Value), []byte(consoleSession(token)))
}

// consoleSession is the cookie value for token: a MAC, so the cookie never
// carries the operator token itself.
func consoleSession(token string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("brickops console session"))
	return hex.EncodeToString(mac.Sum(nil))
}

func (s *console) consoleLoginForm(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, http.StatusOK, safeNext(r.URL.Query().Get("next")), "")
}

func (s *console) consoleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderLogin(w, http.StatusBadRequest, core.ConsolePrefix, "The form could not be read: "+err.Error())
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	token := strings.TrimSpace(r.PostForm.Get("token"))
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.OperatorToken())) != 1 {
		s.renderLogin(w, http.StatusUnauthorized, next,
			"That is not the operator token. It is the --operator-token value (BRICKOPS_EMULATOR_OPERATOR_TOKEN), printed when the emulator starts; workspace tokens are not accepted here.")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: consoleCookie, Value: consoleSession(token), Path: core.ConsolePrefix,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *console) consoleLogout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: consoleCookie, Value: "", Path: core.ConsolePrefix, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, core.ConsolePrefix+"login", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect inside the console.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, core.ConsolePrefix) || strings.HasPrefix(next, "//") {
		return core.ConsolePrefix + "overview"
	}
	return u.RequestURI()
}

func (s *console) renderLogin(w http.ResponseWriter, status int, next, problem string) {
	var buf bytes.Buffer
	if err := consoleTemplates.ExecuteTemplate(&buf, "login", map[string]string{"Next": next, "Problem": problem, "Version": version.Version}); err != nil {
		http.Error(w, "rendering the login page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// consoleAPI serves a JSON twin: the view the page renders.
func (s *console) consoleAPI(build func(*console, *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if !s.consoleAuthorized(r) {
			core.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "the console needs the operator token: Authorization: Bearer <operator token>, or log in at " + core.ConsolePrefix + "login"})
			return
		}
		view, err := build(s, r)
		if err != nil {
			core.WriteJSON(w, consoleStatus(err), map[string]string{"error": consoleMessage(err)})
			return
		}
		core.WriteJSON(w, http.StatusOK, view)
	}
}

// consoleHTML serves a page, or with the X-Console-Partial header only its
// live region (what console.js swaps in).
func (s *console) consoleHTML(p consolePageDef) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if !s.consoleAuthorized(r) {
			if r.Header.Get(consolePartialHdr) != "" {
				http.Error(w, "log in again", http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, core.ConsolePrefix+"login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
			return
		}
		view, err := p.build(s, r)
		if err != nil {
			s.renderConsole(w, r, consoleStatus(err), "error", p, consoleMessage(err))
			return
		}
		s.renderConsole(w, r, http.StatusOK, p.Name, p, view)
	}
}

// consoleStatus is the HTTP status for a view that could not be built: bad
// input (an unknown workspace, a malformed filter) is the caller's, the
// rest is the emulator's.
func consoleStatus(err error) int {
	if e := (*core.APIError)(nil); errors.As(err, &e) {
		return e.Status
	}
	return http.StatusInternalServerError
}

// consoleMessage is what a person reads about err.
func consoleMessage(err error) string {
	if e := (*core.APIError)(nil); errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// consoleFrame is what the layout template renders around a page.
type consoleFrame struct {
	Page      consolePageDef
	Pages     []consolePageDef
	Data      any
	Version   string
	State     string
	Workspace string
	// Workspaces are those the selector offers: the default one and every
	// workspace created through ARM.
	Workspaces []consoleWorkspaceRef
	Query      url.Values
	// Body is the page, rendered by its own template.
	Body template.HTML
}

func (s *console) renderConsole(w http.ResponseWriter, r *http.Request, status int, tmpl string, p consolePageDef, data any) {
	frame := consoleFrame{
		Page: p, Pages: consolePages, Data: data, Version: version.Version, State: s.consoleVersion(),
		Workspace: r.URL.Query().Get("ws"), Workspaces: s.consoleWorkspaceRefs(), Query: r.URL.Query(),
	}
	var body bytes.Buffer
	if err := consoleTemplates.ExecuteTemplate(&body, "page-"+tmpl, frame); err != nil {
		s.Logger().Error("rendering console page", "page", tmpl, "error", err)
		http.Error(w, fmt.Sprintf("rendering %s: %v", tmpl, err), http.StatusInternalServerError)
		return
	}
	// The page template escaped its data; the layout embeds it as is.
	frame.Body = template.HTML(body.String())
	name := "layout"
	if r.Header.Get(consolePartialHdr) != "" {
		name = "live"
	}
	var buf bytes.Buffer
	if err := consoleTemplates.ExecuteTemplate(&buf, name, frame); err != nil {
		s.Logger().Error("rendering console layout", "page", tmpl, "error", err)
		http.Error(w, fmt.Sprintf("rendering %s: %v", tmpl, err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// consoleVersion changes whenever the state may have: on every request the
// emulator (or one of its hosted workspaces) served, and every consoleTick.
func (s *console) consoleVersion() string {
	seq := s.RecentRequests().LastSeq()
	for _, child := range s.arm.Hosted().Servers() {
		seq += child.RecentRequests().LastSeq()
	}
	return fmt.Sprintf("%d.%d", seq, time.Now().UnixNano()/int64(consoleTick))
}

// console serves /_console/ for the root server: a view of one workspace's
// state (the default one, or one hosted for ARM: consoleTarget), its
// GitHub repositories and ARM's workspaces.
type console struct {
	*workspace.Service
	gh      *github.Service
	arm     *azure.Service
	console *http.ServeMux
}
