package civicspace

import "time"

// Migration is one schema migration of a store and whether the database
// has it: what `civicspace migrate status` lists.
type Migration struct {
	Version int
	Name    string
	// AppliedAt is when it was applied; zero while it is pending.
	AppliedAt time.Time
}

// Pending reports whether the database lacks m.
func (m Migration) Pending() bool { return m.AppliedAt.IsZero() }
