package civicspace

import (
	"context"
	"time"
)

// CommitmentRecord is the current state of a stored commitment: its latest
// revision.
type CommitmentRecord struct {
	ID      string           `json:"id"`
	Version int              `json:"version"`
	Status  AssessmentStatus `json:"status"`
	// PublishedVersion is the revision readers see: the latest published
	// one (0 if never published or withdrawn). While a correction is
	// drafted it stays the previous publication, and progress reports keep
	// referring to it.
	PublishedVersion int        `json:"published_version"`
	Commitment       Commitment `json:"commitment"`
	CreatedAt        time.Time  `json:"created_at"`
	CreatedBy        string     `json:"created_by"`
	UpdatedAt        time.Time  `json:"updated_at"`
	UpdatedBy        string     `json:"updated_by"`
}

// CommitmentRevision is one immutable state of a commitment. Version 1 is
// its creation; every change adds the next version.
type CommitmentRevision struct {
	CommitmentID string           `json:"commitment_id"`
	Version      int              `json:"version"`
	Status       AssessmentStatus `json:"status"`
	Action       Action           `json:"action"`
	Actor        string           `json:"actor"`
	At           time.Time        `json:"at"`
	Note         string           `json:"note,omitempty"`
	// Changes are the JSON Pointers of what this revision changed.
	Changes    []string   `json:"changes"`
	Commitment Commitment `json:"commitment"`
}

// CommitmentFilter selects commitments. Empty fields match everything.
type CommitmentFilter struct {
	// Country keeps the commitments whose subject includes this country
	// (alpha-3), joint ones included.
	Country string
	// Workstream keeps those whose occasion names this workstream.
	Workstream string
	// FollowUp keeps those tracked by this process (an ID or "other:...").
	FollowUp string
	// Status and PublishedOnly apply to ListCommitments only.
	Status        AssessmentStatus
	PublishedOnly bool
	// PageSize is clamped to 1-MaxPageSize; 0 means DefaultPageSize.
	// ListCommitments only.
	PageSize  int
	PageToken string
}

// CommitmentPage is one page of commitments in creation order and the
// opaque token of the next page ("" on the last).
type CommitmentPage struct {
	Records       []*CommitmentRecord
	NextPageToken string
}

// CommitmentStore keeps commitments, their immutable revisions and their
// append-only progress reports. Every change of a commitment writes a new
// revision; a change states the version it read and fails with ECONFLICT
// if it is stale. Implementations: civicspace/sqlite, civicspace/postgres.
type CommitmentStore interface {
	// CreateCommitment stores a new draft (version 1).
	CreateCommitment(ctx context.Context, c *Commitment, actor string) (*CommitmentRecord, error)
	// Commitment returns the current state; ENOTFOUND if absent.
	Commitment(ctx context.Context, id string) (*CommitmentRecord, error)
	// UpdateCommitment replaces a draft's content. version is the version
	// the caller read: ECONFLICT if stale, ESTATE unless a draft.
	UpdateCommitment(ctx context.Context, id string, version int, c *Commitment, actor, note string) (*CommitmentRecord, error)
	// TransitionCommitment makes a lifecycle move (see
	// CommitmentTransitions).
	TransitionCommitment(ctx context.Context, id string, version int, action Action, actor, note string) (*CommitmentRecord, error)
	// CommitmentRevisions lists every revision, oldest first.
	CommitmentRevisions(ctx context.Context, id string) ([]*CommitmentRevision, error)
	// CommitmentRevision returns one revision.
	CommitmentRevision(ctx context.Context, id string, version int) (*CommitmentRevision, error)
	// ListCommitments returns one page of current records; the filter
	// applies to their current content.
	ListCommitments(ctx context.Context, f CommitmentFilter) (*CommitmentPage, error)
	// PublishedCommitments returns the published revision of every
	// commitment that has one, in creation order; the filter applies to
	// that revision's content (Status, PublishedOnly and paging are
	// ignored).
	PublishedCommitments(ctx context.Context, f CommitmentFilter) ([]*CommitmentRevision, error)
	// AddProgressReport appends a report to a commitment with a published
	// revision (ESTATE otherwise), setting its CommitmentID, Seq (the next
	// of the commitment), CommitmentVersion (the published version),
	// CreatedAt and CreatedBy, and returns the stored report.
	AddProgressReport(ctx context.Context, id string, r *ProgressReport, actor string) (*ProgressReport, error)
	// ProgressReports returns the reports of the given commitments, by
	// commitment (in the order given) and then by Seq; none for an unknown
	// commitment.
	ProgressReports(ctx context.Context, ids ...string) ([]*ProgressReport, error)
}
