package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/civicspace/civicspace/web"
)

// harness is the binary's assembly (serve.go) in a test: a SQLite store,
// the built-in catalog and policy, the API and the app in front of it,
// and keys of each role.
type harness struct {
	t        *testing.T
	srv      *httptest.Server
	store    *sqlite.Store
	svc      *civicspace.Service
	assessor string // NOR, organisation "Ministry of Justice"
	reviewer string // NOR
	watchdog string // organisation "Civic Watch"
	keyIDs   map[string]string
}

// sharedScorer compiles the built-in policy once for the package's tests.
var sharedScorer = sync.OnceValues(func() (*opa.Scorer, error) { return opa.NewScorer(civicspace.DefaultCatalog()) })

// rtlMessages is a right-to-left pseudo-locale: English text, marked, so
// that a page in it is recognisable; its direction is what is tested.
var rtlMessages = map[string]string{"nav.home": "‮Home‬"}

func newHarness(t *testing.T, tls bool) *harness {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cat := civicspace.DefaultCatalog()
	scorer, err := sharedScorer()
	if err != nil {
		t.Fatal(err)
	}
	svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries(), Store: store, Scorer: scorer}
	apiSrv, err := api.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	app, err := web.New(svc, web.WithAPI(apiSrv), web.WithVerifier(apiSrv.VerifyKey),
		web.WithLocale("ar-XB", "Pseudo RTL", "rtl", rtlMessages))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: store, svc: svc, keyIDs: map[string]string{}}
	if tls {
		h.srv = httptest.NewTLSServer(app)
	} else {
		h.srv = httptest.NewServer(app)
	}
	t.Cleanup(h.srv.Close)
	h.assessor = h.key(civicspace.KeySpec{Name: "assessor", Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: "Ministry of Justice"})
	h.reviewer = h.key(civicspace.KeySpec{Name: "reviewer", Role: civicspace.RoleReviewer, Subjects: []string{"NOR"}})
	h.watchdog = h.key(civicspace.KeySpec{Name: "watchdog", Role: civicspace.RoleWatchdog, Organisation: "Civic Watch"})
	return h
}

func (h *harness) key(spec civicspace.KeySpec) string {
	secret, k, err := civicspace.NewAPIKey(spec, "test", time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.store.CreateKey(context.Background(), k); err != nil {
		h.t.Fatal(err)
	}
	h.keyIDs[secret] = k.ID
	return secret
}

// browser is a client with a cookie jar that does not follow redirects
// (the tests look at them).
type browser struct {
	h      *harness
	c      *http.Client
	header http.Header
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := *h.srv.Client() // a copy: each browser has its own jar
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{h: h, c: &c, header: http.Header{}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, form url.Values) response {
	b.h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.h.srv.URL+path, body)
	if err != nil {
		b.h.t.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(data)}
}

func (b *browser) get(path string) response { return b.do(http.MethodGet, path, nil) }

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the CSRF token from a page's first form.
func (b *browser) csrf(path string) string {
	b.h.t.Helper()
	m := csrfField.FindStringSubmatch(b.get(path).body)
	if m == nil {
		b.h.t.Fatalf("%s has no CSRF token", path)
	}
	return m[1]
}

// post sends a form with the CSRF token of the page it came from.
func (b *browser) post(from, path string, form url.Values) response {
	b.h.t.Helper()
	form.Set("csrf", b.csrf(from))
	return b.do(http.MethodPost, path, form)
}

func (b *browser) signIn(key string) {
	b.h.t.Helper()
	res := b.post("/signin", "/signin", url.Values{"key": {key}})
	if res.status != http.StatusSeeOther {
		b.h.t.Fatalf("sign-in: status %d, want 303\n%s", res.status, res.body)
	}
}

// fullAnswers answers every indicator validly (the first level or option,
// yes, zero, half), with evidence.
func fullAnswers(cat *civicspace.Catalog) url.Values {
	f := url.Values{}
	for _, ind := range cat.Indicators() {
		id := ind.ID
		switch ind.Type {
		case civicspace.TypeScale:
			f.Set("v."+id, "1")
		case civicspace.TypeChoice:
			f.Set("v."+id, ind.Options[0].ID)
		case civicspace.TypeBoolean:
			f.Set("v."+id, "true")
		case civicspace.TypeCount:
			f.Set("v."+id, "0")
		default:
			f.Set("v."+id, "50")
		}
		f.Set("e."+id+".0.title", "Official gazette")
		f.Set("e."+id+".0.url", "https://example.org/gazette")
		f.Set("e."+id+".0.date", "2025-03-01")
	}
	return f
}

var idInPath = regexp.MustCompile(`/work/assessments/([A-Za-z0-9_]+)`)

// start starts an assessment of NOR for 2025 in the domestic role and
// returns its ID.
func (b *browser) start(kind string) string {
	b.h.t.Helper()
	res := b.post("/work", "/work/assessments", url.Values{"country": {"NOR"}, "period": {"2025"}, "roles": {"domestic"}, "kind": {kind}})
	if res.status != http.StatusSeeOther {
		b.h.t.Fatalf("start: status %d\n%s", res.status, res.body)
	}
	m := idInPath.FindStringSubmatch(res.header.Get("Location"))
	if m == nil {
		b.h.t.Fatalf("start redirected to %q", res.header.Get("Location"))
	}
	return m[1]
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

func formVersion(t *testing.T, body string) string {
	t.Helper()
	m := versionField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no version field")
	}
	return m[1]
}
