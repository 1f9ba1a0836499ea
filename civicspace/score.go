package civicspace

import (
	"context"
	"math"
)

// Scorer turns a valid assessment into an explained result. The OPA
// implementation lives in civicspace/opa. A Scorer is safe for concurrent
// use.
type Scorer interface {
	// Score scores a, which must have passed Validate. The same assessment
	// and policy give the same result, byte for byte once encoded.
	Score(ctx context.Context, a *Assessment) (*Result, error)
	// PolicyDigest identifies the policy (modules and data) in force.
	PolicyDigest() string
}

// The recommendation statuses.
const (
	StatusMet           = "met"
	StatusPartiallyMet  = "partially_met"
	StatusNotMet        = "not_met"
	StatusNotAssessed   = "not_assessed"
	StatusNotApplicable = "not_applicable"
)

// The rating bands, best first.
const (
	BandOpen       = "open"
	BandNarrowed   = "narrowed"
	BandObstructed = "obstructed"
	BandRepressed  = "repressed"
	BandClosed     = "closed"
)

// BandInsufficientData is the band of a rating whose coverage is below the
// policy's minimum: it has no score and no band, only its coverage.
const BandInsufficientData = "insufficient_data"

// StatusInsufficientData is the status of a framework whose coverage is
// below the policy's minimum: it has no score.
const StatusInsufficientData = "insufficient_data"

// Bands lists the rating bands from best to worst.
var Bands = []string{BandOpen, BandNarrowed, BandObstructed, BandRepressed, BandClosed}

// Result is an explained score of one assessment. Its JSON form is a public
// contract.
type Result struct {
	Subject         Subject               `json:"subject"`
	Period          string                `json:"period"`
	Kind            Kind                  `json:"kind"`
	Roles           []Role                `json:"roles"`
	Rating          Rating                `json:"rating"`
	Frameworks      []FrameworkScore      `json:"frameworks"`
	Recommendations []RecommendationScore `json:"recommendations"`
	Indicators      []IndicatorScore      `json:"indicators"`
	Findings        []Finding             `json:"findings"`
	Provenance      Provenance            `json:"provenance"`
}

// Rating is the overall civic space rating: a 0-100 score over every
// applicable answered indicator (each counted once), capped by red flags,
// and its band.
type Rating struct {
	Band string `json:"band"`
	// Score is nil when no applicable indicator was answered, or when the
	// coverage is below the policy's minimum (band insufficient_data).
	Score *float64 `json:"score"`
	// Uncapped is the score before red-flag caps.
	Uncapped *float64 `json:"uncapped"`
	Coverage float64  `json:"coverage"`
	// MinCoverage is the policy's minimum coverage for a band.
	MinCoverage float64 `json:"min_coverage"`
	Caps        []Cap   `json:"caps"`
	Rule        string  `json:"rule"`
	Explanation string  `json:"explanation"`
}

// Cap is a red flag that was raised and the ceiling it put on the score.
type Cap struct {
	RedFlag   string  `json:"red_flag"`
	Indicator string  `json:"indicator"`
	Title     string  `json:"title"`
	Cap       float64 `json:"cap"`
	// Applied is true when the cap lowered the score.
	Applied     bool   `json:"applied"`
	Explanation string `json:"explanation"`
}

// FrameworkScore is a framework's score and coverage, with its groups'.
type FrameworkScore struct {
	ID       string       `json:"id"`
	Score    *float64     `json:"score"`
	Coverage float64      `json:"coverage"`
	Status   string       `json:"status"`
	Counts   StatusCounts `json:"counts"`
	Groups   []GroupScore `json:"groups"`
	// Scope says how much of the framework the catalog holds and how much
	// of it this assessment measured.
	Scope FrameworkScope `json:"scope"`
	// Confidence is the framework's confidence in the catalog (confirmed,
	// unconfirmed, inferred).
	Confidence Confidence `json:"confidence"`
}

// FrameworkScope is how much of a framework a score stands for.
type FrameworkScope struct {
	// Provisions is how many recommendations the source document holds.
	Provisions int `json:"provisions"`
	// Catalogued is how many of them the catalog holds.
	Catalogued int `json:"catalogued"`
	// Measured is how many of them this assessment measured (met,
	// partially met or not met).
	Measured  int    `json:"measured"`
	Statement string `json:"statement"`
}

// GroupScore is a group's (pillar, focus, role, workstream) score and
// coverage.
type GroupScore struct {
	ID       string       `json:"id"`
	Kind     string       `json:"kind"`
	Score    *float64     `json:"score"`
	Coverage float64      `json:"coverage"`
	Status   string       `json:"status"`
	Counts   StatusCounts `json:"counts"`
	Groups   []GroupScore `json:"groups,omitempty"`
}

// StatusCounts counts recommendations by status.
type StatusCounts struct {
	Met           int `json:"met"`
	PartiallyMet  int `json:"partially_met"`
	NotMet        int `json:"not_met"`
	NotAssessed   int `json:"not_assessed"`
	NotApplicable int `json:"not_applicable"`
}

// Add counts one recommendation of the given status.
func (c *StatusCounts) Add(status string) {
	switch status {
	case StatusMet:
		c.Met++
	case StatusPartiallyMet:
		c.PartiallyMet++
	case StatusNotMet:
		c.NotMet++
	case StatusNotAssessed:
		c.NotAssessed++
	case StatusNotApplicable:
		c.NotApplicable++
	}
}

// RecommendationScore is a recommendation's score and status.
type RecommendationScore struct {
	ID        string   `json:"id"`
	Framework string   `json:"framework"`
	Status    string   `json:"status"`
	Score     *float64 `json:"score"`
	Coverage  float64  `json:"coverage"`
	// Indicators are the applicable indicators that measure it.
	Indicators  []string `json:"indicators"`
	Rule        string   `json:"rule"`
	Explanation string   `json:"explanation"`
	// Confidence is how well the recommendation's wording or numbering is
	// established (confirmed, unconfirmed, inferred).
	Confidence Confidence `json:"confidence"`
	// RedFlags are the red flags raised by its indicators: while one is
	// raised the recommendation is not met.
	RedFlags []string `json:"red_flags,omitempty"`
}

// IndicatorScore is the points one answer earned and why.
type IndicatorScore struct {
	ID string `json:"id"`
	// Answer is "answered", "not_applicable", "unknown" or "missing".
	Answer string `json:"answer"`
	Value  *Value `json:"value,omitempty"`
	// Points is 0-100, nil when the indicator earned none (not answered,
	// unknown, not applicable).
	Points      *float64 `json:"points"`
	Weight      float64  `json:"weight"`
	Applicable  bool     `json:"applicable"`
	Rule        string   `json:"rule"`
	Explanation string   `json:"explanation"`
	RedFlag     string   `json:"red_flag,omitempty"`
}

// Finding is a gap: an applicable indicator that lost points or is not
// known, what it cost the overall score, and the recommendations it touches.
type Finding struct {
	Indicator string `json:"indicator"`
	// Cost is the overall score points lost to this indicator: its weight
	// share times the points it missed.
	Cost            float64  `json:"cost"`
	Points          *float64 `json:"points"`
	Answer          string   `json:"answer"`
	Recommendations []string `json:"recommendations"`
	Message         string   `json:"message"`
	// RedFlag is the red flag the answer raised, or for an unknown answer
	// the red flag the question asks about; findings with one come first.
	RedFlag string `json:"red_flag,omitempty"`
}

// Provenance says what produced a result, so that it can be reproduced.
type Provenance struct {
	CatalogVersion string `json:"catalog_version"`
	CatalogDigest  string `json:"catalog_digest"`
	PolicyDigest   string `json:"policy_digest"`
	PolicyName     string `json:"policy_name"`
	EngineVersion  string `json:"engine_version"`
}

// Round1 rounds to one decimal place, half away from zero: scores are
// reported with one decimal so that encoded results are stable.
func Round1(x float64) float64 {
	return math.Round(x*10) / 10
}

// Float returns a pointer to x, for the optional numbers of a Result.
func Float(x float64) *float64 { return &x }
