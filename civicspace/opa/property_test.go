package opa_test

import (
	"math"
	"math/rand/v2"
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

// TestPropertyNotApplicableNeverCountsAsNotMet: answering an indicator not
// applicable never scores lower than answering it with its worst value,
// and never leaves a trace in findings or recommendations.
func TestPropertyNotApplicableNeverCountsAsNotMet(t *testing.T) {
	for name, cat := range catalogs(t) {
		t.Run(name, func(t *testing.T) {
			s := newScorer(t, cat)
			rng := newRand(13)
			inds := cat.Indicators()
			for range 150 {
				a := randomAssessment(cat, rng, roleSets[rng.IntN(len(roleSets))], 0.7+0.3*rng.Float64())
				ind := inds[rng.IntN(len(inds))]
				worstA := cloneAssessment(a)
				worstA.Answers[ind.ID] = civicspace.Answer{Value: worst(ind), Evidence: []civicspace.Evidence{{Title: "Report"}}}
				naA := cloneAssessment(a)
				naA.Answers[ind.ID] = civicspace.Answer{Status: civicspace.AnswerNotApplicable}
				w, na := score(t, s, worstA), score(t, s, naA)

				notLower(t, w.Rating.Uncapped, na.Rating.Uncapped, ind.ID+": uncapped")
				for i, rw := range w.Recommendations {
					rn := na.Recommendations[i]
					require.NotContains(t, rn.Indicators, ind.ID)
					if rw.Score != nil && rn.Score != nil {
						require.GreaterOrEqual(t, *rn.Score, *rw.Score, ind.ID+": "+rn.ID)
					}
					if len(rw.Indicators) == 1 && rw.Indicators[0] == ind.ID {
						require.Equal(t, civicspace.StatusNotApplicable, rn.Status, "%s is measured by %s alone", rn.ID, ind.ID)
					}
					if rn.Status == civicspace.StatusNotMet {
						require.NotNil(t, rn.Score)
					}
				}
				for _, f := range na.Findings {
					require.NotEqual(t, ind.ID, f.Indicator)
				}
				is := indByID(na, ind.ID)
				require.Nil(t, is.Points)
				require.Equal(t, "not_applicable", is.Answer)
			}
		})
	}
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
			require.Equal(t, rf.Cap, c.Cap)
			require.Equal(t, rf.Title, c.Title)
			require.LessOrEqual(t, *r.Rating.Score, rf.Cap)

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
	if b == opa.BandNotRated {
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
