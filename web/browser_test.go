package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The browser tests drive Debian's Chromium (.ci/run installs it) through
// chromedp: one browser for the package, a fresh browser context (its own
// cookies) per user, so they stay fast. Without Chromium they skip, saying
// so. With -screenshots they also write the main pages to docs/img.

var screenshots = flag.Bool("screenshots", false, "write screenshots of the main pages to docs/img")

// axe-core, vendored for the tests only (testdata/axe, MPL-2.0).
//
//go:embed testdata/axe/axe.min.js
var axeSource string

var (
	browserOnce   sync.Once
	browserCtx    context.Context
	browserCancel context.CancelFunc
	browserSkip   string
)

func chromiumPath() string {
	if p := os.Getenv("CIVICSPACE_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if browserCancel != nil {
		browserCancel()
	}
	os.Exit(code)
}

// browserFor returns the package's browser, starting it on first use.
func browserFor(t *testing.T) context.Context {
	t.Helper()
	browserOnce.Do(func() {
		path := chromiumPath()
		if _, err := os.Stat(path); err != nil {
			browserSkip = fmt.Sprintf("no Chromium at %s (apt-get install chromium, or set CIVICSPACE_CHROMIUM): skipping the browser tests; .ci/run installs it", path)
			return
		}
		dir, err := os.MkdirTemp("", "civicspace-chromium")
		if err != nil {
			browserSkip = err.Error()
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox, // as root in CI
			chromedp.DisableGPU,
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 900),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("no-proxy-server", true),
		)
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		if err := chromedp.Do(ctx); err != nil {
			cancel()
			cancelAlloc()
			t.Fatalf("start Chromium: %v", err)
		}
		browserCtx = ctx
		browserCancel = func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
	})
	if browserSkip != "" {
		if os.Getenv("CIVICSPACE_REQUIRE_BROWSER") != "" {
			t.Fatal(browserSkip) // CI must run them (.ci/run sets this)
		}
		t.Skip(browserSkip)
	}
	if browserCtx == nil {
		t.Fatal("Chromium did not start")
	}
	return browserCtx
}

// tab is one user's tab: a new browser context (its own cookies) with a
// deadline.
type tab struct {
	t   *testing.T
	ctx context.Context
	url string
}

func newTab(t *testing.T, h *harness) *tab {
	t.Helper()
	ctx, cancel := context.WithTimeout(browserFor(t), 3*time.Minute)
	t.Cleanup(cancel)
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	return &tab{t: t, ctx: ctx, url: h.srv.URL}
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatal(err)
	}
}

// open loads a page.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.url+path), chromedp.WaitReady("body"))
}

// follow clicks sel and waits for the page it leads to.
func (tb *tab) follow(sel string) {
	tb.t.Helper()
	defer tb.since(time.Now(), "follow "+sel)
	if _, err := chromedp.Run(tb.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(sel))); err != nil {
		tb.t.Fatalf("click %s: %v", sel, err)
	}
}

func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		tb.t.Fatalf("evaluate %.60q: %v", js, err)
	}
	return v
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(sel))
	if err != nil {
		tb.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (tb *tab) body() string { return eval[string](tb, `document.body.innerText`) }

// axeRun runs the WCAG 2.0 and 2.1 A and AA rules and keeps the serious
// and critical violations.
const axeRun = `axe.run(document, {
	runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
	resultTypes: ["violations"]
}).then(function (r) {
	var bad = r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; });
	return JSON.stringify(bad.map(function (v) {
		return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(" "); })};
	}));
})`

// axeChecked names the pages axe has checked in this run.
var axeChecked sync.Map

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core on the page (WCAG 2.0/2.1 A and AA rules) and fails on
// any serious or critical violation.
func (tb *tab) axe(name string) {
	tb.t.Helper()
	if _, done := axeChecked.LoadOrStore(name, true); done {
		return // the same page was checked already: keep the suite fast
	}
	defer tb.since(time.Now(), "axe "+name)
	if !eval[bool](tb, `typeof window.axe === "object"`) {
		eval[chromedp.Void](tb, axeSource+";undefined")
	}
	out, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("axe on %s: %v", name, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		tb.t.Fatal(err)
	}
	for _, v := range vs {
		tb.t.Errorf("axe, %s: %s %s (%s) at %v", name, v.Impact, v.ID, v.Help, v.Nodes)
	}
}

// since logs how long a step took (go test -v), to keep the suite fast.
func (tb *tab) since(start time.Time, what string) {
	tb.t.Logf("%s: %s", what, time.Since(start).Round(time.Millisecond))
}

// shot writes a full-page screenshot to docs/img when -screenshots is set.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	if !*screenshots {
		return
	}
	buf, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(90))
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "img", "web-"+name+".png"), buf, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

func (tb *tab) signIn(key string) {
	tb.t.Helper()
	tb.open("/signin")
	tb.axe("sign-in")
	tb.do(chromedp.SendKeys("#key", key))
	tb.follow(`form[action="/signin"] button`)
	if !strings.HasSuffix(eval[string](tb, `location.pathname`), "/work") {
		tb.t.Fatalf("sign-in ended at %s: %s", eval[string](tb, `location.href`), tb.body())
	}
}

// fillAll answers every question of the questionnaire as a user would
// (a level or option clicked, a number typed, evidence written), except
// the evidence of skipEvidence.
func (tb *tab) fillAll(skipEvidence string) int {
	return eval[int](tb, `(() => {
		let n = 0;
		for (const fs of document.querySelectorAll("#questionnaire fieldset.question")) {
			const radios = fs.querySelectorAll("input[type=radio]");
			if (radios.length) { radios[Math.min(1, radios.length - 1)].click(); }
			else { const i = fs.querySelector("input[name^='v.']"); i.value = "0"; }
			if (fs.id !== "q-`+skipEvidence+`") {
				fs.querySelector("input[name$='.0.title']").value = "Official gazette";
				fs.querySelector("input[name$='.0.url']").value = "https://example.org/gazette";
			}
			n++;
		}
		return n;
	})()`)
}

// TestBrowserSelfAssessment: an official fills the whole questionnaire
// for a country, saves, reloads, fixes the problem shown, submits; a
// reviewer publishes; the public page shows the scorecard. axe-core checks
// each page.
func TestBrowserSelfAssessment(t *testing.T) {
	h := newHarness(t, false)
	public := newTab(t, h)
	public.open("/")
	public.axe("home")

	official := newTab(t, h)
	official.signIn(h.assessor)
	official.axe("desk")
	official.shot("desk")
	official.do(chromedp.SendKeys("#s-period", "2025"), chromedp.Click("#s-role-domestic"))
	official.follow(`form[action="/work/assessments"] button`)
	official.do(chromedp.WaitVisible("#questionnaire"))
	n := official.fillAll("ati-guarantee")
	if n < 10 {
		t.Fatalf("only %d questions", n)
	}
	official.follow(`button[value=save]`)
	official.do(chromedp.Reload(), chromedp.WaitVisible("#questionnaire"))
	problem := official.text("#p-ati-guarantee")
	if !strings.Contains(problem, "requires evidence") {
		t.Fatalf("the problem next to the question: %q", problem)
	}
	if got := official.text("#progress-text"); !strings.Contains(got, fmt.Sprintf("%d of %d", n, n)) {
		t.Errorf("progress %q, want all %d answered", got, n)
	}
	official.axe("questionnaire, a problem shown")
	official.shot("questionnaire")
	// Fix it from the keyboard.
	official.do(chromedp.SendKeys("#e-ati-guarantee-0-title", "Access to Information Act"),
		chromedp.SendKeys("#e-ati-guarantee-0-url", "https://example.org/ati-act"))
	official.follow(`button[value=submit]`)
	if msg := official.text("#status"); !strings.Contains(msg, "submitted for review") {
		t.Fatalf("after submit: %q\n%s", msg, official.body())
	}

	reviewer := newTab(t, h)
	reviewer.signIn(h.reviewer)
	reviewer.follow(`a[href$="/review"]`)
	reviewer.do(chromedp.WaitVisible("figure.svg svg"))
	reviewer.axe("review")
	reviewer.shot("review")
	reviewer.follow(`button[value=publish]`)
	if msg := reviewer.text("#status"); !strings.Contains(msg, "published") {
		t.Fatalf("after publish: %q", msg)
	}

	public.open("/")
	public.shot("home")
	public.follow(`a[href^="/scorecards/"]`)
	public.do(chromedp.WaitVisible("figure.svg svg"))
	if h1 := public.text("h1"); !strings.Contains(h1, "Norway") {
		t.Errorf("scorecard heading %q", h1)
	}
	public.axe("scorecard")
	public.shot("scorecard")
	public.open("/countries/NOR")
	public.axe("country")
	public.open("/ranking?kind=self")
	public.axe("ranking")
	public.shot("ranking")
}

// TestBrowserFrenchShadow: the language switch gives the French UI and the
// French catalog text; a watchdog's shadow questionnaire; the CSRF token
// is required of a real form post.
func TestBrowserFrenchShadow(t *testing.T) {
	h := newHarness(t, false)
	watchdog := newTab(t, h)
	watchdog.signIn(h.watchdog)
	watchdog.follow(`a[hreflang=fr]`)
	if lang := eval[string](watchdog, `document.documentElement.lang`); lang != "fr" {
		t.Fatalf("after the switch, lang=%q", lang)
	}
	watchdog.do(chromedp.SetValue("#s-country", "FRA"), chromedp.SendKeys("#s-period", "2025"), chromedp.Click("#s-role-domestic"))
	watchdog.follow(`form[action="/work/assessments"] button`)
	watchdog.do(chromedp.WaitVisible("#questionnaire"))
	body := watchdog.body()
	for _, want := range []string{"Enregistrer le brouillon", "L'État dispose-t-il d'une garantie constitutionnelle", "Oui : une garantie est en vigueur", "Évaluation parallèle"} {
		if !strings.Contains(body, want) {
			t.Errorf("French questionnaire lacks %q", want)
		}
	}
	watchdog.axe("French shadow questionnaire")
	watchdog.shot("questionnaire-fr")
	// A form post without its CSRF token changes nothing.
	eval[chromedp.Void](watchdog, `document.querySelector("#questionnaire input[name=csrf]").remove()`)
	watchdog.follow(`button[value=save]`)
	if title := watchdog.text("h1"); !strings.Contains(title, "Ce formulaire a expiré") {
		t.Errorf("post without CSRF token: %q", title)
	}
}

// TestBrowserKeyboardAndRTL: the first Tab reaches the skip link, focus is
// visible, and the right-to-left pseudo-locale mirrors the layout with
// the same templates.
func TestBrowserKeyboardAndRTL(t *testing.T) {
	h := newHarness(t, false)
	tb := newTab(t, h)
	tb.open("/")
	tb.do(chromedp.KeyEvent(kb.Tab))
	if cls := eval[string](tb, `document.activeElement.className`); cls != "skip" {
		t.Errorf("first Tab focuses %q, want the skip link", cls)
	}
	if o := eval[string](tb, `getComputedStyle(document.activeElement).outlineStyle`); o == "none" {
		t.Error("the focused skip link has no visible outline")
	}
	ltr := eval[bool](tb, `document.querySelector(".brand").getBoundingClientRect().left < document.querySelector(".account").getBoundingClientRect().left`)
	tb.open("/lang/ar-XB?next=/")
	if d := eval[string](tb, `getComputedStyle(document.body).direction`); d != "rtl" {
		t.Fatalf("pseudo-locale direction %q", d)
	}
	rtl := eval[bool](tb, `document.querySelector(".brand").getBoundingClientRect().left > document.querySelector(".account").getBoundingClientRect().left`)
	if !ltr || !rtl {
		t.Errorf("layout not mirrored: brand before account in LTR %v, after in RTL %v", ltr, rtl)
	}
	tb.axe("RTL home")
}
