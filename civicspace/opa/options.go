package opa

import (
	"io/fs"
	"maps"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// DefaultTimeout is the deadline for scoring one assessment when
// WithTimeout is not given.
const DefaultTimeout = 2 * time.Second

// DefaultCacheSize is the number of (indicator, answer) results the scorer
// keeps when WithCacheSize is not given.
const DefaultCacheSize = 1 << 16

// Option configures a Scorer.
type Option func(*config)

type config struct {
	modules   map[string]string
	fsys      fs.FS
	data      map[string]any
	timeout   time.Duration
	name      string
	cacheSize int
	countries *civicspace.Countries
	// setup bounds NewScorer's one-off evaluations (the policy settings,
	// the explanations); 0 means max(timeout, 10s). Uploaded packs set it
	// lower (pack.go).
	setup time.Duration
}

func newConfig(opts []Option) *config {
	cfg := &config{timeout: DefaultTimeout, cacheSize: DefaultCacheSize}
	for _, opt := range opts {
		opt(cfg)
	}
	if cfg.countries == nil {
		cfg.countries = civicspace.DefaultCountries()
	}
	return cfg
}

// WithModules adds policy files by name: Rego modules ("*.rego"; tests
// "*_test.rego") and data documents ("data.json", "data.yaml") laid out as
// in an OPA bundle, a data document's directory being its path in data
// ("civicspace/policy/data.json" sets data.civicspace.policy). A module
// with the name of a built-in one ("civicspace/points.rego",
// "civicspace/judgements.rego") replaces it; data is merged over the
// defaults. Repeated calls add up.
func WithModules(files map[string]string) Option {
	return func(c *config) {
		if c.modules == nil {
			c.modules = map[string]string{}
		}
		maps.Copy(c.modules, files)
	}
}

// WithPolicyFS adds the policy files found in fsys (a policy pack
// directory, for instance os.DirFS(dir)), as WithModules does. Files that
// are neither Rego modules nor data documents are ignored, as are hidden
// files and directories.
func WithPolicyFS(fsys fs.FS) Option {
	return func(c *config) { c.fsys = fsys }
}

// WithData merges a data document over the policy data, rooted at data
// (so {"civicspace": {"policy": {"min_coverage": 0.6}}} changes one
// threshold). It is applied after the policy files.
func WithData(data map[string]any) Option {
	return func(c *config) { c.data = data }
}

// WithTimeout sets the deadline for scoring one assessment, every policy
// evaluation included. An evaluation still running at the deadline is
// cancelled and Score returns an error with code ETIMEOUT.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// WithName names the policy in results' provenance. Without it the name is
// data.civicspace.policy.name, or "custom" for a policy that changed the
// defaults without naming itself.
func WithName(name string) Option {
	return func(c *config) { c.name = name }
}

// WithCacheSize bounds the number of (indicator, answer) results the
// scorer caches; 0 turns the cache off. An indicator's points depend on its
// answer alone, so bulk scoring reuses them across assessments.
func WithCacheSize(n int) Option {
	return func(c *config) { c.cacheSize = max(n, 0) }
}

// WithCountries sets the country table Score validates subjects against
// (the built-in one by default).
func WithCountries(countries *civicspace.Countries) Option {
	return func(c *config) { c.countries = countries }
}
