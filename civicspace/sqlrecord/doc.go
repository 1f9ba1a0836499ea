// Package sqlrecord keeps versioned records in SQL, written once for every
// database civicspace runs on.
//
// A versioned record (an assessment, a commitment, and the record kinds
// still to come) lives as one row that says where it is in its lifecycle
// (draft, submitted, published, withdrawn; a correction being drafted
// while the previous publication stays public) and a revision row for
// every change, never overwritten. A change states the version it read
// (If-Match) and fails with ECONFLICT when it is stale. Table is that
// lifecycle, generic over the document a record holds; Assessments and
// Commitments adapt it to the domain's store interfaces.
//
// The SQL is written once. What differs between databases is a small
// Dialect (time values, row locks, sequence numbers, JSON access, error
// classification) and a DB handle; civicspace/sqlite and
// civicspace/postgres supply both and keep only opening, their dialect and
// their migrations. This package imports no database driver.
//
// # Adding a record kind
//
// A new kind is a migration in each store (a table of rows with the
// lifecycle columns, a table of revisions) and a Kind value: its table
// names, the columns kept from the document for filtering, and its
// lifecycle rule. Table then gives it create, read, update, transitions,
// revisions and cursor pages.
package sqlrecord
