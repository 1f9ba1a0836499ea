package sqlrecord

import (
	"context"
	"io"
	"log/slog"

	"github.com/civicspace/civicspace/civicspace"
)

// Stores is everything the store packages share, over one database and
// its dialect: a store package embeds it and adds opening, its own
// publication queries and Ping and Close.
type Stores struct {
	*Assessments
	*Commitments
	*Scores
	*Access
	// The official figures (reference_observations).
	*References
	db *atomicDB
	d  Dialect
}

var _ civicspace.Transactor = Stores{}

// NewStores returns the shared stores of db.
func NewStores(db DB, d Dialect) Stores {
	a := &atomicDB{db}
	return Stores{NewAssessments(a, d), NewCommitments(a, d), NewScores(a, d), NewAccess(a, d), NewReferences(a, d), a, d}
}

// Atomically runs fn in one transaction: every read and write of these
// stores made with the context fn receives joins it, and it commits when
// fn returns nil and rolls back otherwise (a nested call joins the outer
// transaction). The Service writes a record, its score and its audit
// entry this way, so that a failure leaves none of them behind.
func (s Stores) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	return Error(s.d, "transaction", s.db.Atomically(ctx, fn))
}

// Logger returns l, or a logger that discards for nil: a store logs only
// what its caller asks for.
func Logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return l
}
