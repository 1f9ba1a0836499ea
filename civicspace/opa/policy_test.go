package opa_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/stretchr/testify/require"
)

// TestPolicyFormatted keeps the built-in Rego in opa fmt's canonical form.
func TestPolicyFormatted(t *testing.T) {
	err := filepath.WalkDir("policy", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return err
		}
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		want, err := format.SourceWithOpts(path, src, format.Opts{RegoVersion: ast.RegoV1})
		require.NoError(t, err, path)
		if string(want) != string(src) {
			if *update {
				require.NoError(t, os.WriteFile(path, want, 0o644))
				return nil
			}
			t.Errorf("%s is not formatted as opa fmt would (run go test -run TestPolicyFormatted -update)", path)
		}
		return nil
	})
	require.NoError(t, err)
}

func TestCustomWeightsAndThresholds(t *testing.T) {
	cat := testCatalog(t)
	def := newScorer(t, cat)
	a := assessment(t, `["domestic"]`, full())
	base := score(t, def, a)

	t.Run("weights from WithData", func(t *testing.T) {
		s := newScorer(t, cat, opa.WithData(map[string]any{"civicspace": map[string]any{"policy": map[string]any{"weights": map[string]any{"t.level": 4}}}}))
		r := score(t, s, a)
		require.Equal(t, 4.0, indByID(r, "t.level").Weight)
		// (200 + 100 + 4*50 + 90 + 50) / 9 = 71.1
		require.Equal(t, 71.1, *r.Rating.Score)
		require.Equal(t, civicspace.BandNarrowed, r.Rating.Band)
		require.NotEqual(t, def.PolicyDigest(), s.PolicyDigest())
		require.Equal(t, "custom", s.Name())
		require.Equal(t, "custom", r.Provenance.PolicyName)
		require.Equal(t, 81.7, *base.Rating.Score, "the default scorer is unchanged")
	})

	t.Run("thresholds from a data file, merged over the defaults", func(t *testing.T) {
		s := newScorer(t, cat, opa.WithModules(map[string]string{
			"civicspace/policy/data.json": `{"name": "strict-watch", "status": {"met": 101}, "bands": {"open": 90}}`,
		}))
		r := score(t, s, a)
		require.Equal(t, civicspace.StatusPartiallyMet, recByID(r, "a-1").Status, "nothing is met at 101")
		require.Equal(t, civicspace.StatusPartiallyMet, recByID(r, "a-2").Status, "partially_met keeps its default of 40")
		require.Equal(t, civicspace.BandNarrowed, r.Rating.Band)
		require.Equal(t, "strict-watch", r.Provenance.PolicyName)
		require.Contains(t, recByID(r, "a-1").Explanation, "a score of 40 or more and below 101")
	})

	t.Run("WithName wins", func(t *testing.T) {
		s := newScorer(t, cat, opa.WithName("watchdog-2026"), opa.WithData(map[string]any{"civicspace": map[string]any{"policy": map[string]any{"min_coverage": 0.9}}}))
		require.Equal(t, "watchdog-2026", s.Name())
	})

	t.Run("unknown and invalid weights", func(t *testing.T) {
		_, err := opa.NewScorer(cat, opa.WithData(map[string]any{"civicspace": map[string]any{"policy": map[string]any{"weights": map[string]any{"t.nope": 1, "t.law": -2}}}}))
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
		problems := civicspace.ErrorProblems(err)
		require.Len(t, problems, 2)
		require.Equal(t, "data.civicspace.policy.weights.t.law", problems[0].Pointer)
		require.Contains(t, problems[1].Detail, `unknown indicator "t.nope"`)
	})

	t.Run("malformed red flags in data", func(t *testing.T) {
		_, err := opa.NewScorer(cat, opa.WithModules(map[string]string{"civicspace/policy/data.yaml": `
red_flags:
  - {id: ok, title: Fine, indicator: t.level, when: {at_least: 1}, cap: 50}
  - {id: ghost, title: Ghost, indicator: t.ghost, when: {equals: true}, cap: 50}
  - {id: greedy, title: Greedy, indicator: t.law, when: {equals: true, options: [x]}, cap: 120}
`}))
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
		problems := civicspace.ErrorProblems(err)
		require.Len(t, problems, 3)
		require.Equal(t, "data.civicspace.policy.red_flags[1]", problems[0].Pointer)
		require.Contains(t, problems[0].Detail, `"t.ghost"`)
		require.Equal(t, "data.civicspace.policy.red_flags[2]", problems[1].Pointer)
	})

	t.Run("the catalog data is reserved", func(t *testing.T) {
		_, err := opa.NewScorer(cat, opa.WithModules(map[string]string{"data.json": `{"civicspace": {"catalog": {"indicators": {}}}}`}))
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
		require.Contains(t, err.Error(), "data.civicspace.catalog")
	})

	t.Run("files that are neither modules nor data", func(t *testing.T) {
		_, err := opa.NewScorer(cat, opa.WithModules(map[string]string{"weights.json": `{}`}))
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
		require.Contains(t, err.Error(), "weights.json")
	})

	t.Run("a non-positive timeout", func(t *testing.T) {
		_, err := opa.NewScorer(cat, opa.WithTimeout(0))
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	})

	t.Run("an oversized policy", func(t *testing.T) {
		_, err := opa.NewScorer(cat, opa.WithModules(map[string]string{"big.rego": "package big\n" + strings.Repeat("# padding\n", opa.MaxPolicyBytes/10)}))
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
		require.Contains(t, err.Error(), "larger than")
	})
}

const extraFlags = `package civicspace.extra

# A watchdog's own red flag: a ban on top of detentions.
red_flags contains {
	"id": "watch.ban-and-detentions",
	"title": "Bans and detentions together",
	"cap": 25,
	"explanation": "a ban and three or more detentions in the same year cap the rating at 25",
} if {
	input.answers["t.ban"] == true
	input.answers["t.cases"] >= 3
}
`

func TestExtraRedFlags(t *testing.T) {
	cat := testCatalog(t)
	fsys := fstest.MapFS{
		"watch/extra.rego":            {Data: []byte(extraFlags)},
		"watch/extra_test.rego":       {Data: []byte(extraFlagsTest)},
		"civicspace/policy/data.yaml": {Data: []byte("name: watchdog\nred_flags:\n  - id: watch.low-level\n    title: Defenders unprotected\n    indicator: t.level\n    when: {at_least: 0}\n    cap: 70\n")},
		"README.md":                   {Data: []byte("not policy")},
		".git/hooks/x.rego":           {Data: []byte("this is not Rego")},
	}
	s := newScorer(t, cat, opa.WithPolicyFS(fsys))
	require.Equal(t, "watchdog", s.Name())

	r := score(t, s, assessment(t, `["domestic"]`, with(full(), "t.ban", `{"value": true}`, "t.cases", `{"value": 2}`)))
	// Only the data-declared flag (any level) is raised: cap 70 above 65.
	require.Len(t, r.Rating.Caps, 2)
	require.Equal(t, "rf.ban", r.Rating.Caps[0].RedFlag)
	require.Equal(t, "watch.low-level", r.Rating.Caps[1].RedFlag)
	require.Equal(t, "t.level", r.Rating.Caps[1].Indicator)

	r = score(t, s, assessment(t, `["domestic"]`, with(full(), "t.ban", `{"value": true}`, "t.cases", `{"value": 3}`)))
	require.Equal(t, 25.0, *r.Rating.Score)
	require.Equal(t, civicspace.BandRepressed, r.Rating.Band)
	require.Equal(t, "watch.ban-and-detentions", r.Rating.Caps[0].RedFlag)
	require.Empty(t, r.Rating.Caps[0].Indicator)
	require.True(t, r.Rating.Caps[0].Applied)
	require.Contains(t, r.Rating.Caps[0].Explanation, "three or more detentions")

	results, err := opa.RunPolicyTests(context.Background(), cat, opa.WithPolicyFS(fsys))
	require.NoError(t, err)
	var mine []opa.TestResult
	for _, tr := range results {
		if strings.HasPrefix(tr.Location, "watch/") {
			mine = append(mine, tr)
		}
	}
	require.Len(t, mine, 2)
	require.True(t, mine[0].Pass, mine[0].Message)
	require.Equal(t, "test_flag_raised", mine[0].Name)
	require.False(t, mine[1].Pass)
	require.Equal(t, "test_deliberately_failing", mine[1].Name)
	require.Contains(t, mine[1].Message, "extra_test.rego")
	builtIn := 0
	for _, tr := range results {
		if strings.HasPrefix(tr.Location, "civicspace/") {
			builtIn++
			require.True(t, tr.Pass, "%s: %s", tr.Name, tr.Message)
		}
	}
	require.Greater(t, builtIn, 20, "the built-in tests run with the pack")
}

const extraFlagsTest = `package watch_test

import data.civicspace.extra

test_flag_raised if {
	count(extra.red_flags) == 1 with input as {"answers": {"t.ban": true, "t.cases": 4}}
}

test_deliberately_failing if {
	count(extra.red_flags) == 1 with input as {"answers": {"t.ban": false, "t.cases": 4}}
}
`

func TestReplacingABuiltInModule(t *testing.T) {
	cat := testCatalog(t)
	// A watchdog scoring every boolean as all or nothing, and everything
	// else as half.
	points := `package civicspace.points

results := [answer(a[0], a[1]) | some a in input.answers]

answer(id, v) := {"points": 100, "rule": "watch.points.yes", "explanation": "yes", "red_flags": []} if v == true

else := {"points": 50, "rule": "watch.points.half", "explanation": "half", "red_flags": []}
`
	opts := opa.WithModules(map[string]string{"civicspace/points.rego": points})
	s := newScorer(t, cat, opts)
	r := score(t, s, assessment(t, `["domestic"]`, full()))
	require.Equal(t, "watch.points.yes", indByID(r, "t.law").Rule)
	require.Equal(t, 50.0, *indByID(r, "t.ban").Points)
	require.Empty(t, r.Rating.Caps)

	results, err := opa.RunPolicyTests(context.Background(), cat, opts)
	require.NoError(t, err)
	for _, tr := range results {
		require.NotEqual(t, "data.civicspace.points_test", tr.Package, "the replaced module's tests are dropped")
		require.True(t, tr.Pass, tr.Name)
	}
}

func TestPolicyErrorsNameFileAndLine(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		name, file, src, pointer, detail string
	}{{
		name:    "http.send is not allowed",
		file:    "watch/evil.rego",
		src:     "package civicspace.extra\n\nred_flags contains f if {\n\tresp := http.send({\"method\": \"GET\", \"url\": \"https://example.org\"})\n\tf := resp.body\n}\n",
		pointer: "watch/evil.rego:4",
		detail:  "http.send",
	}, {
		name:    "time.now_ns is not allowed",
		file:    "clock.rego",
		src:     "package civicspace.extra\n\nred_flags contains {\"id\": \"t\", \"cap\": 1} if time.now_ns() > 0\n",
		pointer: "clock.rego:3",
		detail:  "time.now_ns",
	}, {
		name:    "net.lookup_ip_addr is not allowed",
		file:    "dns.rego",
		src:     "package civicspace.extra\n\nips := net.lookup_ip_addr(\"example.org\")\n",
		pointer: "dns.rego:3",
		detail:  "net.lookup_ip_addr",
	}, {
		name:    "a syntax error",
		file:    "broken.rego",
		src:     "package civicspace.extra\n\nred_flags contains x if {\n\tx := \n}\n",
		pointer: "broken.rego:5",
	}, {
		name:    "an unsafe variable",
		file:    "unsafe.rego",
		src:     "package civicspace.extra\n\nred_flags contains x if {\n\ty == 1\n}\n",
		pointer: "unsafe.rego:3",
		detail:  "unsafe",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := opa.NewScorer(cat, opa.WithModules(map[string]string{tt.file: tt.src}))
			require.Error(t, err)
			require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
			problems := civicspace.ErrorProblems(err)
			require.NotEmpty(t, problems)
			require.Equal(t, tt.pointer, problems[0].Pointer, "%v", problems)
			require.Contains(t, err.Error(), tt.pointer)
			if tt.detail != "" {
				require.Contains(t, problems[0].Detail, tt.detail)
			}
			_, err = opa.RunPolicyTests(context.Background(), cat, opa.WithModules(map[string]string{tt.file: tt.src}))
			require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
		})
	}
}

func TestDeadlineCancelsEvaluation(t *testing.T) {
	cat := testCatalog(t)
	slow := `package civicspace.extra

# Ten billion comparisons that never match: it cannot finish in time.
red_flags contains {"id": "never", "title": "never", "cap": 0} if {
	some i in numbers.range(1, 100000)
	some j in numbers.range(1, 100000)
	i == j * -1
}
`
	s := newScorer(t, cat, opa.WithModules(map[string]string{"slow.rego": slow}), opa.WithTimeout(100*time.Millisecond))
	a := assessment(t, `["domestic"]`, full())
	start := time.Now()
	_, err := s.Score(context.Background(), a)
	elapsed := time.Since(start)
	require.Error(t, err)
	require.Equal(t, civicspace.ETIMEOUT, civicspace.ErrorCode(err))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, elapsed, 5*time.Second)

	// A caller's cancellation stops it too.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.Score(ctx, a)
	require.Equal(t, civicspace.ETIMEOUT, civicspace.ErrorCode(err))
	require.ErrorIs(t, err, context.Canceled)
}

func TestPolicyDefectsAreErrors(t *testing.T) {
	cat := testCatalog(t)
	a := assessment(t, `["domestic"]`, full())
	tests := []struct {
		name, file, src, want string
	}{{
		name: "points out of range",
		file: "civicspace/points.rego",
		src:  "package civicspace.points\n\nresults := [{\"points\": 150, \"rule\": \"watch.generous\", \"explanation\": \"\"} | some _ in input.answers]\n",
		want: "watch.generous",
	}, {
		name: "a builtin error at run time",
		file: "watch/extra.rego",
		src:  "package civicspace.extra\n\nred_flags contains {\"id\": \"x\", \"cap\": to_number(\"many\")} if input.answers[\"t.law\"]\n",
		want: "watch/extra.rego:3",
	}, {
		name: "a red flag with a cap that is not a number",
		file: "watch/extra.rego",
		src:  "package civicspace.extra\n\nred_flags contains {\"id\": \"x\", \"cap\": \"high\"} if input.answers[\"t.law\"]\n",
		want: "cap must be a number",
	}, {
		name: "an unknown status",
		file: "civicspace/judgements.rego",
		src:  "package civicspace.judgements\n\nresult := {\"statuses\": [\"great\" | some _ in input.cases], \"red_flags\": [], \"score\": 50, \"band\": \"obstructed\"}\n\nexplanations := data.x\n",
		want: "",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := opa.NewScorer(cat, opa.WithModules(map[string]string{tt.file: tt.src}))
			if tt.want == "" {
				// A judgements module without explanations is refused up front.
				require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
				return
			}
			require.NoError(t, err)
			_, err = s.Score(context.Background(), a)
			require.Error(t, err)
			require.Equal(t, civicspace.EINTERNAL, civicspace.ErrorCode(err))
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestMalformedRedFlagFailsToCompile(t *testing.T) {
	// OPA's type checker sees that the judgements read f.cap.
	_, err := opa.NewScorer(testCatalog(t), opa.WithModules(map[string]string{
		"watch/extra.rego": "package civicspace.extra\n\nred_flags contains {\"id\": \"x\"} if input.answers[\"t.law\"]\n",
	}))
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	require.Contains(t, err.Error(), "f.cap")
}

func TestPolicyDigest(t *testing.T) {
	cat := testCatalog(t)
	d := func(opts ...opa.Option) string { return newScorer(t, cat, opts...).PolicyDigest() }
	def := d()
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, def)
	require.Equal(t, def, d(), "stable")
	require.Equal(t, def, d(opa.WithTimeout(time.Second), opa.WithCacheSize(0)), "run-time settings are not policy")
	require.Equal(t, def, d(opa.WithModules(map[string]string{"watch/more_test.rego": "package watch_test\n\ntest_x if true\n"})), "tests do not count")
	require.NotEqual(t, def, d(opa.WithModules(map[string]string{"watch/extra.rego": extraFlags})))
	require.NotEqual(t, def, d(opa.WithData(map[string]any{"civicspace": map[string]any{"policy": map[string]any{"min_coverage": 0.6}}})))
	require.Equal(t,
		d(opa.WithData(map[string]any{"civicspace": map[string]any{"policy": map[string]any{"min_coverage": 0.6, "name": "x"}}})),
		d(opa.WithModules(map[string]string{"civicspace/policy/data.yaml": "name: x\nmin_coverage: 0.6\n"})),
		"the same data gives the same digest however it is supplied")
	require.Equal(t, def, newScorer(t, civicspace.DefaultCatalog()).PolicyDigest(), "the catalog is not part of the policy")
}
