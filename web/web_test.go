package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

func sessionCookieOf(t *testing.T, res response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == "cs_session" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", res.header.Values("Set-Cookie"))
	return nil
}

func TestSignInSession(t *testing.T) {
	for _, tls := range []bool{false, true} {
		h := newHarness(t, tls)
		b := h.browser()
		if res := b.get("/work"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/signin") {
			t.Fatalf("signed out /work: %d %s, want a redirect to sign in", res.status, res.header.Get("Location"))
		}
		res := b.post("/signin", "/signin", url.Values{"key": {h.assessor}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/work" {
			t.Fatalf("sign-in: %d → %q", res.status, res.header.Get("Location"))
		}
		c := sessionCookieOf(t, res)
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.MaxAge <= 0 || c.MaxAge > int((8*time.Hour).Seconds()) {
			t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, expiring within 8h", c)
		}
		if c.Secure != tls {
			t.Errorf("TLS %v: cookie Secure = %v", tls, c.Secure)
		}
		if strings.Contains(c.Value, h.keyIDs[h.assessor]) || strings.Contains(res.header.Get("Set-Cookie"), "csk_") {
			t.Error("the cookie carries the key")
		}
		if res := b.get("/work"); res.status != http.StatusOK || !strings.Contains(res.body, "Start an assessment") {
			t.Fatalf("signed in /work: %d", res.status)
		}
		if res := b.post("/work", "/signout", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", res.status)
		}
		if res := b.get("/work"); res.status != http.StatusSeeOther {
			t.Errorf("after sign-out /work: %d, want a redirect to sign in", res.status)
		}
	}
}

func TestSignInRefusesBadKeys(t *testing.T) {
	h := newHarness(t, false)
	b := h.browser()
	for _, key := range []string{"", "csk_nothing", h.assessor + "x"} {
		res := b.post("/signin", "/signin", url.Values{"key": {key}})
		if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "This key was not accepted") || !strings.Contains(res.body, `role="alert"`) {
			t.Errorf("key %q: status %d, want 401 with the message announced", key, res.status)
		}
	}
}

func TestRevokedKeyEndsSession(t *testing.T) {
	h := newHarness(t, false)
	b := h.browser()
	b.signIn(h.assessor)
	if _, err := h.store.RevokeKey(context.Background(), h.keyIDs[h.assessor], time.Now()); err != nil {
		t.Fatal(err)
	}
	if res := b.get("/work"); res.status != http.StatusSeeOther {
		t.Errorf("revoked key's session: /work %d, want a redirect to sign in", res.status)
	}
}

func TestCSRFRequired(t *testing.T) {
	h := newHarness(t, false)
	b := h.browser()
	b.get("/signin")
	tests := []struct {
		name, path string
		form       url.Values
	}{
		{"sign-in without token", "/signin", url.Values{"key": {h.assessor}}},
		{"sign-in with a forged token", "/signin", url.Values{"key": {h.assessor}, "csrf": {"forged"}}},
	}
	for _, tt := range tests {
		res := b.do(http.MethodPost, tt.path, tt.form)
		if res.status != http.StatusForbidden || !strings.Contains(res.body, "This form has expired") {
			t.Errorf("%s: status %d, want 403", tt.name, res.status)
		}
	}
	b.signIn(h.assessor)
	res := b.do(http.MethodPost, "/work/assessments", url.Values{"country": {"NOR"}, "period": {"2025"}, "roles": {"domestic"}, "kind": {"self"}})
	if res.status != http.StatusForbidden {
		t.Errorf("start without token: %d, want 403", res.status)
	}
	// A token of another browser is refused too.
	other := h.browser()
	other.signIn(h.assessor)
	res = b.do(http.MethodPost, "/work/assessments", url.Values{"csrf": {other.csrf("/work")}, "country": {"NOR"}, "period": {"2025"}, "roles": {"domestic"}, "kind": {"self"}})
	if res.status != http.StatusForbidden {
		t.Errorf("start with another session's token: %d, want 403", res.status)
	}
	page, err := h.svc.ListAssessments(civicspace.NewContextWithPrincipal(context.Background(), civicspace.System), civicspace.AssessmentFilter{})
	if err != nil || len(page.Records) != 0 {
		t.Errorf("refused posts created %d assessments (err %v)", len(page.Records), err)
	}
}

func TestLanguages(t *testing.T) {
	h := newHarness(t, false, withRTL)
	tests := []struct {
		accept, cookie, lang, dir, text string
	}{
		{"", "", "en", "ltr", "Civic space monitoring"},
		{"fr-CA, en;q=0.5", "", "fr", "ltr", "Suivi de l&#39;espace civique"},
		{"es-MX", "", "es", "ltr", "Seguimiento del espacio cívico"},
		{"de, fr;q=0.3", "", "fr", "ltr", "Accueil"},
		{"fr", "es", "es", "ltr", "Inicio"},
		{"ar-XB", "", "ar-XB", "rtl", "‮Home‬"},
	}
	for _, tt := range tests {
		b := h.browser()
		if tt.accept != "" {
			b.header.Set("Accept-Language", tt.accept)
		}
		if tt.cookie != "" {
			if res := b.get("/lang/" + tt.cookie + "?next=/ranking"); res.status != http.StatusSeeOther || res.header.Get("Location") != "/ranking" {
				t.Fatalf("switch: %d %s", res.status, res.header.Get("Location"))
			}
		}
		res := b.get("/")
		if want := `<html lang="` + tt.lang + `" dir="` + tt.dir + `">`; !strings.Contains(res.body, want) {
			t.Errorf("Accept-Language %q cookie %q: want %s", tt.accept, tt.cookie, want)
		}
		if !strings.Contains(res.body, tt.text) {
			t.Errorf("Accept-Language %q cookie %q: page lacks %q", tt.accept, tt.cookie, tt.text)
		}
		if got := res.header.Get("Content-Language"); got != tt.lang {
			t.Errorf("Content-Language %q, want %q", got, tt.lang)
		}
	}
	if res := h.browser().get("/lang/xx?next=/"); res.status != http.StatusNotFound {
		t.Errorf("unknown language: %d", res.status)
	}
	if res := h.browser().get("/lang/fr?next=//evil.example"); res.header.Get("Location") != "/" {
		t.Errorf("switch followed an off-site next: %q", res.header.Get("Location"))
	}
}

func TestAPIAndDocsStillServed(t *testing.T) {
	h := newHarness(t, false)
	b := h.browser()
	if res := b.get("/v1/catalog"); res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Errorf("/v1/catalog: %d %s", res.status, res.header.Get("Content-Type"))
	}
	if res := b.get("/docs"); res.status != http.StatusOK {
		t.Errorf("/docs: %d", res.status)
	}
	if res := b.get("/static/app.css"); res.status != http.StatusOK || !strings.Contains(res.body, "margin-inline-start") {
		t.Errorf("/static/app.css: %d", res.status)
	}
	res := b.get("/")
	if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
}

// TestSelfAssessmentFlow is the whole round over plain HTTP: an official
// starts, saves a questionnaire with a problem (shown next to its
// question), meets a conflict that keeps what was typed, fixes and
// submits; the reviewer publishes; the public page shows the scorecard.
func TestSelfAssessmentFlow(t *testing.T) {
	h := newHarness(t, false)
	official := h.browser()
	official.signIn(h.assessor)
	id := official.start("self")
	path := "/work/assessments/" + id

	page := official.get(path)
	if page.status != http.StatusOK || !strings.Contains(page.body, "0 of ") {
		t.Fatalf("questionnaire: %d", page.status)
	}
	form := fullAnswers(h.svc.Catalog)
	form.Set("v.sdg-16-10-2-adoption", "9") // out of range: a problem
	form.Set("version", formVersion(t, page.body))
	form.Set("action", "save")
	res := official.post(path, path, form)
	if res.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.status, res.body)
	}
	page = official.get(path)
	if !strings.Contains(page.body, `id="p-sdg-16-10-2-adoption"`) || !strings.Contains(page.body, "level 9 is out of range") {
		t.Fatal("the problem is not shown next to its question")
	}
	if !strings.Contains(page.body, "Problems to fix: 1") || !strings.Contains(page.body, "Score preview:") {
		t.Error("no problem count or score preview")
	}
	// A save from a stale page: refused, and what was typed is shown.
	stale := fullAnswers(h.svc.Catalog)
	stale.Set("c.ati-guarantee", "typed on a stale page")
	stale.Set("version", "1")
	stale.Set("action", "save")
	res = official.post(path, path, stale)
	if res.status != http.StatusConflict || !strings.Contains(res.body, "typed on a stale page") || !strings.Contains(res.body, "Not saved") {
		t.Fatalf("stale save: %d, want 409 with the typed text kept", res.status)
	}
	// Fix and submit.
	form.Set("v.sdg-16-10-2-adoption", "3")
	form.Set("version", formVersion(t, page.body))
	form.Set("action", "submit")
	res = official.post(path, path, form)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/work?done=submitted" {
		t.Fatalf("submit: %d %s\n%s", res.status, res.header.Get("Location"), res.body)
	}
	// The assessor may not publish; the reviewer may.
	if strings.Contains(official.get(path+"/review").body, `value="publish"`) {
		t.Error("the assessor is offered to publish")
	}
	reviewer := h.browser()
	reviewer.signIn(h.reviewer)
	if !strings.Contains(reviewer.get("/work").body, path+"/review") {
		t.Fatal("the submitted assessment is not in the reviewer's list")
	}
	review := reviewer.get(path + "/review")
	if !strings.Contains(review.body, `value="publish"`) || !strings.Contains(review.body, "<svg") {
		t.Fatal("the review page lacks the decision or the score")
	}
	res = reviewer.post(path+"/review", path+"/review", url.Values{"action": {"publish"}, "version": {formVersion(t, review.body)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", res.status, res.body)
	}
	public := h.browser()
	home := public.get("/")
	if !strings.Contains(home.body, "/scorecards/"+id) || !strings.Contains(home.body, "Norway") {
		t.Fatal("the home page does not list the published scorecard")
	}
	card := public.get("/scorecards/" + id)
	if card.status != http.StatusOK || !strings.Contains(card.body, "<svg") || !strings.Contains(card.body, "/v1/assessments/"+id+"/scorecard") {
		t.Errorf("public scorecard: %d", card.status)
	}
	if c := public.get("/countries/NOR"); c.status != http.StatusOK || !strings.Contains(c.body, "/scorecards/"+id) {
		t.Errorf("country page: %d, want a link to the scorecard", c.status)
	}
	// A watchdog's shadow questionnaire shows the government's published
	// answer beside each question.
	watchdog := h.browser()
	watchdog.signIn(h.watchdog)
	shadow := watchdog.get("/work/assessments/" + watchdog.start("shadow")).body
	ind, _ := h.svc.Catalog.Indicator("ati-guarantee")
	if !strings.Contains(shadow, "The government&#39;s published answer: <strong>"+ind.Options[0].Label) {
		t.Error("the shadow questionnaire does not show the government's answer")
	}
}

func TestReturnNeedsComment(t *testing.T) {
	h := newHarness(t, false)
	official := h.browser()
	official.signIn(h.assessor)
	id := official.start("self")
	path := "/work/assessments/" + id
	form := fullAnswers(h.svc.Catalog)
	form.Set("version", formVersion(t, official.get(path).body))
	form.Set("action", "submit")
	if res := official.post(path, path, form); res.status != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.status)
	}
	reviewer := h.browser()
	reviewer.signIn(h.reviewer)
	v := formVersion(t, reviewer.get(path+"/review").body)
	if res := reviewer.post(path+"/review", path+"/review", url.Values{"action": {"return"}, "version": {v}}); res.status != http.StatusBadRequest {
		t.Errorf("return without comment: %d, want 400", res.status)
	}
	if res := reviewer.post(path+"/review", path+"/review", url.Values{"action": {"return"}, "version": {v}, "note": {"Cite the 2024 law."}}); res.status != http.StatusSeeOther {
		t.Errorf("return with comment: %d", res.status)
	}
	rec, _, err := h.svc.Assessment(civicspace.NewContextWithPrincipal(context.Background(), civicspace.System), id)
	if err != nil || rec.Status != civicspace.Draft {
		t.Fatalf("after return: %v, want a draft", err)
	}
}

func TestOthersDraftIsNotFound(t *testing.T) {
	h := newHarness(t, false)
	official := h.browser()
	official.signIn(h.assessor)
	id := official.start("self")
	for _, who := range []string{"", h.watchdog} {
		b := h.browser()
		if who != "" {
			b.signIn(who)
		}
		if res := b.get("/scorecards/" + id); res.status != http.StatusNotFound {
			t.Errorf("%q: unpublished scorecard %d, want 404", who, res.status)
		}
		if who != "" {
			if res := b.get("/work/assessments/" + id); res.status != http.StatusNotFound {
				t.Errorf("%q: another's draft %d, want 404", who, res.status)
			}
		}
	}
}

// TestAutosave: the background save answers 204 with the new version's
// ETag, and 409 (nothing saved) from a stale version.
func TestAutosave(t *testing.T) {
	h := newHarness(t, false)
	official := h.browser()
	official.signIn(h.assessor)
	id := official.start("self")
	path := "/work/assessments/" + id
	form := url.Values{"v.ati-guarantee": {"yes"}, "version": {formVersion(t, official.get(path).body)}, "action": {"save"}}
	official.header.Set("X-Autosave", "1")
	res := official.post(path, path, form)
	if res.status != http.StatusNoContent || res.header.Get("ETag") != `"2"` {
		t.Fatalf("autosave: %d ETag %q, want 204 \"2\"", res.status, res.header.Get("ETag"))
	}
	form.Set("c.ati-guarantee", "stale")
	if res := official.post(path, path, form); res.status != http.StatusConflict {
		t.Errorf("stale autosave: %d, want 409", res.status)
	}
	rec, _, err := h.svc.Assessment(civicspace.NewContextWithPrincipal(context.Background(), civicspace.System), id)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Version != 2 || rec.Assessment.Answers["ati-guarantee"].Comment != "" {
		t.Errorf("after the stale autosave: version %d comment %q", rec.Version, rec.Assessment.Answers["ati-guarantee"].Comment)
	}
}
