package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

type reviewData struct {
	Record     *civicspace.Record
	Country    civicspace.Country
	Sections   []section
	General    []civicspace.Problem
	Problems   int
	Answered   int
	Applicable int
	Score      *scorecardData
	CanDecide  bool
	CanEdit    bool
}

// review is the read-only view of an assessment the caller owns: its
// answers, problems and score, and for a reviewer of a submitted one the
// decision forms.
func (a *Handler) review(w http.ResponseWriter, r *http.Request) {
	p := a.signedIn(w, r)
	if p == nil {
		return
	}
	rec, problems, full, err := a.readAssessment(r.Context(), p, r.PathValue("id"))
	if err == nil && !full {
		// Not the caller's: the public page shows what is published.
		redirect(w, r, "/scorecards/"+rec.ID)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := a.reviewData(r, p, rec, problems)
	a.render(w, r, http.StatusOK, "review", &page{Title: "review.title", Data: d})
}

func (a *Handler) reviewData(r *http.Request, p *civicspace.Principal, rec *civicspace.Record, problems []civicspace.Problem) *reviewData {
	cat := a.catalog(r)
	byInd, general := problemsByIndicator(problems)
	qs := questionsOf(cat, rec.Assessment.Answers, nil, byInd)
	d := &reviewData{Record: rec, General: general, Problems: len(problems)}
	d.Country, _ = a.svc.Countries.Lookup(rec.Assessment.Subject.Country)
	d.Sections, d.Answered, d.Applicable = sections(cat, rec.Assessment.Roles, qs)
	if len(problems) == 0 {
		d.Score, _ = a.scoreData(r, rec)
	}
	d.CanDecide = rec.Status == civicspace.Submitted && a.svc.MayAct(withPrincipal(r.Context(), p), civicspace.ActionPublish, rec)
	d.CanEdit = rec.Status == civicspace.Draft && a.svc.MayAct(withPrincipal(r.Context(), p), civicspace.ActionUpdate, rec)
	return d
}

// decide publishes a submitted assessment or returns it to its authors
// with a comment (which a return needs).
func (a *Handler) decide(w http.ResponseWriter, r *http.Request) {
	p := a.signedIn(w, r)
	if p == nil {
		return
	}
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	note := strings.TrimSpace(r.PostFormValue("note"))
	var action civicspace.Action
	switch r.PostFormValue("action") {
	case "publish":
		action = civicspace.ActionPublish
	case "return":
		action = civicspace.ActionReturn
		if note == "" {
			a.fail(w, r, civicspace.Errorf(civicspace.EINVALID, "%s", a.locales.T(reqOf(r.Context()).loc, "review.needcomment")))
			return
		}
	default:
		a.fail(w, r, civicspace.Errorf(civicspace.EINVALID, "unknown decision %q", r.PostFormValue("action")))
		return
	}
	if _, err := a.transition(r.Context(), p, id, version, action, note); err != nil {
		a.fail(w, r, err)
		return
	}
	done := "published"
	if action == civicspace.ActionReturn {
		done = "returned"
	}
	redirect(w, r, "/work?done="+done)
}
