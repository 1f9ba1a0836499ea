// Package comparestore holds the end-to-end tests and benchmarks of the
// comparisons (civicspace.CompareRanking and the others) over the real
// stores, SQLite always and PostgreSQL when CIVICSPACE_TEST_POSTGRES is
// set. It has no code of its own: keeping these tests here spares the
// domain package's tests the database drivers and the policy engine.
package comparestore
