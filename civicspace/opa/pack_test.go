package opa_test

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/stretchr/testify/require"
)

// TestPackSandbox uploads hostile packs while a loopback listener counts
// connections: each forbidden builtin is a compile error naming it, a
// looping pack is cancelled within its deadline, and nothing connects out.
func TestPackSandbox(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	addr := "http://" + ln.Addr().String()
	cat := civicspace.DefaultCatalog()
	compiler := &opa.PackCompiler{Catalog: cat, Timeout: 100 * time.Millisecond}

	for builtin, call := range map[string]string{
		"http.send":          `http.send({"method": "GET", "url": "` + addr + `"})`,
		"net.lookup_ip_addr": `net.lookup_ip_addr("localhost")`,
		"opa.runtime":        `opa.runtime()`,
		"rand.intn":          `rand.intn("x", 10)`,
		"time.now_ns":        `time.now_ns()`,
		"uuid.rfc4122":       `uuid.rfc4122("x")`,
		"io.jwt.encode_sign": `io.jwt.encode_sign({"alg": "HS256"}, {}, {"kty": "oct", "k": "eA"})`,
	} {
		t.Run(builtin, func(t *testing.T) {
			p := &civicspace.PolicyPack{Name: "evil", Version: "1", Files: map[string]string{
				"evil/evil.rego": "package evil\n\nx := " + call + "\n",
			}}
			_, _, err := compiler.CompilePack(t.Context(), p)
			require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
			require.Contains(t, err.Error(), builtin, "the error names the builtin")
			require.Empty(t, p.Digest)
		})
	}

	t.Run("failing tests refuse the pack", func(t *testing.T) {
		p := &civicspace.PolicyPack{Name: "t", Version: "1", Files: map[string]string{
			"mine/mine_test.rego": "package mine_test\n\ntest_fails if { 1 == 2 }\n",
		}}
		_, _, err := compiler.CompilePack(t.Context(), p)
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
		require.Contains(t, civicspace.ErrorProblems(err)[0].Detail, "test_fails")
	})

	t.Run("a looping pack is cancelled at its deadline", func(t *testing.T) {
		testPackDeadline(t, compiler)
	})
	t.Run("an upload's checks are bounded", func(t *testing.T) {
		testPackBudget(t, cat)
	})

	require.Zero(t, accepted.Load(), "a pack made an outbound connection")
}

// blowUps are packs whose extra red flags (which the judgements read on
// every assessment) cannot finish: a billion-element range, a set of a
// billion triples, and a comprehension over its own huge intermediate.
var blowUps = map[string]string{
	"huge range": `package civicspace.extra

red_flags := [{"id": "x", "title": "x", "cap": 0} | some i in numbers.range(1, 1000000000); i < 0]
`,
	"huge set": `package civicspace.extra

r := numbers.range(1, 1000)

red_flags := {{"id": "x", "title": "x", "cap": a + b + c} | some a in r; some b in r; some c in r}
`,
	"nested blow-up": `package civicspace.extra

squares := {[a, b] | some a in numbers.range(1, 100000); some b in numbers.range(1, 100000)}

red_flags := [{"id": "x", "title": "x", "cap": 0} | some p in squares; p[0] == p[1] * -1]
`,
}

// testPackDeadline scores under packs that cannot finish: each is
// cancelled with ETIMEOUT close to its deadline (uncancelled, each would
// run for minutes and take gigabytes), and scoring goes on normally
// afterwards.
func testPackDeadline(t *testing.T, compiler *opa.PackCompiler) {
	a := &civicspace.Assessment{Subject: civicspace.Subject{Country: "NOR"}, Roles: []civicspace.Role{civicspace.RoleDomestic},
		Period: civicspace.MustPeriod("2025"), Kind: civicspace.KindSelf, Author: "Ministry", Answers: map[string]civicspace.Answer{}}
	for name, module := range blowUps {
		t.Run(name, func(t *testing.T) {
			p := &civicspace.PolicyPack{Name: "loop", Version: "1", Files: map[string]string{"loop/extra.rego": module}}
			scorer, _, err := compiler.CompilePack(t.Context(), p)
			require.NoError(t, err, "the pack compiles: only evaluating it loops")
			require.NotEmpty(t, p.Digest)

			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err = scorer.Score(t.Context(), a)
			elapsed := time.Since(start)
			require.Equal(t, civicspace.ETIMEOUT, civicspace.ErrorCode(err), "%v", err)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			require.GreaterOrEqual(t, elapsed, compiler.Timeout)
			require.Less(t, elapsed, compiler.Timeout+2*time.Second, "cancelled at its deadline, not when it finished")
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<30), "the evaluation stopped allocating at its deadline")

			// The process is not left busy: the default policy scores at
			// once, and the pack times out again rather than hanging.
			def, err := opa.NewScorer(compiler.Catalog)
			require.NoError(t, err)
			r, err := def.Score(t.Context(), a)
			require.NoError(t, err)
			require.NotEmpty(t, r.Rating.Band)
			_, err = scorer.Score(t.Context(), a)
			require.Equal(t, civicspace.ETIMEOUT, civicspace.ErrorCode(err))
		})
	}
}

// testPackBudget uploads packs whose own checks loop: they are refused as
// invalid (the pack is at fault) within the compiler's budget, whatever
// the number of looping tests; only the caller's cancellation is a
// timeout.
func testPackBudget(t *testing.T, cat *civicspace.Catalog) {
	// The budget leaves the built-in policy's own tests (run with every
	// pack) room on a loaded machine, and is still well short of the
	// looping tests' 6 s.
	compiler := &opa.PackCompiler{Catalog: cat, Timeout: 100 * time.Millisecond, Budget: 3 * time.Second}
	var tests strings.Builder
	tests.WriteString("package loop_test\n\n")
	const looping = 60 // 6 s of looping tests at 100 ms each: more than the budget
	for i := range looping {
		fmt.Fprintf(&tests, "test_loop_%d if { count({x | some x in numbers.range(1, 1000000000)}) > %d }\n\n", i, i)
	}

	t.Run("looping tests", func(t *testing.T) {
		p := &civicspace.PolicyPack{Name: "loop", Version: "1", Files: map[string]string{"loop/loop_test.rego": tests.String()}}
		start := time.Now()
		_, _, err := compiler.CompilePack(t.Context(), p)
		elapsed := time.Since(start)
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "%v", err)
		require.Contains(t, err.Error(), "its tests did not finish within 3s")
		require.Less(t, elapsed, compiler.Budget+2*time.Second)
		problems := civicspace.ErrorProblems(err)
		require.NotEmpty(t, problems)
		require.Less(t, len(problems), looping, "the budget stopped the run before every test had its turn")
		require.Contains(t, problems[0].Detail, "test_loop_")
		require.Empty(t, p.Digest)
	})

	t.Run("a few looping tests fail on their own deadline", func(t *testing.T) {
		p := &civicspace.PolicyPack{Name: "loop", Version: "2", Files: map[string]string{"loop/loop_test.rego": "package loop_test\n\n" +
			"test_ok if { 1 == 1 }\n\ntest_loop if { count({x | some x in numbers.range(1, 1000000000)}) > 0 }\n"}}
		_, passed, err := compiler.CompilePack(t.Context(), p)
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "%v", err)
		require.Contains(t, err.Error(), "1 of its tests failed")
		require.Positive(t, passed)
		problems := civicspace.ErrorProblems(err)
		require.Len(t, problems, 1)
		require.Contains(t, problems[0].Detail, "test_loop failed")
		require.Contains(t, problems[0].Detail, "timed out")
	})

	t.Run("looping settings", func(t *testing.T) {
		// data.civicspace.policy is evaluated once when the pack is
		// compiled: a rule there that loops holds the upload only until
		// the setup deadline.
		p := &civicspace.PolicyPack{Name: "loop", Version: "3", Files: map[string]string{"loop/policy.rego": "package civicspace.policy\n\n" +
			"huge := count({x | some x in numbers.range(1, 1000000000)})\n"}}
		start := time.Now()
		_, _, err := compiler.CompilePack(t.Context(), p)
		elapsed := time.Since(start)
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "%v", err)
		require.Contains(t, err.Error(), "its policy settings or explanations did not finish evaluating")
		require.Less(t, elapsed, compiler.Budget+2*time.Second)
	})

	t.Run("the caller's cancellation is a timeout", func(t *testing.T) {
		p := &civicspace.PolicyPack{Name: "loop", Version: "4", Files: map[string]string{"loop/loop_test.rego": tests.String()}}
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		_, _, err := compiler.CompilePack(ctx, p)
		require.Equal(t, civicspace.ETIMEOUT, civicspace.ErrorCode(err), "%v", err)
	})
}

// TestPackWithoutRequiredRules: a pack whose modules replace a built-in
// one without the rule the scorer evaluates is refused when it is
// compiled, naming the missing rules, rather than accepted and failing
// every rescore.
func TestPackWithoutRequiredRules(t *testing.T) {
	compiler := &opa.PackCompiler{Catalog: civicspace.DefaultCatalog()}
	for name, tt := range map[string]struct {
		files map[string]string
		want  []string
	}{
		"points without results": {
			files: map[string]string{"civicspace/points.rego": "package civicspace.points\n\nanswer(_, _) := {}\n"},
			want:  []string{"data.civicspace.points.results"},
		},
		"judgements without result or explanations": {
			files: map[string]string{"civicspace/judgements.rego": "package civicspace.judgements\n\nmine := 1\n"},
			want:  []string{"data.civicspace.judgements.result", "data.civicspace.judgements.explanations"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := &civicspace.PolicyPack{Name: "partial", Version: "1", Files: tt.files}
			_, _, err := compiler.CompilePack(t.Context(), p)
			require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "%v", err)
			var pointers []string
			for _, pr := range civicspace.ErrorProblems(err) {
				pointers = append(pointers, pr.Pointer)
			}
			require.ElementsMatch(t, tt.want, pointers)
			for _, w := range tt.want {
				require.Contains(t, err.Error(), w)
			}
			require.Empty(t, p.Digest)
		})
	}
}
