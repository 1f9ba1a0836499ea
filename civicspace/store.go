package civicspace

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// AssessmentStatus is where an assessment is in its lifecycle.
type AssessmentStatus string

// The lifecycle statuses.
const (
	Draft     AssessmentStatus = "draft"
	Submitted AssessmentStatus = "submitted"
	Published AssessmentStatus = "published"
	Withdrawn AssessmentStatus = "withdrawn"
)

// AssessmentStatuses lists every lifecycle status.
var AssessmentStatuses = []AssessmentStatus{Draft, Submitted, Published, Withdrawn}

// Action is what a revision did.
type Action string

// The revision actions. Each lifecycle action moves between two statuses.
const (
	ActionCreate   Action = "create"
	ActionUpdate   Action = "update"
	ActionSubmit   Action = "submit"   // draft → submitted
	ActionReturn   Action = "return"   // submitted → draft (a reviewer sends it back)
	ActionPublish  Action = "publish"  // submitted → published
	ActionWithdraw Action = "withdraw" // published → withdrawn
	ActionCorrect  Action = "correct"  // published → draft, to correct it; the published revision stays public
	ActionReopen   Action = "reopen"   // withdrawn → draft
	ActionDelete   Action = "delete"   // a never-published draft is deleted (the history is kept)
)

// Transition is one allowed lifecycle move.
type Transition struct {
	Action   Action
	From, To AssessmentStatus
}

// Transitions is the lifecycle: the only status changes there are.
var Transitions = []Transition{
	{ActionSubmit, Draft, Submitted},
	{ActionReturn, Submitted, Draft},
	{ActionPublish, Submitted, Published},
	{ActionWithdraw, Published, Withdrawn},
	{ActionCorrect, Published, Draft},
	{ActionReopen, Withdrawn, Draft},
}

// TransitionFor returns the transition an action makes from a status, or an
// ESTATE error saying why it is not allowed.
func TransitionFor(from AssessmentStatus, action Action) (Transition, error) {
	var allowed []Action
	for _, t := range Transitions {
		if t.From == from {
			if t.Action == action {
				return t, nil
			}
			allowed = append(allowed, t.Action)
		}
	}
	if !slices.ContainsFunc(Transitions, func(t Transition) bool { return t.Action == action }) {
		return Transition{}, Errorf(EINVALID, "unknown lifecycle action %q", action)
	}
	return Transition{}, Errorf(ESTATE, "cannot %s an assessment that is %s (allowed: %v)", action, from, allowed)
}

// Record is the current state of a stored assessment: its latest revision.
type Record struct {
	ID      string           `json:"id"`
	Version int              `json:"version"`
	Status  AssessmentStatus `json:"status"`
	// PublishedVersion is the version readers see: the latest published
	// revision (0 if never published). While a correction is drafted it
	// stays the previous publication.
	PublishedVersion int        `json:"published_version,omitempty"`
	Assessment       Assessment `json:"assessment"`
	CreatedAt        time.Time  `json:"created_at"`
	CreatedBy        string     `json:"created_by"`
	UpdatedAt        time.Time  `json:"updated_at"`
	UpdatedBy        string     `json:"updated_by"`
}

// Revision is one immutable state of an assessment. Version 1 is its
// creation; every change adds the next version.
type Revision struct {
	AssessmentID string           `json:"assessment_id"`
	Version      int              `json:"version"`
	Status       AssessmentStatus `json:"status"`
	Action       Action           `json:"action"`
	Actor        string           `json:"actor"`
	At           time.Time        `json:"at"`
	Note         string           `json:"note,omitempty"`
	// Changes are the JSON Pointers of what this revision changed.
	Changes    []string   `json:"changes"`
	Assessment Assessment `json:"assessment"`
}

// StoredScore is a result computed for one revision under one policy,
// stored so that reading a score never re-runs the policy.
type StoredScore struct {
	AssessmentID  string          `json:"assessment_id"`
	Version       int             `json:"version"`
	PolicyDigest  string          `json:"policy_digest"`
	CatalogDigest string          `json:"catalog_digest"`
	ComputedAt    time.Time       `json:"computed_at"`
	Band          string          `json:"band"`
	Score         *float64        `json:"score"`
	Result        json.RawMessage `json:"result"`
	Observations  []Observation   `json:"-"`
}

// Observation is one number of a stored result, flattened for comparisons:
// the overall rating, a framework, a group, a recommendation or an
// indicator.
type Observation struct {
	AssessmentID string   `json:"assessment_id"`
	Version      int      `json:"version"`
	Country      string   `json:"country,omitempty"`
	Organisation string   `json:"organisation,omitempty"`
	Period       string   `json:"period"`
	Kind         Kind     `json:"kind"`
	Level        string   `json:"level"` // rating, framework, group, recommendation, indicator
	ItemID       string   `json:"item_id"`
	Score        *float64 `json:"score"`
	Coverage     *float64 `json:"coverage"`
	Status       string   `json:"status,omitempty"`
}

// The observation levels.
const (
	LevelRating         = "rating"
	LevelFramework      = "framework"
	LevelGroup          = "group"
	LevelRecommendation = "recommendation"
	LevelIndicator      = "indicator"
)

// AssessmentFilter selects assessments. Empty fields match everything.
type AssessmentFilter struct {
	Country      string
	Organisation string
	// Period is a period's key (Period.Key): stores index assessments
	// under it, so "2025" selects the range that covers 2025 too.
	Period string
	Kind   Kind
	Status AssessmentStatus
	// PublishedOnly keeps only assessments with a published version
	// (readers' default).
	PublishedOnly bool
	// Subjects, when not nil, keeps only these subject keys (Subject.Key).
	Subjects []string
	// Author, when not empty, keeps only assessments by this author (the
	// current revision's).
	Author string
	// Visible, when not nil, keeps only what a caller may list: what it
	// owns (see Ownership), in any status, and everything else once
	// published. listScope sets it.
	Visible *Ownership
	// PageSize is clamped to 1-MaxPageSize; 0 means DefaultPageSize.
	PageSize  int
	PageToken string
}

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// ClampPageSize returns n bounded to 1-MaxPageSize, DefaultPageSize for 0.
func ClampPageSize(n int) int {
	switch {
	case n <= 0:
		return DefaultPageSize
	case n > MaxPageSize:
		return MaxPageSize
	}
	return n
}

// AssessmentPage is one page of records in a stable order (creation order,
// then ID) and the opaque token of the next page ("" on the last).
type AssessmentPage struct {
	Records       []*Record
	NextPageToken string
}

// PublishedFilter selects the latest published revision of each
// (subject, period, kind).
type PublishedFilter struct {
	Countries []string
	// Period is a period's key (Period.Key), as stores index
	// publications: "2025" for both "2025" and "2025-01-01/2025-12-31".
	Period     string
	PeriodFrom int // first year, 0 = open
	PeriodTo   int // last year, 0 = open
	Kind       Kind
	// Items, when not empty, keeps only the observations of these item IDs
	// (Observations only): a ranking on one recommendation then reads one
	// row per assessment instead of every recommendation's.
	Items []string
}

// AssessmentStore keeps assessments, their immutable revisions and their
// scores. Every change writes a new revision; a change states the version it
// read and fails with ECONFLICT if it is stale. Implementations:
// civicspace/sqlite, civicspace/postgres.
type AssessmentStore interface {
	// CreateAssessment stores a new draft (version 1).
	CreateAssessment(ctx context.Context, a *Assessment, actor string) (*Record, error)
	// Assessment returns the current state; ENOTFOUND if absent or deleted.
	Assessment(ctx context.Context, id string) (*Record, error)
	// UpdateAssessment replaces a draft's content. version is the version
	// the caller read: ECONFLICT if stale, ESTATE unless a draft.
	UpdateAssessment(ctx context.Context, id string, version int, a *Assessment, actor, note string) (*Record, error)
	// TransitionAssessment makes a lifecycle move (see Transitions).
	TransitionAssessment(ctx context.Context, id string, version int, action Action, actor, note string) (*Record, error)
	// DeleteAssessment deletes a draft that was never published; its
	// revisions are kept with a final delete revision.
	DeleteAssessment(ctx context.Context, id string, version int, actor string) error
	// Revisions lists every revision, oldest first.
	Revisions(ctx context.Context, id string) ([]*Revision, error)
	// Revision returns one revision.
	Revision(ctx context.Context, id string, version int) (*Revision, error)
	// ListAssessments returns one page of current records.
	ListAssessments(ctx context.Context, f AssessmentFilter) (*AssessmentPage, error)
	// LatestPublished returns, for each (subject, period, kind) the filter
	// selects, the assessment's latest published revision, ordered by
	// subject, period, kind.
	LatestPublished(ctx context.Context, f PublishedFilter) ([]*Revision, error)

	// PutScore stores a score (and its observations) for a revision. Storing
	// the same (assessment, version, policy) again replaces it only if it is
	// byte-identical; the first stored result is never lost.
	PutScore(ctx context.Context, s *StoredScore) error
	// Score returns the score of a revision under a policy; with an empty
	// policyDigest, the most recently computed one.
	Score(ctx context.Context, id string, version int, policyDigest string) (*StoredScore, error)
	// ScoreVersions lists the (assessment, version) pairs that have no score
	// under policyDigest, for bulk rescoring: current versions and published
	// versions.
	Unscored(ctx context.Context, policyDigest string, limit int) ([]RevisionRef, error)
	// Observations returns the observations of the latest published
	// revisions selected by f, scored under policyDigest, at the given
	// levels (all if empty).
	Observations(ctx context.Context, f PublishedFilter, policyDigest string, levels ...string) ([]Observation, error)

	// Publications lists what LatestPublished would return, without the
	// documents.
	PublicationLister

	// Ping checks the store is reachable.
	Ping(ctx context.Context) error
	Close() error
}

// Transactor runs several writes of a store as one transaction.
type Transactor interface {
	// Atomically runs fn: the store's reads and writes made with the
	// context fn receives join one transaction, committed when fn returns
	// nil and rolled back otherwise (a nested call joins the outer one).
	Atomically(ctx context.Context, fn func(ctx context.Context) error) error
}

// RevisionRef names one revision.
type RevisionRef struct {
	AssessmentID string
	Version      int
}
