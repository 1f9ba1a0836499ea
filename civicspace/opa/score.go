package opa

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// indState is one indicator's answer in the assessment being scored.
type indState struct {
	answer     string
	applicable bool
	value      *civicspace.Value
	res        *answerResult
	points     *float64 // earned points: set for applicable answered indicators only
}

// Why a recommendation is not applicable or not assessed.
const (
	applicable = iota
	notApplicableRoles
	notAssessedQuestions // it applies, but no indicator asks about the roles assessed
)

// recState is one recommendation's roll-up.
type recState struct {
	reason   int
	counted  []int // its indicators not answered not applicable
	answered int
	score    *float64 // the weighted mean, before judging its status
	coverage float64
	status   string
	redFlags []string // raised by its indicators
	capped   bool     // a red flag lowered its score
}

// Score scores a valid assessment. The assessment is validated first
// (against the scorer's catalog and country table): an invalid one is an
// *civicspace.Error with code EINVALID listing every problem, and nothing
// is scored. The whole scoring runs under the scorer's timeout; a policy
// evaluation still running at the deadline is cancelled (ETIMEOUT).
func (s *Scorer) Score(ctx context.Context, a *civicspace.Assessment) (*civicspace.Result, error) {
	if a == nil {
		return nil, civicspace.Errorf(civicspace.EINVALID, "no assessment to score")
	}
	if ps := a.Validate(s.cat, s.countries); len(ps) > 0 {
		return nil, &civicspace.Error{Code: civicspace.EINVALID, Message: invalidMessage(ps), Problems: ps}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return nil, evalError(ctx, "scoring", err)
	}
	m := s.m

	recApplies := make([]bool, len(m.recs))
	for i, r := range m.recs {
		recApplies[i] = r.rec.AppliesTo(a.Roles)
	}
	st := make([]indState, len(m.inds))
	var misses []int
	var missKeys []string
	for i := range m.inds {
		info := &m.inds[i]
		// Applicability follows the question: an indicator counts only
		// when it asks about a role assessed.
		st[i].applicable = info.ind.Asks(a.Roles)
		ans, ok := a.Answers[info.ind.ID]
		switch {
		case !ok:
			st[i].answer = answerMissing
		case ans.Status == civicspace.AnswerNotApplicable:
			st[i].answer = answerNotApplicable
		case ans.Status == civicspace.AnswerUnknown:
			st[i].answer = answerUnknown
		default:
			st[i].answer = answerAnswered
			v := ans.Value
			st[i].value = &v
			if !st[i].applicable {
				continue
			}
			key := info.ind.ID + "\x00" + v.String()
			if r, ok := s.answers.get(key); ok {
				st[i].res = r
			} else {
				misses = append(misses, i)
				missKeys = append(missKeys, key)
			}
		}
	}
	if len(misses) > 0 {
		if err := s.evalAnswers(ctx, st, misses, missKeys); err != nil {
			return nil, err
		}
	}
	for i := range st {
		if st[i].res != nil {
			if st[i].res.points == nil {
				return nil, civicspace.Errorf(civicspace.EINTERNAL, "the policy gave no points for indicator %q answered %s (rule %s: %s)", m.inds[i].ind.ID, st[i].value, st[i].res.rule, st[i].res.explanation)
			}
			// A copy: the cached result is shared with every later call,
			// and the points leave in the caller's Result.
			p := *st[i].res.points
			st[i].points = &p
		}
	}

	// Recommendations: weighted means and coverage, judged below.
	recs := make([]recState, len(m.recs))
	var judged []int
	for ri := range m.recs {
		rs := &recs[ri]
		if !recApplies[ri] {
			rs.reason, rs.status = notApplicableRoles, civicspace.StatusNotApplicable
			continue
		}
		var w weighed
		for _, ii := range m.recs[ri].inds {
			if !st[ii].applicable || st[ii].answer == answerNotApplicable {
				continue
			}
			rs.counted = append(rs.counted, ii)
			if w.add(m.inds[ii].weight, &st[ii]) {
				rs.answered++
			}
		}
		if len(m.recs[ri].inds) > 0 && len(rs.counted) == 0 {
			rs.reason, rs.status = notAssessedQuestions, civicspace.StatusNotAssessed
			continue
		}
		rs.coverage, rs.score = w.coverage(), w.mean()
		judged = append(judged, ri)
	}

	// The overall rating over distinct applicable indicators.
	var rw weighed
	for i := range st {
		if !st[i].applicable || st[i].answer == answerNotApplicable {
			continue
		}
		rw.add(m.inds[i].weight, &st[i])
	}
	rating := civicspace.Rating{Caps: []civicspace.Cap{}, Rule: RuleBand, MinCoverage: s.minCoverage}
	rating.Coverage, rating.Uncapped = rw.coverage(), rw.mean()

	// Statuses already judged come from the cache; the rest are judged
	// in the one evaluation below, each distinct case once.
	var cases []judgeCase
	caseOf := map[string]int{}
	pending := map[int]int{} // recommendation → case
	for _, ri := range judged {
		c := judgeCase{framework: m.recs[ri].framework, score: recs[ri].score, coverage: recs[ri].coverage}
		key := c.key()
		if status, ok := s.statuses.get(key); ok {
			recs[ri].status = status
			continue
		}
		k, seen := caseOf[key]
		if !seen {
			k = len(cases)
			caseOf[key] = k
			cases = append(cases, c)
		}
		pending[ri] = k
	}
	unknownFlags := s.unknownRedFlags(st)
	j, err := s.evalJudgements(ctx, a, st, cases, rating, unknownFlags)
	if err != nil {
		return nil, err
	}
	for key, k := range caseOf {
		s.statuses.put(key, j.statuses[k])
	}
	for ri, k := range pending {
		recs[ri].status = j.statuses[k]
	}
	rating.Band, rating.Score = j.band, j.score
	rating.Explanation = s.bandText[j.band]
	if j.band == civicspace.BandInsufficientData {
		rating.Explanation += " (coverage " + civicspace.FormatNumber(rating.Coverage) + ")"
	}

	// Caps: every red flag raised, lowest cap first.
	var flags []raisedFlag
	for i := range st {
		if st[i].res != nil {
			flags = append(flags, st[i].res.flags...)
		}
	}
	flags = append(flags, j.flags...)
	flags = append(flags, unknownFlags...)
	flagCap := s.applyRedFlags(st, recs, flags)
	sort.SliceStable(flags, func(x, y int) bool {
		if flags[x].cap != flags[y].cap {
			return flags[x].cap < flags[y].cap
		}
		if flags[x].indicator != flags[y].indicator {
			return flags[x].indicator < flags[y].indicator
		}
		return flags[x].id < flags[y].id
	})
	for _, f := range flags {
		rating.Caps = append(rating.Caps, civicspace.Cap{
			RedFlag:     f.id,
			Indicator:   f.indicator,
			Title:       f.title,
			Cap:         f.cap,
			Applied:     rating.Uncapped != nil && f.cap < *rating.Uncapped,
			Explanation: f.explanation,
		})
	}

	res := &civicspace.Result{
		Subject:         a.Subject,
		Period:          a.Period.String(),
		Kind:            a.Kind,
		Roles:           append([]civicspace.Role{}, a.Roles...),
		Rating:          rating,
		Frameworks:      make([]civicspace.FrameworkScore, 0, len(m.tree)),
		Recommendations: make([]civicspace.RecommendationScore, 0, len(m.recs)),
		Indicators:      make([]civicspace.IndicatorScore, 0, len(m.inds)),
		Findings:        []civicspace.Finding{},
		Provenance: civicspace.Provenance{
			CatalogVersion: s.cat.Version(),
			CatalogDigest:  s.cat.Digest(),
			PolicyDigest:   s.digest,
			PolicyName:     s.name,
			EngineVersion:  s.engine,
		},
	}
	mark := make([]int, len(m.inds))
	gen := 0
	for _, f := range m.tree {
		g := s.rollUp(f, recs, st, flagCap, mark, &gen)
		res.Frameworks = append(res.Frameworks, s.frameworkScore(f, g))
	}
	for ri := range m.recs {
		res.Recommendations = append(res.Recommendations, s.recommendationScore(a, ri, &recs[ri]))
	}
	for i := range m.inds {
		res.Indicators = append(res.Indicators, s.indicatorScore(a, i, &st[i]))
	}
	for i := range m.inds {
		if f, ok := s.finding(i, &st[i], recApplies, rw.meanW); ok {
			res.Findings = append(res.Findings, f)
		}
	}
	sort.SliceStable(res.Findings, func(x, y int) bool {
		fx, fy := res.Findings[x], res.Findings[y]
		if (fx.RedFlag != "") != (fy.RedFlag != "") {
			return fx.RedFlag != ""
		}
		if fx.Cost != fy.Cost {
			return fx.Cost > fy.Cost
		}
		return fx.Indicator < fy.Indicator
	})
	return res, nil
}

func invalidMessage(ps []civicspace.Problem) string {
	if len(ps) == 1 {
		return "the assessment is invalid: " + ps[0].String()
	}
	return fmt.Sprintf("the assessment is invalid (%d problems): %s, …", len(ps), ps[0])
}

// evalAnswers asks the policy about every uncached answer in one
// evaluation and caches the results.
func (s *Scorer) evalAnswers(ctx context.Context, st []indState, misses []int, keys []string) error {
	pairs := make([]*ast.Term, len(misses))
	for k, i := range misses {
		pairs[k] = ast.ArrayTerm(ast.StringTerm(s.m.inds[i].ind.ID), valueTerm(*st[i].value))
	}
	input := ast.NewObject(ast.Item(ast.StringTerm("answers"), ast.ArrayTerm(pairs...)))
	rs, err := s.points.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return evalError(ctx, pointsQuery, err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return civicspace.Errorf(civicspace.EINTERNAL, "the policy defines no %s", pointsQuery)
	}
	list, ok := rs[0].Expressions[0].Value.([]any)
	if !ok || len(list) != len(misses) {
		return civicspace.Errorf(civicspace.EINTERNAL, "%s must be an array with one result per answer", pointsQuery)
	}
	for k, i := range misses {
		r, err := parseAnswerResult(s.m.inds[i].ind.ID, list[k])
		if err != nil {
			return err
		}
		st[i].res = r
		s.answers.put(keys[k], r)
	}
	return nil
}

func parseAnswerResult(id string, v any) (*answerResult, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, civicspace.Errorf(civicspace.EINTERNAL, "the policy's result for indicator %q is not an object", id)
	}
	r := &answerResult{}
	r.rule, _ = m["rule"].(string)
	r.explanation, _ = m["explanation"].(string)
	if p, present := m["points"]; present && p != nil {
		f, ok := number(p)
		if !ok || f < 0 || f > 100 {
			return nil, civicspace.Errorf(civicspace.EINTERNAL, "policy rule %s gave indicator %q points %v: points must be a number within 0-100", r.rule, id, p)
		}
		r.points = civicspace.Float(civicspace.Round1(f))
	}
	if raw, present := m["red_flags"]; present && raw != nil {
		list, ok := raw.([]any)
		if !ok {
			return nil, civicspace.Errorf(civicspace.EINTERNAL, "policy rule %s: red_flags of indicator %q must be an array", r.rule, id)
		}
		for _, x := range list {
			f, err := parseFlag(x, id)
			if err != nil {
				return nil, err
			}
			r.flags = append(r.flags, f)
		}
	}
	return r, nil
}

// parseFlag reads a raised red flag: id, title, cap (0-100) and optionally
// indicator and explanation.
func parseFlag(v any, indicator string) (raisedFlag, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return raisedFlag{}, civicspace.Errorf(civicspace.EINTERNAL, "a red flag raised by the policy is not an object: %v", v)
	}
	f := raisedFlag{indicator: indicator}
	f.id, _ = m["id"].(string)
	if f.id == "" {
		return raisedFlag{}, civicspace.Errorf(civicspace.EINTERNAL, "a red flag raised by the policy has no id: %v", v)
	}
	c, ok := number(m["cap"])
	if !ok || c < 0 || c > 100 {
		return raisedFlag{}, civicspace.Errorf(civicspace.EINTERNAL, "red flag %q: cap must be a number within 0-100", f.id)
	}
	f.cap = c
	f.title, _ = m["title"].(string)
	if f.title == "" {
		f.title = f.id
	}
	if ind, ok := m["indicator"].(string); ok {
		f.indicator = ind
	}
	f.explanation, _ = m["explanation"].(string)
	if f.explanation == "" {
		f.explanation = fmt.Sprintf("red flag %q raised by the policy caps the rating at %s", f.title, civicspace.FormatNumber(c))
	}
	return f, nil
}

// judgements is the outcome of the assessment-wide evaluation.
type judgements struct {
	statuses []string
	flags    []raisedFlag
	score    *float64
	band     string
}

// Input keys, shared by every input built.
var (
	keyID        = ast.StringTerm("id")
	keyFramework = ast.StringTerm("framework")
	keyScore     = ast.StringTerm("score")
	keyCoverage  = ast.StringTerm("coverage")
	keyCap       = ast.StringTerm("cap")
	keyIndicator = ast.StringTerm("indicator")
	keyCases     = ast.StringTerm("cases")
	keyRating    = ast.StringTerm("rating")
	keyUncapped  = ast.StringTerm("uncapped")
	keyRedFlags  = ast.StringTerm("red_flags")
	keyAnswers   = ast.StringTerm("answers")
	keyRoles     = ast.StringTerm("roles")
)

var validStatus = map[string]bool{civicspace.StatusMet: true, civicspace.StatusPartiallyMet: true, civicspace.StatusNotMet: true, civicspace.StatusNotAssessed: true}

// judgeCase is what a recommendation's status may depend on.
type judgeCase struct {
	framework string
	score     *float64
	coverage  float64
}

func (c judgeCase) key() string {
	score := "null"
	if c.score != nil {
		score = civicspace.FormatNumber(*c.score)
	}
	return c.framework + "\x00" + score + "\x00" + civicspace.FormatNumber(c.coverage)
}

// evalJudgements makes the one assessment-wide evaluation: the statuses of
// cases, extra red flags, capped score and band.
func (s *Scorer) evalJudgements(ctx context.Context, a *civicspace.Assessment, st []indState, cases []judgeCase, rating civicspace.Rating, unknownFlags []raisedFlag) (*judgements, error) {
	m := s.m
	caseTerms := make([]*ast.Term, len(cases))
	for k, c := range cases {
		caseTerms[k] = ast.ObjectTerm(
			ast.Item(keyFramework, ast.StringTerm(c.framework)),
			ast.Item(keyScore, optFloatTerm(c.score)),
			ast.Item(keyCoverage, floatTerm(c.coverage)),
		)
	}
	var flagTerms []*ast.Term
	answers := ast.NewObject()
	for i := range st {
		if st[i].res == nil {
			continue
		}
		answers.Insert(ast.StringTerm(m.inds[i].ind.ID), valueTerm(*st[i].value))
		for _, f := range st[i].res.flags {
			flagTerms = append(flagTerms, ast.ObjectTerm(
				ast.Item(keyID, ast.StringTerm(f.id)),
				ast.Item(keyIndicator, ast.StringTerm(f.indicator)),
				ast.Item(keyCap, floatTerm(f.cap)),
			))
		}
	}
	for _, f := range unknownFlags {
		flagTerms = append(flagTerms, ast.ObjectTerm(
			ast.Item(keyID, ast.StringTerm(f.id)),
			ast.Item(keyIndicator, ast.StringTerm(f.indicator)),
			ast.Item(keyCap, floatTerm(f.cap)),
		))
	}
	roles := make([]*ast.Term, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = ast.StringTerm(string(r))
	}
	input := ast.NewObject(
		ast.Item(keyCases, ast.ArrayTerm(caseTerms...)),
		ast.Item(keyRating, ast.ObjectTerm(
			ast.Item(keyUncapped, optFloatTerm(rating.Uncapped)),
			ast.Item(keyCoverage, floatTerm(rating.Coverage)),
		)),
		ast.Item(keyRedFlags, ast.ArrayTerm(flagTerms...)),
		ast.Item(keyAnswers, ast.NewTerm(answers)),
		ast.Item(keyRoles, ast.ArrayTerm(roles...)),
	)
	rs, err := s.judge.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, evalError(ctx, judgementsQuery, err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, civicspace.Errorf(civicspace.EINTERNAL, "the policy defines no %s", judgementsQuery)
	}
	out, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return nil, civicspace.Errorf(civicspace.EINTERNAL, "%s must be an object", judgementsQuery)
	}
	j := &judgements{}
	list, ok := out["statuses"].([]any)
	if !ok || len(list) != len(cases) {
		return nil, civicspace.Errorf(civicspace.EINTERNAL, "%s.statuses must be an array with one status per case judged", judgementsQuery)
	}
	j.statuses = make([]string, len(list))
	for k, v := range list {
		status, _ := v.(string)
		if !validStatus[status] {
			return nil, civicspace.Errorf(civicspace.EINTERNAL, "the policy gave the status %v to a recommendation of %s with score %v and coverage %v: use met, partially_met, not_met or not_assessed", v, cases[k].framework, optString(cases[k].score), cases[k].coverage)
		}
		j.statuses[k] = status
	}
	if raw, ok := out["red_flags"].([]any); ok {
		for _, x := range raw {
			f, err := parseFlag(x, "")
			if err != nil {
				return nil, err
			}
			j.flags = append(j.flags, f)
		}
	}
	if sc, present := out["score"]; present && sc != nil {
		f, ok := number(sc)
		if !ok || f < 0 || f > 100 {
			return nil, civicspace.Errorf(civicspace.EINTERNAL, "the policy gave the rating score %v: it must be a number within 0-100", sc)
		}
		j.score = civicspace.Float(civicspace.Round1(f))
	}
	j.band, _ = out["band"].(string)
	if _, ok := s.bandText[j.band]; !ok {
		return nil, civicspace.Errorf(civicspace.EINTERNAL, "the policy gave the unknown band %q", j.band)
	}
	if (j.score == nil) != (j.band == BandNotRated || j.band == civicspace.BandInsufficientData) {
		return nil, civicspace.Errorf(civicspace.EINTERNAL, "the policy gave band %q with score %v: a rating has no score exactly when it is not rated or has insufficient data", j.band, out["score"])
	}
	return j, nil
}

// rollUp scores a framework or group: the mean of the scores of its
// assessed recommendations, and the weighted share of answered among the
// distinct indicators its applicable recommendations count.
//
// A red flag raised by any indicator it counts caps it at the flag's cap.
func (s *Scorer) rollUp(n *node, recs []recState, st []indState, flagCap []float64, mark []int, gen *int) civicspace.GroupScore {
	g := civicspace.GroupScore{ID: n.id, Kind: n.kind}
	var sum float64
	assessed, applicableRecs := 0, 0
	*gen++
	var total, answered float64
	lowest := -1.0
	for _, ri := range n.recs {
		r := &recs[ri]
		g.Counts.Add(r.status)
		if r.status == civicspace.StatusNotApplicable {
			continue
		}
		applicableRecs++
		if r.status != civicspace.StatusNotAssessed {
			assessed++
			sum += *r.score
		}
		for _, ii := range r.counted {
			if mark[ii] == *gen {
				continue
			}
			mark[ii] = *gen
			if c := flagCap[ii]; c >= 0 && (lowest < 0 || c < lowest) {
				lowest = c
			}
			w := s.m.inds[ii].weight
			total += w
			if st[ii].points != nil {
				answered += w
			}
		}
	}
	if total > 0 {
		g.Coverage = round3(answered / total)
	}
	switch {
	case applicableRecs == 0:
		g.Status = civicspace.StatusNotApplicable
	case assessed == 0:
		g.Status = civicspace.StatusNotAssessed
	default:
		g.Status = "assessed"
		g.Score = civicspace.Float(civicspace.Round1(sum / float64(assessed)))
		if lowest >= 0 && *g.Score > lowest {
			g.Score = civicspace.Float(lowest)
		}
	}
	for _, c := range n.children {
		g.Groups = append(g.Groups, s.rollUp(c, recs, st, flagCap, mark, gen))
	}
	return g
}

func (s *Scorer) recommendationScore(a *civicspace.Assessment, ri int, r *recState) civicspace.RecommendationScore {
	info := &s.m.recs[ri]
	out := civicspace.RecommendationScore{
		ID:         info.rec.ID,
		Framework:  info.framework,
		Status:     r.status,
		Coverage:   r.coverage,
		Indicators: make([]string, 0, len(r.counted)),
		Rule:       RuleStatus,
		Confidence: confidence(info.rec.Confidence),
		RedFlags:   r.redFlags,
	}
	for _, ii := range r.counted {
		out.Indicators = append(out.Indicators, s.m.inds[ii].ind.ID)
	}
	switch r.reason {
	case notApplicableRoles:
		out.Rule = RuleRoles
		out.Explanation = fmt.Sprintf("not applicable: it addresses %s, none of the roles assessed (%s)", roleList(info.rec.Addressees), roleList(a.Roles))
		return out
	case notAssessedQuestions:
		out.Rule = RuleRoles
		out.Explanation = fmt.Sprintf("not assessed: none of the %s that measure it asks about the roles assessed (%s)", plural(len(info.inds), "indicator"), roleList(a.Roles))
		return out
	}
	// Plain concatenation: this runs for every recommendation of every
	// assessment, and fmt showed in the bulk profile.
	var head string
	switch {
	case len(r.counted) == 0:
		head = "no indicator measures it"
	case r.answered == 0:
		head = "none of its " + plural(len(r.counted), "indicator") + " is answered"
	default:
		head = strconv.Itoa(r.answered) + " of its " + plural(len(r.counted), "indicator") + " answered (coverage " +
			civicspace.FormatNumber(r.coverage) + "), weighted mean " + civicspace.FormatNumber(*r.score)
	}
	out.Explanation = head + "; " + s.statusText[r.status]
	if len(r.redFlags) > 0 {
		out.Rule = RuleRedFlag
		out.Explanation = head + "; not met: red flag " + strings.Join(r.redFlags, ", ") + " raised by an indicator that measures it"
		if r.capped {
			out.Explanation += ", which caps its score at " + civicspace.FormatNumber(*r.score)
		}
	}
	if r.status != civicspace.StatusNotAssessed {
		out.Score = r.score
	}
	return out
}

func (s *Scorer) indicatorScore(a *civicspace.Assessment, i int, x *indState) civicspace.IndicatorScore {
	info := &s.m.inds[i]
	out := civicspace.IndicatorScore{
		ID:         info.ind.ID,
		Answer:     x.answer,
		Value:      x.value,
		Weight:     info.weight,
		Applicable: x.applicable,
	}
	switch {
	case x.answer == answerNotApplicable:
		out.Rule, out.Explanation = RuleNotApplicable, "answered not applicable: left out of every score"
	case !x.applicable:
		out.Rule = RuleRoles
		out.Explanation = fmt.Sprintf("not applicable to the roles assessed (%s): the question asks about %s", roleList(a.Roles), roleList(info.ind.AsksAbout()))
	case x.answer == answerMissing:
		out.Rule, out.Explanation = RuleMissing, "not answered: earns no points and lowers coverage"
	case x.answer == answerUnknown:
		out.Rule, out.Explanation = RuleUnknown, "answered unknown: counts as 0 points in every score it is part of, lowers coverage and is listed as a finding"
	default:
		out.Points = x.points
		out.Rule, out.Explanation = x.res.rule, x.res.explanation
		if len(x.res.flags) > 0 {
			out.RedFlag = x.res.flags[0].id
		}
	}
	return out
}

// finding reports an applicable indicator that lost points, raised a red
// flag or is unknown. meanWeight is the weight in the rating's mean.
func (s *Scorer) finding(i int, x *indState, recApplies []bool, meanWeight float64) (civicspace.Finding, bool) {
	if !x.applicable {
		return civicspace.Finding{}, false
	}
	info := &s.m.inds[i]
	f := civicspace.Finding{Indicator: info.ind.ID, Answer: x.answer, Recommendations: []string{}}
	for _, ri := range info.recs {
		if recApplies[ri] {
			f.Recommendations = append(f.Recommendations, s.m.recs[ri].rec.ID)
		}
	}
	switch {
	case x.answer == answerUnknown:
		f.Cost = round2(info.weight / meanWeight * 100)
		f.Message = "the answer is unknown: the indicator counts as 0 points and lowers coverage until it is known, costing " +
			civicspace.FormatNumber(f.Cost) + " points of the overall score"
		if rf := info.ind.RedFlag; rf != nil {
			f.RedFlag = rf.ID
			f.Message = "unknown on a red-flag question (" + rf.Title + "): not knowing whether it happened is itself a finding; " + f.Message
		}
		return f, true
	case x.points != nil && (*x.points < 100 || len(x.res.flags) > 0):
		f.Points = x.points
		raw := info.weight / meanWeight * (100 - *x.points)
		f.Cost = round2(raw)
		f.Message = "earned " + civicspace.FormatNumber(*x.points) + " of 100 points (" + x.res.explanation + "), costing " +
			civicspace.FormatNumber(f.Cost) + " points of the overall score"
		if len(x.res.flags) > 0 {
			f.RedFlag = x.res.flags[0].id
			f.Message = "red flag: " + x.res.flags[0].explanation + "; " + f.Message
		}
		return f, true
	}
	return civicspace.Finding{}, false
}

func roleList(roles []civicspace.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func optString(x *float64) string {
	if x == nil {
		return "null"
	}
	return civicspace.FormatNumber(*x)
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func sortProblems(ps []civicspace.Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pointer < ps[j].Pointer })
}
