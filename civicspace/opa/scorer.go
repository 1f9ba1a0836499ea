package opa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/version"
)

// The queries the scorer prepares once and evaluates per assessment.
const (
	pointsQuery       = "data.civicspace.points.results"
	judgementsQuery   = "data.civicspace.judgements.result"
	explanationsQuery = "data.civicspace.judgements.explanations"
	policyQuery       = "data.civicspace.policy"
)

// Rule names of the answers the scorer classifies itself: they carry no
// value for a policy rule to judge.
const (
	RuleMissing       = "civicspace.answer.missing"
	RuleUnknown       = "civicspace.answer.unknown"
	RuleNotApplicable = "civicspace.answer.not_applicable"
	RuleRoles         = "civicspace.applicability.roles"
	RuleStatus        = "civicspace.judgements.status"
	RuleBand          = "civicspace.judgements.band"
	RuleRedFlag       = "civicspace.judgements.red_flag"
)

// Answer states in results.
const (
	answerAnswered      = "answered"
	answerNotApplicable = "not_applicable"
	answerUnknown       = "unknown"
	answerMissing       = "missing"
)

// BandNotRated is the band of a rating without a score: no applicable
// indicator is answered.
const BandNotRated = "not_rated"

// Scorer scores assessments against a catalog with an OPA policy. Create
// one with NewScorer and share it: it is safe for concurrent use, and its
// queries are prepared once.
type Scorer struct {
	cat       *civicspace.Catalog
	countries *civicspace.Countries
	m         *model
	points    rego.PreparedEvalQuery
	judge     rego.PreparedEvalQuery
	timeout   time.Duration
	name      string
	digest    string
	engine    string
	answers   *cache[*answerResult]
	statuses  *cache[string]
	// minCoverage is the policy's min_rating_coverage: below it the
	// rating and a framework have no band or score.
	minCoverage float64

	statusText map[string]string
	bandText   map[string]string
}

var _ civicspace.Scorer = (*Scorer)(nil)

// NewScorer compiles the policy (the built-in one, overridden or extended
// by the options) against cat and prepares its queries. Every module is
// compiled with Capabilities(); a module that does not parse or compile is
// an *civicspace.Error with code EINVALID whose problems name the file and
// line.
func NewScorer(cat *civicspace.Catalog, opts ...Option) (*Scorer, error) {
	if cat == nil {
		return nil, civicspace.Errorf(civicspace.EINVALID, "a catalog is required")
	}
	cfg := newConfig(opts)
	if cfg.timeout <= 0 {
		return nil, civicspace.Errorf(civicspace.EINVALID, "the scoring timeout must be positive, not %s", cfg.timeout)
	}
	p, err := loadPolicy(cfg)
	if err != nil {
		return nil, err
	}
	mods, err := p.parse(false)
	if err != nil {
		return nil, err
	}
	caps := Capabilities()
	compiler, err := compile(mods, caps)
	if err != nil {
		return nil, err
	}
	if err := checkRequiredRules(compiler); err != nil {
		return nil, err
	}
	store, err := newStore(p, cat)
	if err != nil {
		return nil, err
	}
	digest, err := p.digest()
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "policy data cannot be encoded")
	}
	setup := cfg.setup
	if setup <= 0 {
		setup = max(cfg.timeout, 10*time.Second)
	}
	ctx, cancel := context.WithTimeout(context.Background(), setup)
	defer cancel()
	prepare := func(query string) (rego.PreparedEvalQuery, error) {
		pq, err := rego.New(
			rego.Query(query),
			rego.Compiler(compiler),
			rego.Store(store),
			rego.Capabilities(caps),
			rego.StrictBuiltinErrors(true),
		).PrepareForEval(ctx)
		if err != nil {
			var astErrs ast.Errors
			if errors.As(err, &astErrs) {
				return pq, compileError("does not compile", astErrs)
			}
			return pq, civicspace.WrapError(civicspace.EINVALID, err, "policy query %s cannot be prepared", query)
		}
		return pq, nil
	}
	s := &Scorer{
		cat:       cat,
		countries: cfg.countries,
		timeout:   cfg.timeout,
		digest:    digest,
		engine:    "opa " + version.Version,
		answers:   newCache[*answerResult](cfg.cacheSize),
		statuses:  newCache[string](cfg.cacheSize),
	}
	if s.points, err = prepare(pointsQuery); err != nil {
		return nil, err
	}
	if s.judge, err = prepare(judgementsQuery); err != nil {
		return nil, err
	}
	settings, err := evalOnce(ctx, prepare, policyQuery)
	if err != nil {
		return nil, err
	}
	weights, name, err := readSettings(cat, settings)
	if err != nil {
		return nil, err
	}
	if s.minCoverage, err = readMinCoverage(settings); err != nil {
		return nil, err
	}
	switch {
	case cfg.name != "":
		s.name = cfg.name
	case p.custom && !has(p.userData, "civicspace", "policy", "name"):
		s.name = "custom"
	default:
		s.name = name
	}
	expl, err := evalOnce(ctx, prepare, explanationsQuery)
	if err != nil {
		return nil, err
	}
	if s.statusText, s.bandText, err = readExplanations(expl); err != nil {
		return nil, err
	}
	s.m = newModel(cat, weights)
	return s, nil
}

// requiredRules are the rules the scorer evaluates: a policy (or an
// uploaded pack replacing a built-in module) without one of them could
// never score, so it is refused when it is compiled, not when it is used.
var requiredRules = []string{pointsQuery, judgementsQuery, explanationsQuery}

// checkRequiredRules reports every required rule the compiled policy does
// not define, as one EINVALID error naming them.
func checkRequiredRules(c *ast.Compiler) error {
	var problems []civicspace.Problem
	for _, q := range requiredRules {
		if len(c.GetRulesExact(ast.MustParseRef(q))) == 0 {
			problems = append(problems, civicspace.Problem{Pointer: q, Detail: fmt.Sprintf("the policy defines no rule %s, which the scorer evaluates", q)})
		}
	}
	if len(problems) == 0 {
		return nil
	}
	names := make([]string, len(problems))
	for i, p := range problems {
		names[i] = p.Pointer
	}
	return &civicspace.Error{Code: civicspace.EINVALID, Problems: problems,
		Message: "the policy lacks rules the scorer needs: " + strings.Join(names, ", ")}
}

// newStore puts the policy data and the catalog in an in-memory store.
func newStore(p *policy, cat *civicspace.Catalog) (storage.Store, error) {
	data := maps.Clone(p.data)
	cs, _ := data["civicspace"].(map[string]any)
	cs = maps.Clone(cs)
	if cs == nil {
		cs = map[string]any{}
	}
	catData, err := normalise(catalogData(cat))
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINTERNAL, err, "the catalog cannot be passed to the policy")
	}
	cs["catalog"] = catData
	data["civicspace"] = cs
	return inmem.NewFromObjectWithOpts(data, inmem.OptRoundTripOnWrite(false)), nil
}

func evalOnce(ctx context.Context, prepare func(string) (rego.PreparedEvalQuery, error), query string) (any, error) {
	pq, err := prepare(query)
	if err != nil {
		return nil, err
	}
	rs, err := pq.Eval(ctx)
	if err != nil {
		return nil, evalError(ctx, query, err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, civicspace.Errorf(civicspace.EINVALID, "policy defines no %s", query)
	}
	return rs[0].Expressions[0].Value, nil
}

// readSettings reads the weights and the name from data.civicspace.policy.
func readSettings(cat *civicspace.Catalog, v any) (map[string]float64, string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, "", civicspace.Errorf(civicspace.EINVALID, "data.civicspace.policy must be an object")
	}
	name, _ := m["name"].(string)
	if name == "" {
		name = "unnamed"
	}
	weights := map[string]float64{}
	if raw, ok := m["weights"]; ok && raw != nil {
		wm, ok := raw.(map[string]any)
		if !ok {
			return nil, "", civicspace.Errorf(civicspace.EINVALID, "data.civicspace.policy.weights must be an object of indicator id to weight")
		}
		var problems []civicspace.Problem
		for id, w := range wm {
			ptr := "data.civicspace.policy.weights." + id
			f, ok := number(w)
			switch {
			case !ok:
				problems = append(problems, civicspace.Problem{Pointer: ptr, Detail: "a weight must be a number"})
			case !(f > 0) || f > 1e6:
				problems = append(problems, civicspace.Problem{Pointer: ptr, Detail: "a weight must be above 0 and at most 1000000"})
			default:
				if _, known := cat.Indicator(id); !known {
					problems = append(problems, civicspace.Problem{Pointer: ptr, Detail: fmt.Sprintf("unknown indicator %q", id)})
				}
				weights[id] = f
			}
		}
		if len(problems) > 0 {
			sortProblems(problems)
			return nil, "", &civicspace.Error{Code: civicspace.EINVALID, Message: "policy weights are invalid: " + problems[0].String(), Problems: problems}
		}
	}
	if problems := checkPolicyRedFlags(cat, m["red_flags"]); len(problems) > 0 {
		return nil, "", &civicspace.Error{Code: civicspace.EINVALID, Message: "policy red flags are invalid: " + problems[0].String(), Problems: problems}
	}
	return weights, name, nil
}

// checkPolicyRedFlags checks the red flags declared in policy data: each
// needs an id, a known indicator, a cap within 0-100 and exactly one
// condition (equals, at_least or options).
func checkPolicyRedFlags(cat *civicspace.Catalog, raw any) []civicspace.Problem {
	if raw == nil {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		return []civicspace.Problem{{Pointer: "data.civicspace.policy.red_flags", Detail: "red_flags must be an array"}}
	}
	var problems []civicspace.Problem
	for i, x := range list {
		ptr := fmt.Sprintf("data.civicspace.policy.red_flags[%d]", i)
		add := func(format string, args ...any) {
			problems = append(problems, civicspace.Problem{Pointer: ptr, Detail: fmt.Sprintf(format, args...)})
		}
		rf, ok := x.(map[string]any)
		if !ok {
			add("a red flag must be an object")
			continue
		}
		if id, _ := rf["id"].(string); id == "" {
			add("a red flag needs an id")
		}
		ind, _ := rf["indicator"].(string)
		if _, known := cat.Indicator(ind); !known {
			add("unknown indicator %q", ind)
		}
		if c, ok := number(rf["cap"]); !ok || c < 0 || c > 100 {
			add("cap must be a number within 0-100")
		}
		when, _ := rf["when"].(map[string]any)
		n := 0
		for _, k := range []string{"equals", "at_least", "options"} {
			if _, set := when[k]; set {
				n++
			}
		}
		if n != 1 {
			add("when needs exactly one of equals, at_least, options")
		}
	}
	return problems
}

func readExplanations(v any) (status, band map[string]string, err error) {
	m, _ := v.(map[string]any)
	read := func(key string, want []string) (map[string]string, error) {
		sub, _ := m[key].(map[string]any)
		out := map[string]string{}
		for _, k := range want {
			s, ok := sub[k].(string)
			if !ok {
				return nil, civicspace.Errorf(civicspace.EINVALID, "data.civicspace.judgements.explanations.%s.%s must be a string", key, k)
			}
			out[k] = s
		}
		return out, nil
	}
	if status, err = read("status", []string{civicspace.StatusMet, civicspace.StatusPartiallyMet, civicspace.StatusNotMet, civicspace.StatusNotAssessed}); err != nil {
		return nil, nil, err
	}
	if band, err = read("band", append(append([]string{}, civicspace.Bands...), BandNotRated)); err != nil {
		return nil, nil, err
	}
	// A pack written for policy 2026.11 has no text for the coverage gate.
	sub, _ := m["band"].(map[string]any)
	if t, ok := sub[civicspace.BandInsufficientData].(string); ok {
		band[civicspace.BandInsufficientData] = t
	} else {
		band[civicspace.BandInsufficientData] = "insufficient data: too few of the applicable indicators are answered for a band"
	}
	return status, band, nil
}

// readMinCoverage reads data.civicspace.policy.min_rating_coverage (0-1,
// 0 when absent: no gate).
func readMinCoverage(v any) (float64, error) {
	m, _ := v.(map[string]any)
	raw, ok := m["min_rating_coverage"]
	if !ok || raw == nil {
		return 0, nil
	}
	f, ok := number(raw)
	if !ok || f < 0 || f > 1 {
		return 0, civicspace.Errorf(civicspace.EINVALID, "data.civicspace.policy.min_rating_coverage must be a number within 0-1, not %v", raw)
	}
	return f, nil
}

// Name is the policy's name, as recorded in results' provenance.
func (s *Scorer) Name() string { return s.name }

// PolicyDigest identifies the policy: "sha256:" and the SHA-256 of its
// module texts (by name) and its canonical data.
func (s *Scorer) PolicyDigest() string { return s.digest }

// Catalog is the catalog the scorer scores against.
func (s *Scorer) Catalog() *civicspace.Catalog { return s.cat }

// evalError turns an evaluation failure into a *civicspace.Error: ETIMEOUT
// when the deadline passed or the caller cancelled, otherwise EINTERNAL
// naming the module and line that failed (a policy defect, not bad input).
func evalError(ctx context.Context, what string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil || topdown.IsCancel(err) {
		if ctxErr == nil {
			ctxErr = context.Canceled
		}
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return civicspace.WrapError(civicspace.ETIMEOUT, ctxErr, "policy evaluation exceeded its deadline")
		}
		return civicspace.WrapError(civicspace.ETIMEOUT, ctxErr, "policy evaluation was cancelled")
	}
	var te *topdown.Error
	if errors.As(err, &te) {
		return civicspace.WrapError(civicspace.EINTERNAL, err, "policy evaluation failed at %s: %s", locString(te.Location), te.Message)
	}
	return civicspace.WrapError(civicspace.EINTERNAL, err, "policy evaluation of %s failed", what)
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case float64:
		return n, !math.IsInf(n, 0) && !math.IsNaN(n)
	case int:
		return float64(n), true
	}
	return 0, false
}

// valueTerm converts an answer's value to a Rego term.
func valueTerm(v civicspace.Value) *ast.Term {
	if b, ok := v.Bool(); ok {
		return ast.BooleanTerm(b)
	}
	if n, ok := v.Number(); ok {
		return ast.NumberTerm(json.Number(civicspace.FormatNumber(n)))
	}
	if o, ok := v.Option(); ok {
		return ast.StringTerm(o)
	}
	return ast.NullTerm()
}

func floatTerm(x float64) *ast.Term {
	return ast.NumberTerm(json.Number(strconv.FormatFloat(x, 'f', -1, 64)))
}

func optFloatTerm(x *float64) *ast.Term {
	if x == nil {
		return ast.NullTerm()
	}
	return floatTerm(*x)
}
