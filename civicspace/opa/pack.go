package opa

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// DefaultPackTimeout is the deadline for one evaluation of an uploaded
// pack: uploaded Rego is not ours, so it gets less time than the built-in
// policy and is cancelled when it loops or builds a huge set.
const DefaultPackTimeout = 500 * time.Millisecond

// DefaultPackBudget bounds the whole check of one pack: preparing it and
// running every one of its tests. Each test has the evaluation deadline,
// but a pack may carry hundreds of them; an upload must be answered in
// bounded time however many loop.
const DefaultPackBudget = 5 * time.Second

// packSetupTimeout bounds the evaluations NewScorer makes once (the
// policy settings, the explanations), which a pack can make loop too. The
// built-in policy needs a few milliseconds.
const packSetupTimeout = 2 * time.Second

// MaxPackBytes bounds the total size of a pack's files: OPA has no memory
// limit during evaluation, so what it is given must be bounded.
const MaxPackBytes = 4 << 20

// PackCompiler is the civicspace.PackCompiler of uploaded policy packs.
type PackCompiler struct {
	Catalog   *civicspace.Catalog
	Countries *civicspace.Countries
	// Timeout is the deadline of each evaluation, tests included;
	// DefaultPackTimeout when zero.
	Timeout time.Duration
	// Budget is the deadline of CompilePack as a whole, the pack's tests
	// included; DefaultPackBudget when zero.
	Budget time.Duration
}

var _ civicspace.PackCompiler = (*PackCompiler)(nil)

// CompilePack compiles p with Capabilities() (no network, host or
// non-deterministic builtins: calling one is a compile error naming it),
// runs its *_test.rego tests (one failing refuses the pack) and sets
// p.Digest. The scorer names the pack (name@version) in its results'
// provenance.
//
// A pack that does not finish its checks within Budget (its settings or
// its tests loop or build huge sets) is refused like a failing one, with
// EINVALID: waiting longer would not help. Only the caller's own
// cancellation is ETIMEOUT.
func (c *PackCompiler) CompilePack(ctx context.Context, p *civicspace.PolicyPack) (civicspace.Scorer, int, error) {
	size := 0
	for name, body := range p.Files {
		size += len(name) + len(body)
	}
	if size > MaxPackBytes {
		return nil, 0, civicspace.Errorf(civicspace.EINVALID, "policy pack %s is %d bytes; the limit is %d", p.Ref(), size, MaxPackBytes)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultPackTimeout
	}
	budget := c.Budget
	if budget <= 0 {
		budget = DefaultPackBudget
	}
	caller := ctx
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	opts := []Option{WithModules(p.Files), WithName(p.Ref()), WithTimeout(timeout)}
	if c.Countries != nil {
		opts = append(opts, WithCountries(c.Countries))
	}
	// Compile first: a forbidden builtin must be reported as such, before
	// any test could run.
	scorer, err := NewScorer(c.Catalog, append(opts, withSetup(min(max(timeout, packSetupTimeout), budget)))...)
	if err != nil {
		return nil, 0, overBudget(caller, p, err, "its policy settings or explanations did not finish evaluating")
	}
	hasTests := false
	for name := range p.Files {
		if strings.HasSuffix(name, "_test.rego") {
			hasTests = true
		}
	}
	passed := 0
	if hasTests {
		results, err := RunPolicyTests(ctx, c.Catalog, opts...)
		var failed []civicspace.Problem
		for _, r := range results {
			switch {
			case r.Pass:
				passed++
			case !r.Skip:
				failed = append(failed, civicspace.Problem{Pointer: r.Location, Detail: fmt.Sprintf("%s.%s failed: %s", r.Package, r.Name, r.Message)})
			}
		}
		if err != nil {
			err = overBudget(caller, p, err, fmt.Sprintf("its tests did not finish within %s (%d passed, %d failed before)", budget, passed, len(failed)))
			if e, ok := err.(*civicspace.Error); ok && e.Code == civicspace.EINVALID && len(e.Problems) == 0 {
				e.Problems = failed
			}
			return nil, passed, err
		}
		if len(failed) > 0 {
			return nil, passed, &civicspace.Error{Code: civicspace.EINVALID,
				Message:  fmt.Sprintf("policy pack %s: %d of its tests failed", p.Ref(), len(failed)),
				Problems: failed}
		}
	}
	p.Digest = scorer.PolicyDigest()
	return scorer, passed, nil
}

// withSetup bounds NewScorer's one-off evaluations.
func withSetup(d time.Duration) Option {
	return func(c *config) { c.setup = d }
}

// overBudget turns a timeout of p's own evaluations into EINVALID: the
// pack is at fault, not the server, and the same pack would time out
// again. A timeout because the caller gave up stays ETIMEOUT, and every
// other error is returned as is.
func overBudget(caller context.Context, p *civicspace.PolicyPack, err error, what string) error {
	if civicspace.ErrorCode(err) != civicspace.ETIMEOUT || caller.Err() != nil {
		return err
	}
	return &civicspace.Error{Code: civicspace.EINVALID, Err: err,
		Message: fmt.Sprintf("policy pack %s is refused: %s", p.Ref(), what)}
}
