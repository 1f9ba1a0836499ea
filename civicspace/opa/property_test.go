package opa_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/stretchr/testify/require"
)

// better returns a value of ind strictly better than v, if there is one.
func better(ind *civicspace.Indicator, v civicspace.Value, rng *rand.Rand) (civicspace.Value, bool) {
	up := ind.Direction == civicspace.HigherIsBetter
	switch ind.Type {
	case civicspace.TypeBoolean:
		if b, _ := v.Bool(); b != up {
			return civicspace.BoolValue(up), true
		}
	case civicspace.TypeScale:
		n, _ := v.Number()
		if up && int(n) < ind.Scale.Max {
			return civicspace.NumberValue(n + 1), true
		}
		if !up && int(n) > ind.Scale.Min {
			return civicspace.NumberValue(n - 1), true
		}
	case civicspace.TypeCount:
		n, _ := v.Number()
		if up {
			return civicspace.NumberValue(n + 1), true
		}
		if n > 0 {
			return civicspace.NumberValue(n - 1), true
		}
	case civicspace.TypePercentage:
		n, _ := v.Number()
		if up && n < 100 {
			return civicspace.NumberValue(min(100, n+5)), true
		}
		if !up && n > 0 {
			return civicspace.NumberValue(max(0, n-5)), true
		}
	case civicspace.TypeChoice:
		id, _ := v.Option()
		cur, _ := ind.Option(id)
		var opts []civicspace.Option
		for _, o := range ind.Options {
			if o.Points > cur.Points {
				opts = append(opts, o)
			}
		}
		if len(opts) > 0 {
			return civicspace.OptionValue(opts[rng.IntN(len(opts))].ID), true
		}
	}
	return civicspace.Value{}, false
}

// worst returns the value of ind that earns the fewest points.
func worst(ind *civicspace.Indicator) civicspace.Value {
	up := ind.Direction == civicspace.HigherIsBetter
	switch ind.Type {
	case civicspace.TypeBoolean:
		return civicspace.BoolValue(!up)
	case civicspace.TypeScale:
		if up {
			return civicspace.NumberValue(float64(ind.Scale.Min))
		}
		return civicspace.NumberValue(float64(ind.Scale.Max))
	case civicspace.TypeCount:
		if up {
			return civicspace.NumberValue(0)
		}
		return civicspace.NumberValue(float64(ind.Count.Worst))
	case civicspace.TypePercentage:
		if up {
			return civicspace.NumberValue(0)
		}
		return civicspace.NumberValue(100)
	}
	low := ind.Options[0]
	for _, o := range ind.Options {
		if o.Points < low.Points {
			low = o
		}
	}
	return civicspace.OptionValue(low.ID)
}

var roleSets = [][]civicspace.Role{
	{civicspace.RoleDomestic},
	{civicspace.RoleDonor},
	{civicspace.RoleHost, civicspace.RoleDonor},
	stateRoles,
	civicspace.Roles,
}

var statusRank = map[string]int{civicspace.StatusNotMet: 0, civicspace.StatusPartiallyMet: 1, civicspace.StatusMet: 2}

func catalogs(t *testing.T) map[string]*civicspace.Catalog {
	return map[string]*civicspace.Catalog{"built-in": civicspace.DefaultCatalog(), "test": testCatalog(t)}
}

// TestPropertyBetterAnswersNeverLowerScores: answering one indicator
// better never lowers any score, status or the rating.
func TestPropertyBetterAnswersNeverLowerScores(t *testing.T) {
	for name, cat := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			s := newScorer(t, cat)
			rng := newRand(11)
			inds := cat.Indicators()
			for range 150 {
				a := randomAssessment(cat, rng, roleSets[rng.IntN(len(roleSets))], 0.5+0.5*rng.Float64())
				ind := inds[rng.IntN(len(inds))]
				ans, ok := a.Answers[ind.ID]
				if !ok || !ans.Answered() {
					continue
				}
				nv, ok := better(ind, ans.Value, rng)
				if !ok {
					continue
				}
				what := ind.ID + " " + ans.Value.String() + " → " + nv.String()
				before := score(t, s, a)
				b := cloneAssessment(a)
				ans.Value = nv
				b.Answers[ind.ID] = ans
				if !valid(cat, b) {
					continue
				}
				after := score(t, s, b)
				notLower(t, before.Rating.Uncapped, after.Rating.Uncapped, what+": uncapped")
				notLower(t, before.Rating.Score, after.Rating.Score, what+": rating")
				require.GreaterOrEqual(t, bandRank(after.Rating.Band), bandRank(before.Rating.Band), what)
				for i := range before.Indicators {
					notLower(t, before.Indicators[i].Points, after.Indicators[i].Points, what+": "+before.Indicators[i].ID)
				}
				for i, rb := range before.Recommendations {
					ra := after.Recommendations[i]
					require.Equal(t, rb.Coverage, ra.Coverage, what)
					notLower(t, rb.Score, ra.Score, what+": "+rb.ID)
					if rb, ok := statusRank[rb.Status]; ok {
						require.GreaterOrEqual(t, statusRank[ra.Status], rb, what+": "+ra.ID)
					}
				}
				for i := range before.Frameworks {
					fb, fa := before.Frameworks[i], after.Frameworks[i]
					notLower(t, fb.Score, fa.Score, what+": "+fb.ID)
					eachGroup(fb.Groups, fa.Groups, func(gb, ga civicspace.GroupScore) { notLower(t, gb.Score, ga.Score, what+": "+gb.ID) })
				}
			}
		})
	}
}

// TestPropertyNotApplicableOrUnknownNeverRaisesTheRating: an applicable
// answer cannot be marked not applicable (validation refuses it), and
// marking it unknown never raises the rating, its band or any score.
func TestPropertyNotApplicableOrUnknownNeverRaisesTheRating(t *testing.T) {
	for name, cat := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			s := newScorer(t, cat)
			rng := newRand(13)
			inds := cat.Indicators()
			tried := 0
			for range 200 {
				a := randomAssessment(cat, rng, roleSets[rng.IntN(len(roleSets))], 0.7+0.3*rng.Float64())
				ind := inds[rng.IntN(len(inds))]
				if ans, ok := a.Answers[ind.ID]; !ok || !ans.Answered() || !ind.Asks(a.Roles) {
					continue
				}
				tried++
				naA := cloneAssessment(a)
				naA.Answers[ind.ID] = civicspace.Answer{Status: civicspace.AnswerNotApplicable, Reason: "We say so."}
				_, err := s.Score(t.Context(), naA)
				require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "%s: not applicable accepted for a role assessed", ind.ID)

				unA := cloneAssessment(a)
				unA.Answers[ind.ID] = civicspace.Answer{Status: civicspace.AnswerUnknown}
				before, after := score(t, s, a), score(t, s, unA)
				what := ind.ID + " → unknown"
				notHigher(t, before.Rating.Score, after.Rating.Score, what+": rating")
				notHigher(t, before.Rating.Uncapped, after.Rating.Uncapped, what+": uncapped")
				require.LessOrEqual(t, bandRank(after.Rating.Band), bandRank(before.Rating.Band), what)
				for i, rb := range before.Recommendations {
					notHigher(t, rb.Score, after.Recommendations[i].Score, what+": "+rb.ID)
				}
				require.Contains(t, findingIDs(after), ind.ID, "an unknown answer is a finding")
			}
			require.Positive(t, tried)
		})
	}
}

// TestPropertyRedFlagNeverRaises: answering a red-flag question so that
// its flag is raised never raises any framework, group or recommendation
// score, nor the rating; every recommendation the indicator measures is
// then not met, and the flag's finding comes first.
func TestPropertyRedFlagNeverRaises(t *testing.T) {
	for name, cat := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			s := newScorer(t, cat)
			rng := newRand(29)
			tried := 0
			for range 120 {
				a := randomAssessment(cat, rng, roleSets[rng.IntN(len(roleSets))], 0.6+0.4*rng.Float64())
				for _, ind := range cat.Indicators() {
					rf := ind.RedFlag
					ans, ok := a.Answers[ind.ID]
					if rf == nil || !ind.Asks(a.Roles) || !ok || !ans.Answered() {
						continue
					}
					raise := raising(ind)
					before := score(t, s, a)
					if indByID(before, ind.ID).RedFlag != "" {
						continue // already raised
					}
					tried++
					b := cloneAssessment(a)
					ans.Value = raise
					b.Answers[ind.ID] = ans
					if !valid(cat, b) {
						continue
					}
					after := score(t, s, b)
					what := ind.ID + " raises " + rf.ID
					notHigher(t, before.Rating.Score, after.Rating.Score, what+": rating")
					for i, rb := range before.Recommendations {
						ra := after.Recommendations[i]
						notHigher(t, rb.Score, ra.Score, what+": "+rb.ID)
						if slices.Contains(ra.Indicators, ind.ID) && ra.Status != civicspace.StatusNotAssessed {
							require.Equal(t, civicspace.StatusNotMet, ra.Status, what+": "+ra.ID)
						}
					}
					for i := range before.Frameworks {
						fb, fa := before.Frameworks[i], after.Frameworks[i]
						notHigher(t, fb.Score, fa.Score, what+": "+fb.ID)
						eachGroup(fb.Groups, fa.Groups, func(gb, ga civicspace.GroupScore) { notHigher(t, gb.Score, ga.Score, what+": "+gb.ID) })
					}
					require.NotEmpty(t, after.Findings)
					require.NotEmpty(t, after.Findings[0].RedFlag, what+": red flags come first")
				}
			}
			require.Positive(t, tried)
		})
	}
}

// TestPropertyRoleNotAssessedNeverChangesAScore: answers to questions
// about roles the assessment does not assess change no score.
func TestPropertyRoleNotAssessedNeverChangesAScore(t *testing.T) {
	for name, cat := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			s := newScorer(t, cat)
			rng := newRand(31)
			for range 100 {
				roles := roleSets[rng.IntN(len(roleSets))]
				a := randomAssessment(cat, rng, roles, 0.5+0.5*rng.Float64())
				b := cloneAssessment(a)
				changed := 0
				for _, ind := range cat.Indicators() {
					if ind.Asks(roles) {
						continue
					}
					changed++
					ans := civicspace.Answer{Value: randomValue(ind, rng), Evidence: []civicspace.Evidence{{Title: "Report"}}}
					if rng.IntN(3) == 0 {
						ans = civicspace.Answer{Status: civicspace.AnswerUnknown}
					}
					b.Answers[ind.ID] = ans
				}
				makeConsistent(b)
				if changed == 0 {
					continue
				}
				ra, rb := score(t, s, a), score(t, s, b)
				require.Equal(t, ra.Rating, rb.Rating)
				require.Equal(t, ra.Frameworks, rb.Frameworks)
				require.Equal(t, ra.Recommendations, rb.Recommendations)
				require.Equal(t, ra.Findings, rb.Findings)
			}
		})
	}
}

// TestPropertyNoBandBelowCoverageMinimum: a rating or framework whose
// coverage is below the policy's minimum has no band and no score.
func TestPropertyNoBandBelowCoverageMinimum(t *testing.T) {
	s := newScorer(t, civicspace.DefaultCatalog())
	rng := newRand(37)
	gated := 0
	for range 200 {
		a := randomAssessment(civicspace.DefaultCatalog(), rng, roleSets[rng.IntN(len(roleSets))], rng.Float64())
		r := score(t, s, a)
		require.Equal(t, 0.6, r.Rating.MinCoverage)
		if r.Rating.Coverage < r.Rating.MinCoverage {
			gated++
			require.Nil(t, r.Rating.Score)
			require.Contains(t, []string{civicspace.BandInsufficientData, opa.BandNotRated}, r.Rating.Band)
		} else {
			require.NotEqual(t, civicspace.BandInsufficientData, r.Rating.Band)
		}
		for _, f := range r.Frameworks {
			if f.Coverage < r.Rating.MinCoverage {
				require.Nil(t, f.Score, f.ID)
			}
		}
	}
	require.Positive(t, gated)
}

// raising returns a value of ind that raises its red flag and earns the
// fewest points among those.
func raising(ind *civicspace.Indicator) civicspace.Value {
	rf := ind.RedFlag
	switch {
	case rf.When.Equals != nil:
		return civicspace.BoolValue(*rf.When.Equals)
	case rf.When.AtLeast != nil:
		if ind.Direction == civicspace.LowerIsBetter && ind.Count != nil {
			return civicspace.NumberValue(max(math.Ceil(*rf.When.AtLeast), float64(ind.Count.Worst)))
		}
		return civicspace.NumberValue(math.Ceil(*rf.When.AtLeast))
	}
	low := rf.When.Options[0]
	for _, o := range rf.When.Options {
		x, _ := ind.Option(o)
		y, _ := ind.Option(low)
		if x.Points < y.Points {
			low = o
		}
	}
	return civicspace.OptionValue(low)
}

func findingIDs(r *civicspace.Result) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.Indicator)
	}
	return ids
}

func notHigher(t testing.TB, before, after *float64, what string) {
	t.Helper()
	if before == nil || after == nil {
		return
	}
	require.LessOrEqual(t, *after, *before, what)
}

// TestPropertyScoresInRange: every score is within 0-100, every coverage
// within 0-1, nothing is NaN, and finding costs add up to what the
// rating lost.
func TestPropertyScoresInRange(t *testing.T) {
	for name, cat := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			s := newScorer(t, cat)
			rng := newRand(17)
			for range 300 {
				a := randomAssessment(cat, rng, roleSets[rng.IntN(len(roleSets))], rng.Float64())
				r := score(t, s, a)
				checkRanges(t, r)
				if r.Rating.Uncapped != nil {
					var cost float64
					for _, f := range r.Findings {
						cost += f.Cost
					}
					require.InDelta(t, 100-*r.Rating.Uncapped, cost, 0.05+0.005*float64(len(r.Findings)))
				}
			}
		})
	}
}

// checkRanges fails unless every number of r is in range.
func checkRanges(t testing.TB, r *civicspace.Result) {
	t.Helper()
	inRange := func(x *float64, what string) {
		if x != nil && (math.IsNaN(*x) || *x < 0 || *x > 100) {
			t.Fatalf("%s = %v, outside 0-100", what, *x)
		}
	}
	share := func(x float64, what string) {
		if math.IsNaN(x) || x < 0 || x > 1 {
			t.Fatalf("%s coverage = %v, outside 0-1", what, x)
		}
	}
	inRange(r.Rating.Score, "rating")
	inRange(r.Rating.Uncapped, "uncapped")
	share(r.Rating.Coverage, "rating")
	if r.Rating.Score != nil && r.Rating.Uncapped != nil && *r.Rating.Score > *r.Rating.Uncapped {
		t.Fatalf("capped %v above uncapped %v", *r.Rating.Score, *r.Rating.Uncapped)
	}
	for _, c := range r.Rating.Caps {
		inRange(&c.Cap, "cap "+c.RedFlag)
		if r.Rating.Score != nil && *r.Rating.Score > c.Cap {
			t.Fatalf("score %v above raised cap %v", *r.Rating.Score, c.Cap)
		}
	}
	for _, x := range r.Indicators {
		inRange(x.Points, x.ID)
	}
	for _, x := range r.Recommendations {
		inRange(x.Score, x.ID)
		share(x.Coverage, x.ID)
	}
	var groups func(gs []civicspace.GroupScore)
	groups = func(gs []civicspace.GroupScore) {
		for _, g := range gs {
			inRange(g.Score, g.ID)
			share(g.Coverage, g.ID)
			groups(g.Groups)
		}
	}
	for _, f := range r.Frameworks {
		inRange(f.Score, f.ID)
		share(f.Coverage, f.ID)
		groups(f.Groups)
	}
	for _, f := range r.Findings {
		if math.IsNaN(f.Cost) || f.Cost < 0 || f.Cost > 100 {
			t.Fatalf("finding %s cost %v", f.Indicator, f.Cost)
		}
	}
}

// TestBuiltInRedFlags: each red flag of the built-in catalog caps the
// rating when its condition holds, and only then.
func TestBuiltInRedFlags(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	s := newScorer(t, cat)
	n := 0
	for _, ind := range cat.Indicators() {
		rf := ind.RedFlag
		if rf == nil {
			continue
		}
		n++
		t.Run(rf.ID, func(t *testing.T) {
			var raise, calm civicspace.Value
			switch {
			case rf.When.Equals != nil:
				raise, calm = civicspace.BoolValue(*rf.When.Equals), civicspace.BoolValue(!*rf.When.Equals)
			case rf.When.AtLeast != nil:
				raise, calm = civicspace.NumberValue(math.Ceil(*rf.When.AtLeast)), civicspace.NumberValue(math.Ceil(*rf.When.AtLeast)-1)
			default:
				raise = civicspace.OptionValue(rf.When.Options[0])
				for _, o := range ind.Options {
					flagged := false
					for _, f := range rf.When.Options {
						flagged = flagged || f == o.ID
					}
					if !flagged {
						calm = civicspace.OptionValue(o.ID)
					}
				}
			}
			ev := []civicspace.Evidence{{Title: "Report"}}
			a := &civicspace.Assessment{Subject: civicspace.Subject{Country: "XAA"}, Roles: civicspace.Roles, Period: civicspace.MustPeriod("2025"), Kind: civicspace.KindSelf, Author: "Test",
				Answers: map[string]civicspace.Answer{ind.ID: {Value: raise, Evidence: ev}}}
			r := score(t, s, a)
			require.Len(t, r.Rating.Caps, 1)
			c := r.Rating.Caps[0]
			require.Equal(t, rf.ID, c.RedFlag)
			require.Equal(t, ind.ID, c.Indicator)
			require.Equal(t, rf.CapFor(raise), c.Cap)
			require.Equal(t, rf.Title, c.Title)
			if r.Rating.Score != nil {
				require.LessOrEqual(t, *r.Rating.Score, rf.CapFor(raise))
			}

			if !calm.IsZero() && (calm.Interface() != float64(-1)) {
				a.Answers[ind.ID] = civicspace.Answer{Value: calm, Evidence: ev}
				require.Empty(t, score(t, s, a).Rating.Caps)
			}
		})
	}
	require.Positive(t, n, "the built-in catalog has red flags")
}

func notLower(t testing.TB, before, after *float64, what string) {
	t.Helper()
	if before == nil {
		return
	}
	require.NotNil(t, after, what)
	require.GreaterOrEqual(t, *after, *before, what)
}

func bandRank(b string) int {
	for i, x := range civicspace.Bands {
		if x == b {
			return len(civicspace.Bands) - i
		}
	}
	if b == opa.BandNotRated || b == civicspace.BandInsufficientData {
		return -1
	}
	panic("band " + b)
}

func eachGroup(a, b []civicspace.GroupScore, fn func(x, y civicspace.GroupScore)) {
	for i := range a {
		fn(a[i], b[i])
		eachGroup(a[i].Groups, b[i].Groups, fn)
	}
}

func cloneAssessment(a *civicspace.Assessment) *civicspace.Assessment {
	b := *a
	b.Answers = make(map[string]civicspace.Answer, len(a.Answers))
	for k, v := range a.Answers {
		b.Answers[k] = v
	}
	return &b
}
