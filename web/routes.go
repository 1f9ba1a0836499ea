package web

import (
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

func (a *Handler) routes() {
	a.mux = http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	files := http.FileServerFS(static)
	a.mux.Handle("GET /static/", http.StripPrefix("/static", cacheStatic(files)))

	a.handle("GET /{$}", a.home)
	a.handle("GET /ranking", a.ranking)
	a.handle("GET /countries/{alpha3}", a.country)
	a.handle("GET /scorecards/{id}", a.scorecard)
	a.handle("GET /lang/{tag}", a.setLang)
	a.handle("GET /signin", a.signinForm)
	a.handle("POST /signin", a.signin)
	a.handle("POST /signout", a.signout)
	a.handle("GET /work", a.work)
	a.handle("POST /work/assessments", a.start)
	a.handle("GET /work/assessments/{id}", a.questionnaire)
	a.handle("POST /work/assessments/{id}", a.save)
	a.handle("GET /work/assessments/{id}/review", a.review)
	a.handle("POST /work/assessments/{id}/review", a.decide)
}

// cacheStatic lets browsers keep the embedded files for an hour.
func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// setLang is the language switch: it remembers the choice in a cookie and
// goes back to the page it was used on.
func (a *Handler) setLang(w http.ResponseWriter, r *http.Request) {
	tag := r.PathValue("tag")
	if a.locales.byTag(tag) == nil {
		a.fail(w, r, civicspace.Errorf(civicspace.ENOTFOUND, "no language %q", tag))
		return
	}
	http.SetCookie(w, cookie(r, langCookie, tag, 365*24*time.Hour))
	redirect(w, r, localPath(r.URL.Query().Get("next")))
}

type signinData struct {
	Next string
}

func (a *Handler) signinForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "signin", &page{Title: "signin.title", Data: signinData{Next: localPath(r.URL.Query().Get("next"))}})
}

// signin exchanges an API key, verified as the REST API verifies it, for a
// session: the key stays on the server, the browser holds only the
// session's ID in an HttpOnly, SameSite=Strict cookie.
func (a *Handler) signin(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimSpace(r.PostFormValue("key"))
	next := localPath(r.PostFormValue("next"))
	var err error
	if a.verify == nil {
		err = civicspace.Errorf(civicspace.EUNAUTHORIZED, "this server has no sign-in")
	} else {
		_, err = a.verify(r, key)
	}
	if err != nil {
		status := http.StatusUnauthorized
		if civicspace.ErrorCode(err) != civicspace.EUNAUTHORIZED {
			status = http.StatusTooManyRequests
		}
		rq := reqOf(r.Context())
		a.render(w, r, status, "signin", &page{Title: "signin.title", Problem: a.locales.T(rq.loc, "signin.invalid"), Data: signinData{Next: next}})
		return
	}
	if old, err := r.Cookie(sessionCookie); err == nil {
		a.sessions.delete(old.Value)
	}
	id, err := a.sessions.create(key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	http.SetCookie(w, cookie(r, sessionCookie, id, a.ttl))
	if next == "/" {
		next = "/work"
	}
	redirect(w, r, next)
}

func (a *Handler) signout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.sessions.delete(c.Value)
	}
	http.SetCookie(w, cookie(r, sessionCookie, "", -1))
	redirect(w, r, "/")
}

// signedIn returns the caller, or sends a signed-out browser to the
// sign-in page and returns nil.
func (a *Handler) signedIn(w http.ResponseWriter, r *http.Request) *civicspace.Principal {
	p := reqOf(r.Context()).p
	if !p.Authenticated() {
		redirect(w, r, "/signin?next="+r.URL.Path)
		return nil
	}
	return p
}
