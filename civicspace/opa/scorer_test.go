package opa_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/stretchr/testify/require"
)

// TestPolicyRegoTests runs the built-in policy's _test.rego files through
// OPA's test runner.
func TestPolicyRegoTests(t *testing.T) {
	results, err := opa.RunPolicyTests(context.Background(), testCatalog(t))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(results), 20)
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			require.True(t, r.Pass, "%s %s at %s: %s", r.Package, r.Name, r.Location, r.Message)
		})
	}
}

// full answers every indicator of the test catalog that the domestic role
// reaches; individual tests change single answers.
func full() map[string]string {
	return map[string]string{
		"t.law":    `{"value": true, "evidence": [{"title": "Constitution, art. 20"}]}`,
		"t.ban":    `{"value": false}`,
		"t.level":  `{"value": 2}`,
		"t.cases":  `{"value": 1}`,
		"t.regime": `{"value": "permit"}`,
	}
}

func with(m map[string]string, kv ...string) map[string]string {
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(m, kv[i])
			continue
		}
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TestScoreDomestic checks every number of one assessment against figures
// worked out by hand.
func TestScoreDomestic(t *testing.T) {
	cat := testCatalog(t)
	s := newScorer(t, cat)
	r := score(t, s, assessment(t, `["domestic"]`, full()))

	// Points: law true 100 (weight 2), ban false 100, level 2 of 0-4 50,
	// 1 case of worst 10 90, permit 50.
	require.Equal(t, 50.0, *indByID(r, "t.level").Points)
	require.Equal(t, 90.0, *indByID(r, "t.cases").Points)
	require.Equal(t, "civicspace.points.count_fewer", indByID(r, "t.cases").Rule)
	require.Equal(t, 2.0, indByID(r, "t.law").Weight)

	// a-1: (2*100 + 100) / 3 = 100 met; a-2: (50 + 90) / 2 = 70 partially
	// met; b-1: (2*100 + 50 + 50) / 4 = 75 partially met.
	require.Equal(t, civicspace.StatusMet, recByID(r, "a-1").Status)
	require.Equal(t, 100.0, *recByID(r, "a-1").Score)
	require.Equal(t, civicspace.StatusPartiallyMet, recByID(r, "a-2").Status)
	require.Equal(t, 70.0, *recByID(r, "a-2").Score)
	require.Equal(t, 75.0, *recByID(r, "b-1").Score)
	require.Equal(t, []string{"t.law", "t.level", "t.regime"}, recByID(r, "b-1").Indicators)
	// a-3 (donor) and b-2 (host) do not address the domestic role.
	require.Equal(t, civicspace.StatusNotApplicable, recByID(r, "a-3").Status)
	require.Equal(t, opa.RuleRoles, recByID(r, "a-3").Rule)
	require.Nil(t, recByID(r, "b-2").Score)

	// Frameworks: mean of assessed recommendations.
	require.Equal(t, 85.0, *fwByID(r, "fw-a").Score)
	require.Equal(t, 75.0, *fwByID(r, "fw-b").Score)
	require.Equal(t, civicspace.StatusCounts{Met: 1, PartiallyMet: 1, NotApplicable: 1}, fwByID(r, "fw-a").Counts)
	require.Equal(t, civicspace.StatusNotApplicable, fwByID(r, "fw-a").Groups[1].Status)
	require.Equal(t, "a-p2-f1", fwByID(r, "fw-a").Groups[1].Groups[0].ID)

	// Rating: (200 + 100 + 50 + 90 + 50) / 6 = 81.67 → 81.7, open.
	require.Equal(t, 81.7, *r.Rating.Score)
	require.Equal(t, 81.7, *r.Rating.Uncapped)
	require.Equal(t, 1.0, r.Rating.Coverage)
	require.Equal(t, civicspace.BandOpen, r.Rating.Band)
	require.Empty(t, r.Rating.Caps)

	// Findings: level and regime each cost 1/6 * 50 = 8.33; cases 1/6 * 10.
	require.Len(t, r.Findings, 3)
	require.Equal(t, "t.level", r.Findings[0].Indicator)
	require.Equal(t, 8.33, r.Findings[0].Cost)
	require.Equal(t, []string{"a-2", "b-1"}, r.Findings[0].Recommendations)
	require.Equal(t, "t.regime", r.Findings[1].Indicator)
	require.Equal(t, "t.cases", r.Findings[2].Indicator)
	require.Equal(t, 1.67, r.Findings[2].Cost)

	require.Equal(t, "test.1", r.Provenance.CatalogVersion)
	require.Equal(t, cat.Digest(), r.Provenance.CatalogDigest)
	require.Equal(t, s.PolicyDigest(), r.Provenance.PolicyDigest)
	require.Equal(t, "civicspace-default", r.Provenance.PolicyName)
	require.Regexp(t, `^opa \d+\.\d+\.\d+`, r.Provenance.EngineVersion)
}

func TestScoreCases(t *testing.T) {
	cat := testCatalog(t)
	s := newScorer(t, cat)
	tests := []struct {
		name    string
		roles   string
		answers map[string]string
		check   func(t *testing.T, r *civicspace.Result)
	}{{
		name:    "red flags cap the score and are reported lowest first",
		roles:   `["domestic"]`,
		answers: with(full(), "t.ban", `{"value": true}`, "t.cases", `{"value": 6}`),
		check: func(t *testing.T, r *civicspace.Result) {
			// (200 + 0 + 50 + 40 + 50) / 6 = 56.7, capped at 30.
			require.Equal(t, 56.7, *r.Rating.Uncapped)
			require.Equal(t, 30.0, *r.Rating.Score)
			require.Equal(t, civicspace.BandRepressed, r.Rating.Band)
			require.Len(t, r.Rating.Caps, 2)
			require.Equal(t, "rf.cases", r.Rating.Caps[0].RedFlag)
			require.Equal(t, "t.cases", r.Rating.Caps[0].Indicator)
			require.Equal(t, 30.0, r.Rating.Caps[0].Cap)
			require.True(t, r.Rating.Caps[0].Applied)
			require.Equal(t, "rf.ban", r.Rating.Caps[1].RedFlag)
			require.True(t, r.Rating.Caps[1].Applied)
			require.Equal(t, "rf.ban", indByID(r, "t.ban").RedFlag)
			require.Contains(t, r.Rating.Caps[1].Explanation, "caps the rating at 40")
		},
	}, {
		name:    "a cap above the score is reported but not applied",
		roles:   `["domestic"]`,
		answers: with(full(), "t.cases", `{"value": 7}`, "t.level", `{"value": 0}`, "t.regime", `{"value": "banned"}`, "t.law", `{"value": false, "evidence": [{"title": "Penal code"}]}`),
		check: func(t *testing.T, r *civicspace.Result) {
			// (0 + 100 + 0 + 30 + 0) / 6 = 21.7; caps 20 (regime) and 30 (cases).
			require.Equal(t, 21.7, *r.Rating.Uncapped)
			require.Equal(t, 20.0, *r.Rating.Score)
			// A band starts at its cut-off: 20 is repressed, not closed.
			require.Equal(t, civicspace.BandRepressed, r.Rating.Band)
			require.Equal(t, "rf.regime", r.Rating.Caps[0].RedFlag)
			require.True(t, r.Rating.Caps[0].Applied)
			require.Equal(t, "rf.cases", r.Rating.Caps[1].RedFlag)
			require.False(t, r.Rating.Caps[1].Applied)
		},
	}, {
		name:    "not applicable, with a reason, is accepted for a role not assessed and counts nowhere",
		roles:   `["domestic"]`,
		answers: with(full(), "t.funds", `{"status": "not_applicable", "reason": "No development co-operation."}`),
		check: func(t *testing.T, r *civicspace.Result) {
			funds := indByID(r, "t.funds")
			require.Equal(t, "not_applicable", funds.Answer)
			require.False(t, funds.Applicable)
			require.Nil(t, funds.Points)
			require.Equal(t, civicspace.StatusNotApplicable, recByID(r, "a-3").Status)
			require.Equal(t, 1.0, r.Rating.Coverage)
			for _, f := range r.Findings {
				require.NotEqual(t, "t.funds", f.Indicator)
			}
		},
	}, {
		name:    "unknown answers count 0 points, lower coverage and are findings with their cost",
		roles:   `["domestic"]`,
		answers: with(full(), "t.level", `{"status": "unknown"}`),
		check: func(t *testing.T, r *civicspace.Result) {
			// a-2: t.cases 90 and t.level unknown (0): (90 + 0) / 2 = 45,
			// coverage 1/2 = 0.5, still assessed.
			require.Equal(t, 0.5, recByID(r, "a-2").Coverage)
			require.Equal(t, civicspace.StatusPartiallyMet, recByID(r, "a-2").Status)
			require.Equal(t, 45.0, *recByID(r, "a-2").Score)
			// b-1: coverage (2 + 1) / 4; (200 + 0 + 50) / 4 = 62.5.
			require.Equal(t, 0.75, recByID(r, "b-1").Coverage)
			require.Equal(t, 62.5, *recByID(r, "b-1").Score)
			// Rating: (200 + 100 + 0 + 90 + 50) / 6 = 73.3, coverage 5/6.
			require.Equal(t, 0.833, r.Rating.Coverage)
			require.Equal(t, 73.3, *r.Rating.Uncapped)
			var unknown *civicspace.Finding
			for i := range r.Findings {
				if r.Findings[i].Indicator == "t.level" {
					unknown = &r.Findings[i]
				}
			}
			require.NotNil(t, unknown)
			require.Equal(t, "unknown", unknown.Answer)
			require.Equal(t, 16.67, unknown.Cost)
			require.Nil(t, unknown.Points)
			require.Contains(t, unknown.Message, "unknown")
			require.Equal(t, "t.level", r.Findings[0].Indicator, "the costliest finding comes first")
		},
	}, {
		name:    "unknown on a red-flag question raises the flag at its lowest cap",
		roles:   `["domestic"]`,
		answers: with(full(), "t.cases", `{"status": "unknown"}`),
		check: func(t *testing.T, r *civicspace.Result) {
			require.Len(t, r.Rating.Caps, 1)
			require.Equal(t, "rf.cases", r.Rating.Caps[0].RedFlag)
			require.Equal(t, 30.0, *r.Rating.Score)
			require.Equal(t, "rf.cases", r.Findings[0].RedFlag, "red flags come first")
			require.Equal(t, civicspace.StatusNotMet, recByID(r, "a-2").Status)
		},
	}, {
		name:    "too little coverage leaves a recommendation not assessed",
		roles:   `["domestic"]`,
		answers: map[string]string{"t.regime": `{"value": "notice"}`, "t.cases": `{"value": 0}`},
		check: func(t *testing.T, r *civicspace.Result) {
			// b-1: only t.regime (weight 1 of 4) is answered.
			b1 := recByID(r, "b-1")
			require.Equal(t, civicspace.StatusNotAssessed, b1.Status)
			require.Nil(t, b1.Score)
			require.Equal(t, 0.25, b1.Coverage)
			require.Contains(t, b1.Explanation, "weighted mean 100")
			require.Equal(t, civicspace.StatusNotAssessed, recByID(r, "a-1").Status)
			require.Equal(t, civicspace.StatusNotAssessed, fwByID(r, "fw-b").Status)
			require.Nil(t, fwByID(r, "fw-b").Score)
			require.Equal(t, 1, fwByID(r, "fw-b").Counts.NotAssessed)
			// a-2: t.cases answered, coverage 0.5.
			require.Equal(t, civicspace.StatusMet, recByID(r, "a-2").Status)
			require.Equal(t, "missing", indByID(r, "t.law").Answer)
			require.Equal(t, opa.RuleMissing, indByID(r, "t.law").Rule)
		},
	}, {
		name:    "no applicable answer leaves the rating not rated",
		roles:   `["host"]`,
		answers: map[string]string{"t.funds": `{"value": 3}`},
		check: func(t *testing.T, r *civicspace.Result) {
			require.Equal(t, opa.BandNotRated, r.Rating.Band)
			require.Nil(t, r.Rating.Score)
			require.Nil(t, r.Rating.Uncapped)
			require.Zero(t, r.Rating.Coverage)
			funds := indByID(r, "t.funds")
			require.False(t, funds.Applicable)
			require.Nil(t, funds.Points, "an answer outside the roles earns nothing")
			require.Contains(t, funds.Explanation, "the question asks about donor")
		},
	}, {
		name:    "roles decide which recommendations count",
		roles:   `["donor", "host"]`,
		answers: map[string]string{"t.funds": `{"value": 3}`, "t.share": `{"value": 40}`, "t.visa": `{"value": true}`, "t.law": `{"value": true, "evidence": [{"title": "Act"}]}`},
		check: func(t *testing.T, r *civicspace.Result) {
			require.Equal(t, civicspace.StatusNotApplicable, recByID(r, "a-1").Status)
			// a-3: funds 3 of target 4 = 75, share 40: (75 + 40) / 2.
			require.Equal(t, 57.5, *recByID(r, "a-3").Score)
			// b-2: share 40, visa 100 → 70.
			require.Equal(t, 70.0, *recByID(r, "b-2").Score)
			// b-1 addresses host too: t.law answered, level and regime missing: coverage 2/4.
			require.Equal(t, 0.5, recByID(r, "b-1").Coverage)
			require.Equal(t, civicspace.StatusMet, recByID(r, "b-1").Status)
			// fw-b coverage over its distinct indicators: law 2, level 1, regime 1, share 1, visa 1.
			require.Equal(t, round3(4.0/6.0), fwByID(r, "fw-b").Coverage)
			require.Equal(t, 1.0, fwByID(r, "fw-a").Groups[1].Coverage)
			require.Equal(t, civicspace.StatusNotApplicable, fwByID(r, "fw-a").Groups[0].Status)
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, score(t, s, assessment(t, tt.roles, tt.answers)))
		})
	}
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

func TestScoreRejectsInvalidAssessments(t *testing.T) {
	s := newScorer(t, testCatalog(t))
	a := assessment(t, `["domestic", "pirate"]`, map[string]string{
		"t.level":   `{"value": 9}`,
		"t.law":     `{"value": true}`,
		"t.nothing": `{"value": 1}`,
	})
	a.Subject.Country = "BBB"
	_, err := s.Score(context.Background(), a)
	require.Error(t, err)
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	var pointers []string
	for _, p := range civicspace.ErrorProblems(err) {
		pointers = append(pointers, p.Pointer)
	}
	require.Equal(t, []string{"/answers/t.law/evidence", "/answers/t.level/value", "/answers/t.nothing", "/roles/1", "/subject/country"}, pointers)

	_, err = s.Score(context.Background(), nil)
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
}

// TestScoreIsDeterministic: the same assessment gives the same bytes,
// whatever the order answers were added in, the cache state or the
// goroutine.
func TestScoreIsDeterministic(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	a := randomAssessment(cat, newRand(7), stateRoles, 0.8)
	encode := func(r *civicspace.Result) string {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		return string(b)
	}
	cold := encode(score(t, newScorer(t, cat, opa.WithCacheSize(0)), a))
	s := newScorer(t, cat)
	first := encode(score(t, s, a))
	require.Equal(t, cold, first)

	// The same answers inserted in another order.
	b := *a
	b.Answers = map[string]civicspace.Answer{}
	ids := make([]string, 0, len(a.Answers))
	for id := range a.Answers {
		ids = append(ids, id)
	}
	for i := len(ids) - 1; i >= 0; i-- {
		b.Answers[ids[i]] = a.Answers[ids[i]]
	}
	require.Equal(t, first, encode(score(t, s, &b)))

	var wg sync.WaitGroup
	results := make([]string, 8)
	for i := range results {
		wg.Go(func() {
			r, err := s.Score(context.Background(), a)
			if err == nil {
				results[i] = encode(r)
			}
		})
	}
	wg.Wait()
	for _, got := range results {
		require.Equal(t, first, got)
	}
}

func TestCapabilitiesAreRestricted(t *testing.T) {
	caps := opa.Capabilities()
	require.NotNil(t, caps.AllowNet)
	require.Empty(t, caps.AllowNet)
	names := map[string]bool{}
	for _, b := range caps.Builtins {
		names[b.Name] = true
		require.False(t, b.Nondeterministic, b.Name)
	}
	for _, banned := range []string{"http.send", "net.lookup_ip_addr", "net.cidr_contains", "opa.runtime", "time.now_ns", "rand.intn", "uuid.rfc4122", "io.jwt.encode_sign", "io.jwt.encode_sign_raw", "io.jwt.decode_verify", "trace"} {
		require.False(t, names[banned], banned)
	}
	for _, kept := range []string{"sprintf", "count", "object.union", "regex.match", "time.parse_rfc3339_ns", "json.marshal"} {
		require.True(t, names[kept], kept)
	}
	// A fresh copy each time: changing one does not change the next.
	caps.Builtins = nil
	require.NotEmpty(t, opa.Capabilities().Builtins)
}

// TestResultsAreTheCallersOwn: a caller that overwrites every number of a
// result it was given does not change the next score of the same
// assessment (the scorer's caches hand out copies).
func TestResultsAreTheCallersOwn(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	a := randomAssessment(cat, newRand(11), stateRoles, 0.9)
	s := newScorer(t, cat)
	encode := func(r *civicspace.Result) string {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		return string(b)
	}
	first := score(t, s, a)
	want := encode(first)
	mutated := 0
	for _, ind := range first.Indicators {
		if ind.Points != nil {
			*ind.Points = -12345
			mutated++
		}
	}
	for _, f := range first.Findings {
		if f.Points != nil {
			*f.Points = -12345
		}
	}
	for _, r := range first.Recommendations {
		if r.Score != nil {
			*r.Score = -12345
		}
	}
	if first.Rating.Score != nil {
		*first.Rating.Score = -12345
	}
	require.Positive(t, mutated, "the assessment answers some indicators")
	require.Equal(t, want, encode(score(t, s, a)))
}
