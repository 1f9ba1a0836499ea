// Package civicspace is the domain of civic space policy monitoring: the
// catalog of frameworks, recommendations and crosswalked indicators; the
// assessments governments and watchdogs make of a country's national
// framework for a period; the scores computed from them; comparisons across
// countries and periods; states' commitments and their progress; who may do
// what (principals, API keys, authorization rules); and the interfaces the
// core calls (Scorer, AssessmentStore, CommitmentStore, KeyStore,
// AuditStore, PolicyPackStore). Service ties them into the use cases that
// the REST API and the command line share.
//
// The package holds types, validation and pure computations only. Each
// dependency lives in a subpackage named after it: civicspace/opa scores
// assessments with Open Policy Agent, civicspace/sqlite and
// civicspace/postgres store them, civicspace/report writes CSV, SDMX-CSV
// and SVG. The cmd/civicspace program wires them.
//
// A typical library user loads the built-in catalog, decodes an assessment
// and scores it:
//
//	cat := civicspace.DefaultCatalog()
//	a, err := civicspace.DecodeAssessment(r)
//	if problems := a.Validate(cat, civicspace.DefaultCountries()); len(problems) > 0 { ... }
//	scorer, err := opa.NewScorer(cat)
//	result, err := scorer.Score(ctx, a)
package civicspace
