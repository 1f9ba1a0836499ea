// Package civicspace is the domain of civic space policy monitoring, and
// its entry point is Service: the one place that decides. Every use case
// (assessments and their lifecycle, commitments and progress reports,
// scores and scorecards, API keys, policy packs, the audit trail) is a
// Service method that reads the caller from its context, applies the
// access rules of this package, does the work and records a write in the
// audit trail. The REST API (package api), the web app (package web) and
// the command line only authenticate the caller and translate:
//
//	svc := &civicspace.Service{Catalog: civicspace.DefaultCatalog(), Countries: civicspace.DefaultCountries(),
//		Store: store /* civicspace/sqlite or civicspace/postgres */, Scorer: scorer /* civicspace/opa */}
//	ctx = civicspace.NewContextWithPrincipal(ctx, principal) // who calls
//	if err := svc.Permit(ctx, "createAssessment"); err != nil { ... } // 401 or 403, before reading input
//	rec, problems, err := svc.CreateAssessment(ctx, a)
//
// The nouns the Service works on live here too: the catalog of frameworks,
// recommendations and crosswalked indicators; the assessments governments
// and watchdogs make of a country's national framework for a period; the
// scores computed from them; comparisons across countries and periods;
// states' commitments and their progress; principals and API keys; and the
// interfaces the Service is built from (Store, Scorer, PackCompiler).
//
// The package holds types, rules and pure computations only. Each
// dependency lives in a subpackage named after it: civicspace/opa scores
// assessments with Open Policy Agent, civicspace/sqlite and
// civicspace/postgres store them (through the versioned-record engine
// civicspace/sqlrecord), civicspace/report writes CSV, SDMX-CSV and SVG.
// The cmd/civicspace program wires them; docs/architecture.md says what
// may import what and where a new record kind or front end plugs in.
//
// A library user who only scores loads the built-in catalog, decodes an
// assessment and scores it:
//
//	cat := civicspace.DefaultCatalog()
//	a, err := civicspace.DecodeAssessment(r)
//	if problems := a.Validate(cat, civicspace.DefaultCountries()); len(problems) > 0 { ... }
//	scorer, err := opa.NewScorer(cat)
//	result, err := scorer.Score(ctx, a)
package civicspace
