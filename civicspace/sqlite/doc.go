// Package sqlite stores assessments, their revisions and their scores in one
// SQLite file: civicspace's default store, for a single server.
//
// It uses the pure-Go driver modernc.org/sqlite (no cgo). The file is in WAL
// mode with synchronous=FULL, so that a write acknowledged to a caller
// survives a crash of the process, the OS or the machine. Writes go through a
// single connection, in the order they arrive; reads use a separate pool and
// never wait for writes.
//
// Open applies the embedded schema migrations (migrations/*.sql) that the
// file lacks, and records them in the schema_migrations table; Migrate does
// only that. Revisions and scores are insert-only, enforced by triggers.
package sqlite
