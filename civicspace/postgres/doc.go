// Package postgres stores assessments, their revisions and their scores in
// PostgreSQL, for deployments where several API servers share one
// database.
//
// It uses pgx with a connection pool (pgxpool). Open applies the embedded
// schema migrations (migrations/*.sql) the database lacks, under a
// PostgreSQL advisory lock so that replicas starting together apply each
// one once, and records them in the schema_migrations table; Migrate does
// only that. WithSchema keeps the tables in their own schema (tests use a
// fresh one per run). Revisions and scores are insert-only, enforced by
// triggers.
//
// Concurrency: a change locks the assessment's row (SELECT ... FOR UPDATE)
// and checks the version the caller read, so of several replicas writing
// the same version exactly one wins and the others get ECONFLICT.
package postgres
