package sqlrecord

import (
	"io"
	"log/slog"
)

// Stores is everything the store packages share, over one database and
// its dialect: a store package embeds it and adds opening, its own
// publication queries and Ping and Close.
type Stores struct {
	*Assessments
	*Commitments
	*Scores
	*Access
}

// NewStores returns the shared stores of db.
func NewStores(db DB, d Dialect) Stores {
	return Stores{NewAssessments(db, d), NewCommitments(db, d), NewScores(db, d), NewAccess(db, d)}
}

// Logger returns l, or a logger that discards for nil: a store logs only
// what its caller asks for.
func Logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return l
}
