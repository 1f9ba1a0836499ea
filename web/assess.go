package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// section is one framework of the questionnaire, its questions grouped by
// topic. Each indicator is asked once, under the first framework (in
// catalog order) of the recommendations it measures that apply to the
// assessment's roles.
type section struct {
	Framework *civicspace.Framework
	Topics    []topic
}

type topic struct {
	Name      string
	Questions []*question
}

// applicable reports whether ind is asked of an assessment in roles (the
// catalog's rule: Indicator.Asks), and the framework it is shown under:
// that of the first recommendation it measures that is addressed to one of
// the roles, else of the first it measures.
func applicable(cat *civicspace.Catalog, ind *civicspace.Indicator, roles []civicspace.Role) (*civicspace.Framework, bool) {
	if !ind.Asks(roles) || len(ind.Recommendations) == 0 {
		return nil, false
	}
	for _, id := range ind.Recommendations {
		if r, ok := cat.Recommendation(id); ok && r.AppliesTo(roles) {
			return r.Framework(), true
		}
	}
	r, ok := cat.Recommendation(ind.Recommendations[0])
	if !ok {
		return nil, false
	}
	return r.Framework(), true
}

// sections lays the questions out by framework and topic, and counts the
// applicable questions and those answered.
func sections(cat *civicspace.Catalog, roles []civicspace.Role, qs map[string]*question) (out []section, answered, total int) {
	byFw := map[string]*section{}
	for _, ind := range cat.Indicators() {
		fw, ok := applicable(cat, ind, roles)
		if !ok {
			continue
		}
		total++
		q := qs[ind.ID]
		if q.Answered {
			answered++
		}
		s := byFw[fw.ID]
		if s == nil {
			s = &section{Framework: fw}
			byFw[fw.ID] = s
		}
		i := slices.IndexFunc(s.Topics, func(t topic) bool { return t.Name == ind.Topic })
		if i < 0 {
			s.Topics = append(s.Topics, topic{Name: ind.Topic})
			i = len(s.Topics) - 1
		}
		s.Topics[i].Questions = append(s.Topics[i].Questions, q)
	}
	for _, fw := range cat.Frameworks() {
		if s := byFw[fw.ID]; s != nil {
			out = append(out, *s)
		}
	}
	return out, answered, total
}

type workData struct {
	Owned     []*civicspace.Record
	ToReview  []*civicspace.Record
	CanStart  bool
	Kind      civicspace.Kind
	Subjects  []civicspace.Country
	Roles     []civicspace.Role
	NeedsOrg  bool
	Countries []civicspace.Country
}

// work is a signed-in caller's desk: what it may start, its assessments,
// and for a reviewer those waiting for a decision.
func (a *Handler) work(w http.ResponseWriter, r *http.Request) {
	p := a.signedIn(w, r)
	if p == nil {
		return
	}
	owned, err := a.ownedAssessments(r.Context(), p, "")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &workData{Owned: owned, Roles: civicspace.Roles}
	for _, rec := range owned {
		if rec.Status == civicspace.Submitted && a.svc.MayAct(withPrincipal(r.Context(), p), civicspace.ActionPublish, rec) {
			d.ToReview = append(d.ToReview, rec)
		}
	}
	switch p.Role {
	case civicspace.RoleAssessor:
		d.CanStart, d.Kind = true, civicspace.KindSelf
		for _, s := range p.Subjects {
			if c, ok := a.svc.Countries.Lookup(s); ok {
				d.Subjects = append(d.Subjects, c)
			}
		}
	case civicspace.RoleWatchdog, civicspace.RoleAdmin:
		d.CanStart, d.Kind, d.Subjects = true, civicspace.KindShadow, a.svc.Countries.All()
	}
	if p.Role == civicspace.RoleAdmin {
		d.Kind = ""
	}
	d.NeedsOrg = p.Organisation == ""
	a.render(w, r, http.StatusOK, "work", &page{Title: "work.title", Notice: doneNotice(a, r), Data: d})
}

// doneNotice is the message of a finished action (?done=...).
func doneNotice(a *Handler, r *http.Request) string {
	switch done := r.URL.Query().Get("done"); done {
	case "saved", "submitted", "published", "returned", "created":
		return a.locales.T(reqOf(r.Context()).loc, "done."+done)
	}
	return ""
}

// start creates a draft from the start form.
func (a *Handler) start(w http.ResponseWriter, r *http.Request) {
	p := a.signedIn(w, r)
	if p == nil {
		return
	}
	f := r.PostForm
	content := &civicspace.Assessment{
		Subject: civicspace.Subject{Country: strings.ToUpper(strings.TrimSpace(f.Get("country")))},
		Kind:    civicspace.Kind(f.Get("kind")),
		Author:  p.Organisation,
		Title:   strings.TrimSpace(f.Get("title")),
		Answers: map[string]civicspace.Answer{},
	}
	if content.Author == "" {
		content.Author = strings.TrimSpace(f.Get("author"))
	}
	for _, role := range f["roles"] {
		content.Roles = append(content.Roles, civicspace.Role(role))
	}
	if period, err := civicspace.ParsePeriod(strings.TrimSpace(f.Get("period"))); err == nil {
		content.Period = period
	} else {
		a.fail(w, r, civicspace.WrapError(civicspace.EINVALID, err, "%v", err))
		return
	}
	rec, err := a.createAssessment(r.Context(), p, content)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	redirect(w, r, "/work/assessments/"+rec.ID+"?done=created")
}

type questionnaireData struct {
	Record     *civicspace.Record
	Country    civicspace.Country
	Version    int
	Sections   []section
	General    []civicspace.Problem
	Answered   int
	Applicable int
	Preview    *civicspace.Rating
	Previewed  bool // the preview leaves out answers with problems
	Conflict   int  // the version saved meanwhile, when a save conflicted
	Unparsed   bool
	Problems   int
}

// questionnaire shows a draft's questionnaire, or sends a caller who may
// not edit it (or an assessment past draft) to the read-only view.
func (a *Handler) questionnaire(w http.ResponseWriter, r *http.Request) {
	p := a.signedIn(w, r)
	if p == nil {
		return
	}
	rec, problems, full, err := a.readAssessment(r.Context(), p, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !full || rec.Status != civicspace.Draft || !a.svc.MayAct(withPrincipal(r.Context(), p), civicspace.ActionUpdate, rec) {
		redirect(w, r, "/work/assessments/"+rec.ID+"/review")
		return
	}
	d := a.questionnaireData(r, rec, rec.Assessment.Answers, nil, problems)
	a.render(w, r, http.StatusOK, "questionnaire", &page{Title: "q.title", Notice: doneNotice(a, r), Data: d})
}

func (a *Handler) questionnaireData(r *http.Request, rec *civicspace.Record, answers map[string]civicspace.Answer, raw map[string]string, problems []civicspace.Problem) *questionnaireData {
	cat := a.catalog(r)
	byInd, general := problemsByIndicator(problems)
	qs := questionsOf(cat, answers, raw, byInd)
	if rec.Assessment.Kind == civicspace.KindShadow {
		a.governmentAnswers(r.Context(), cat, rec, qs)
	}
	d := &questionnaireData{Record: rec, Version: rec.Version, General: general, Problems: len(problems)}
	d.Country, _ = a.svc.Countries.Lookup(rec.Assessment.Subject.Country)
	d.Sections, d.Answered, d.Applicable = sections(cat, rec.Assessment.Roles, qs)
	d.Preview, d.Previewed = a.preview(r.Context(), &rec.Assessment, answers, byInd)
	return d
}

// preview scores the answers without problems (a draft with problems
// cannot be scored whole): the score the draft would have if the answers
// with problems were left out.
func (a *Handler) preview(ctx context.Context, base *civicspace.Assessment, answers map[string]civicspace.Answer, byInd map[string][]string) (*civicspace.Rating, bool) {
	cp := *base
	cp.Answers = map[string]civicspace.Answer{}
	for id, ans := range answers {
		if len(byInd[id]) == 0 {
			cp.Answers[id] = ans
		}
	}
	res, err := a.svc.Score(ctx, &cp)
	if err != nil {
		return nil, false
	}
	return &res.Rating, len(cp.Answers) < len(answers)
}

// governmentAnswers shows, beside each question of a shadow assessment,
// the answer of the government's published self-assessment of the same
// country and period (published, hence public).
func (a *Handler) governmentAnswers(ctx context.Context, cat *civicspace.Catalog, rec *civicspace.Record, qs map[string]*question) {
	as := rec.Assessment
	page, err := a.svc.ListAssessments(ctx, civicspace.AssessmentFilter{Country: as.Subject.Country, Period: as.Period.String(), Kind: civicspace.KindSelf, PublishedOnly: true, PageSize: 1})
	if err != nil || len(page.Records) == 0 {
		return
	}
	gov, err := a.svc.PublishedAssessment(ctx, page.Records[0].ID)
	if err != nil {
		return
	}
	for id, q := range qs {
		ans, ok := gov.Assessment.Answers[id]
		switch {
		case !ok:
			q.Gov = "-"
		case ans.Status != "":
			q.Gov = string(ans.Status)
		default:
			q.Gov = answerLabel(cat, id, ans.Value)
		}
	}
}

// answerLabel is the text of a value: a level's or option's label, else
// the number or yes/no.
func answerLabel(cat *civicspace.Catalog, id string, v civicspace.Value) string {
	ind, ok := cat.Indicator(id)
	if !ok || v.IsZero() {
		return ""
	}
	if n, ok := v.Number(); ok && ind.Scale != nil {
		for _, l := range ind.Scale.Levels {
			if float64(l.Value) == n {
				return strconv.Itoa(l.Value) + " – " + l.Label
			}
		}
	}
	if o, ok := v.Option(); ok {
		if opt, ok := ind.Option(o); ok {
			return opt.Label
		}
	}
	return rawValue(v)
}

// save stores the questionnaire (If-Match: the version the form was read
// at) and, if asked, submits it. A conflict, a value that does not parse
// or a refused submission shows the form again with everything typed.
func (a *Handler) save(w http.ResponseWriter, r *http.Request) {
	p := a.signedIn(w, r)
	if p == nil {
		return
	}
	id := r.PathValue("id")
	rec, _, full, err := a.readAssessment(r.Context(), p, id)
	if err == nil && !full {
		err = civicspace.Errorf(civicspace.ENOTFOUND, "assessment %s not found", id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	answers, raw, bad := formAnswers(a.svc.Catalog, r.PostForm)
	content := rec.Assessment
	content.Answers = answers
	again := func(status int, problems []civicspace.Problem, conflict int, msg string) {
		shown := *rec
		shown.Assessment = content
		d := a.questionnaireData(r, &shown, answers, raw, problems)
		d.Version, d.Conflict = version, conflict
		if conflict > 0 {
			d.Version = conflict
		}
		a.render(w, r, status, "questionnaire", &page{Title: "q.title", Problem: msg, Data: d})
	}
	loc := reqOf(r.Context()).loc
	if len(bad) > 0 {
		var ps []civicspace.Problem
		for id, detail := range bad {
			ps = append(ps, civicspace.Problem{Pointer: "/answers/" + id + "/value", Detail: detail})
		}
		again(http.StatusBadRequest, ps, 0, a.locales.T(loc, "q.unparsed"))
		return
	}
	saved, problems, err := a.updateAssessment(r.Context(), p, id, version, &content)
	switch {
	case civicspace.ErrorCode(err) == civicspace.ECONFLICT:
		cur, _, err := a.svc.Assessment(r.Context(), id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		again(http.StatusConflict, nil, cur.Version, a.locales.T(loc, "q.conflict", cur.Version))
		return
	case err != nil:
		a.fail(w, r, err)
		return
	}
	if r.Header.Get("X-Autosave") != "" {
		w.Header().Set("ETag", strconv.Quote(strconv.Itoa(saved.Version)))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.PostFormValue("action") != "submit" {
		redirect(w, r, "/work/assessments/"+id+"?done=saved")
		return
	}
	if len(problems) > 0 {
		version = saved.Version
		rec = saved
		again(http.StatusUnprocessableEntity, problems, 0, a.locales.T(loc, "q.cannotsubmit", len(problems)))
		return
	}
	if _, err := a.transition(r.Context(), p, id, saved.Version, civicspace.ActionSubmit, ""); err != nil {
		a.fail(w, r, err)
		return
	}
	redirect(w, r, "/work?done=submitted")
}
