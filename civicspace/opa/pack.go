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
}

var _ civicspace.PackCompiler = (*PackCompiler)(nil)

// CompilePack compiles p with Capabilities() (no network, host or
// non-deterministic builtins: calling one is a compile error naming it),
// runs its *_test.rego tests (one failing refuses the pack) and sets
// p.Digest. The scorer names the pack (name@version) in its results'
// provenance.
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
	opts := []Option{WithModules(p.Files), WithName(p.Ref()), WithTimeout(timeout)}
	if c.Countries != nil {
		opts = append(opts, WithCountries(c.Countries))
	}
	// Compile first: a forbidden builtin must be reported as such, before
	// any test could run.
	scorer, err := NewScorer(c.Catalog, opts...)
	if err != nil {
		return nil, 0, err
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
		if err != nil {
			return nil, 0, err
		}
		var failed []civicspace.Problem
		for _, r := range results {
			switch {
			case r.Pass:
				passed++
			case !r.Skip:
				failed = append(failed, civicspace.Problem{Pointer: r.Location, Detail: fmt.Sprintf("%s.%s failed: %s", r.Package, r.Name, r.Message)})
			}
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
