package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Verifier checks an API key as the REST API does and returns its
// principal; api.Server.VerifyKey is the one the binary uses.
type Verifier func(r *http.Request, key string) (*civicspace.Principal, error)

// Handler is the web app: an http.Handler serving the pages, and the
// REST API (or whatever handler WithAPI gives) for every other path.
type Handler struct {
	svc      *civicspace.Service
	verify   Verifier
	api      http.Handler
	logger   *slog.Logger
	sessions *sessions
	locales  *locales
	extra    []*locale
	pages    map[string]*template.Template
	mux      *http.ServeMux
	ttl      time.Duration
}

// Option configures a Handler.
type Option func(*Handler)

// WithAPI serves h for every path the app does not (the REST API under
// /v1, its documentation under /docs).
func WithAPI(h http.Handler) Option { return func(a *Handler) { a.api = h } }

// WithVerifier sets how sign-in checks an API key. Without one, sign-in
// is refused.
func WithVerifier(v Verifier) Option { return func(a *Handler) { a.verify = v } }

// WithLogger sets the logger of server errors; nil discards them.
func WithLogger(l *slog.Logger) Option {
	return func(a *Handler) {
		if l != nil {
			a.logger = l
		}
	}
}

// WithSessionTTL sets how long a session lasts (DefaultSessionTTL).
func WithSessionTTL(d time.Duration) Option {
	return func(a *Handler) {
		if d > 0 {
			a.ttl = d
		}
	}
}

// WithLocale adds a language beyond the embedded message files: its BCP 47
// tag, its writing direction ("ltr" or "rtl") and its messages (English
// fills any gap). The tests add a right-to-left pseudo-locale with it.
func WithLocale(tag, name, dir string, messages map[string]string) Option {
	return func(a *Handler) {
		a.extra = append(a.extra, &locale{Tag: tag, Name: name, Dir: dir, msgs: messages})
	}
}

// New returns the web app of svc, whose Catalog, Countries, Store and
// Scorer must be set.
func New(svc *civicspace.Service, opts ...Option) (*Handler, error) {
	if svc == nil || svc.Catalog == nil || svc.Countries == nil || svc.Store == nil || svc.Scorer == nil {
		return nil, errors.New("web: the service needs a catalog, a country table, a store and a scorer")
	}
	a := &Handler{svc: svc, logger: slog.New(slog.DiscardHandler), ttl: DefaultSessionTTL}
	for _, o := range opts {
		o(a)
	}
	var err error
	if a.locales, err = loadLocales(a.extra...); err != nil {
		return nil, err
	}
	a.sessions = newSessions(a.ttl)
	if a.pages, err = parsePages(); err != nil {
		return nil, err
	}
	a.routes()
	return a, nil
}

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// ServeHTTP serves the app's pages, and hands every other path to the API.
func (a *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := a.mux.Handler(r); pattern == "" && a.api != nil {
		a.api.ServeHTTP(w, r)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// request is what a page handler knows of its request.
type request struct {
	p       *civicspace.Principal
	loc     *locale
	csrf    string
	session string // the session ID, "" when signed out
}

type reqKey struct{}

func reqOf(ctx context.Context) *request {
	if rq, ok := ctx.Value(reqKey{}).(*request); ok {
		return rq
	}
	return &request{p: civicspace.Anonymous}
}

// handle registers a page handler behind the app's middleware.
func (a *Handler) handle(pattern string, h http.HandlerFunc) {
	a.mux.Handle(pattern, a.middleware(h))
}

// middleware finds the caller (its session, re-verified), the language,
// and the CSRF token its forms carry; refuses a form post without the
// token; and sets the headers every page has.
func (a *Handler) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := &request{p: civicspace.Anonymous, loc: a.locales.pick(r)}
		if c, err := r.Cookie(sessionCookie); err == nil {
			if ss, ok := a.sessions.get(c.Value); ok && a.verify != nil {
				if p, err := a.verify(r, ss.key); err == nil {
					rq.p, rq.session = p, c.Value
				} else {
					a.sessions.delete(c.Value)
				}
			}
		}
		bound := "s:" + rq.session
		if rq.session == "" {
			v, err := r.Cookie(visitorCookie)
			if err != nil || len(v.Value) < 16 {
				v = cookie(r, visitorCookie, randomID(), 0)
				http.SetCookie(w, v)
			}
			bound = "v:" + v.Value
		}
		rq.csrf = a.sessions.csrfToken(bound)
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Language", rq.loc.Tag)
		h.Add("Vary", "Accept-Language, Cookie")
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				a.fail(w, r.WithContext(context.WithValue(r.Context(), reqKey{}, rq)), civicspace.Errorf(civicspace.EINVALID, "the form could not be read: %v", err))
				return
			}
			if !a.sessions.checkCSRF(bound, r.PostFormValue("csrf")) {
				rq.csrf = a.sessions.csrfToken(bound)
				a.fail(w, r.WithContext(context.WithValue(r.Context(), reqKey{}, rq)), errCSRF)
				return
			}
		}
		// Every Service call of the page runs as the signed-in caller.
		ctx := civicspace.NewContextWithPrincipal(context.WithValue(r.Context(), reqKey{}, rq), rq.p)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// maxFormBytes bounds a form post: a whole questionnaire with evidence.
const maxFormBytes = 2 << 20

var errCSRF = &civicspace.Error{Code: civicspace.EFORBIDDEN, Message: "csrf"}

// page is what every template receives.
type page struct {
	app     *Handler
	rq      *request
	Path    string
	Title   string
	Notice  string // announced to screen readers (role=status)
	Problem string // announced at once (role=alert)
	Data    any
}

// T translates a message key for the page's language.
func (p *page) T(key string, args ...any) string { return p.app.locales.T(p.rq.loc, key, args...) }

// Word translates a value of the domain (a band: Word "band" "obstructed")
// when the messages have it, and shows it as it is otherwise.
func (p *page) Word(prefix, v string) string {
	key := prefix + "." + v
	if msg := p.app.locales.T(p.rq.loc, key); msg != key {
		return msg
	}
	return v
}

// Lang, Dir, CSRF, Locales, SignedIn and Principal are for the layout.
func (p *page) Lang() string                     { return p.rq.loc.Tag }
func (p *page) Dir() string                      { return p.rq.loc.Dir }
func (p *page) CSRF() string                     { return p.rq.csrf }
func (p *page) Locales() []*locale               { return p.app.locales.list }
func (p *page) SignedIn() bool                   { return p.rq.p.Authenticated() }
func (p *page) Principal() *civicspace.Principal { return p.rq.p }

// render writes a page with status.
func (a *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *page) {
	t, ok := a.pages[name]
	if !ok {
		a.logger.ErrorContext(r.Context(), "web: no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	pg.app, pg.rq, pg.Path = a, reqOf(r.Context()), r.URL.RequestURI()
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", pg); err != nil {
		a.logger.ErrorContext(r.Context(), "web: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// fail renders the error page of err: the status of its code and a message
// in the page's language.
func (a *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key := http.StatusInternalServerError, "error.internal"
	switch {
	case err == errCSRF:
		status, key = http.StatusForbidden, "error.csrf"
	default:
		switch civicspace.ErrorCode(err) {
		case civicspace.ENOTFOUND:
			status, key = http.StatusNotFound, "error.notfound"
		case civicspace.EUNAUTHORIZED:
			status, key = http.StatusUnauthorized, "error.unauthorized"
		case civicspace.EFORBIDDEN:
			status, key = http.StatusForbidden, "error.forbidden"
		case civicspace.EINVALID, civicspace.ESTATE:
			status, key = http.StatusBadRequest, "error.invalid"
		case civicspace.ECONFLICT:
			status, key = http.StatusConflict, "error.conflict"
		}
	}
	if status == http.StatusInternalServerError {
		a.logger.ErrorContext(r.Context(), "web: request failed", "path", r.URL.Path, "err", err)
	}
	pg := &page{Data: errorData{Key: key, Detail: detailOf(err, status)}}
	pg.Title = a.locales.T(reqOf(r.Context()).loc, key)
	a.render(w, r, status, "error", pg)
}

type errorData struct {
	Key, Detail string
}

// detailOf is what the error page says beyond its title: the domain's
// message, except for internal errors (which may say too much).
func detailOf(err error, status int) string {
	if status == http.StatusInternalServerError || err == errCSRF {
		return ""
	}
	var e *civicspace.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// redirect sends the browser to path after a successful post.
func redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// localPath returns next if it is a path of this site, else "/".
func localPath(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return "/"
}
