package opa

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego test (a rule named test_*).
type TestResult struct {
	// Package and Name identify the test, e.g. "data.civicspace.points_test"
	// and "test_scale_linear".
	Package string `json:"package"`
	Name    string `json:"name"`
	// Location is the test's file and line.
	Location string `json:"location"`
	Pass     bool   `json:"pass"`
	Skip     bool   `json:"skip,omitempty"`
	// Message says why a failing test failed: an evaluation error, or the
	// expression that was false.
	Message  string        `json:"message,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// RunPolicyTests runs the Rego tests (*_test.rego) of the policy the
// options describe, against cat's data, with the same restricted
// capabilities and data as NewScorer. The tests of the built-in modules run
// too, except for a built-in module the options replace (its tests were
// written for it). Results are sorted by location. A policy that does not
// compile is an error with code EINVALID naming file and line; failing
// tests are not an error.
func RunPolicyTests(ctx context.Context, cat *civicspace.Catalog, opts ...Option) ([]TestResult, error) {
	cfg := newConfig(opts)
	p, err := loadPolicy(cfg)
	if err != nil {
		return nil, err
	}
	mods, err := p.parse(true)
	if err != nil {
		return nil, err
	}
	if cat == nil {
		return nil, civicspace.Errorf(civicspace.EINVALID, "a catalog is required")
	}
	store, err := newStore(p, cat)
	if err != nil {
		return nil, err
	}
	timeout := cfg.timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	compiler := ast.NewCompiler().WithCapabilities(Capabilities())
	runner := tester.NewRunner().
		SetCompiler(compiler).
		SetStore(store).
		SetModules(mods).
		SetTimeout(timeout).
		RaiseBuiltinErrors(true).
		SetDefaultRegoVersion(ast.RegoV1)
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		if errs, ok := err.(ast.Errors); ok {
			return nil, compileError("does not compile", errs)
		}
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "policy tests cannot run")
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{
			Package:  r.Package,
			Name:     r.Name,
			Location: locString(r.Location),
			Pass:     r.Pass(),
			Skip:     r.Skip,
			Duration: r.Duration,
		}
		switch {
		case r.Error != nil:
			tr.Message = r.Error.Error()
		case r.Fail && r.FailedAt != nil:
			tr.Message = fmt.Sprintf("%s: false: %s", locString(r.FailedAt.Location), r.FailedAt)
		case r.Fail:
			tr.Message = tr.Location + ": the test is false or undefined"
		}
		out = append(out, tr)
	}
	if err := ctx.Err(); err != nil {
		return out, civicspace.WrapError(civicspace.ETIMEOUT, err, "policy tests were cancelled")
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Location != out[j].Location {
			return lessLocation(out[i].Location, out[j].Location)
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// lessLocation orders "file:line" by file, then numerically by line.
func lessLocation(a, b string) bool {
	fa, la := splitLocation(a)
	fb, lb := splitLocation(b)
	if fa != fb {
		return fa < fb
	}
	return la < lb
}

func splitLocation(s string) (string, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			n := 0
			for _, c := range s[i+1:] {
				if c < '0' || c > '9' {
					return s, 0
				}
				n = n*10 + int(c-'0')
			}
			return s[:i], n
		}
	}
	return s, 0
}
