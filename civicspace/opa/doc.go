// Package opa scores civic space assessments with Open Policy Agent.
//
// A Scorer joins a catalog (civicspace.Catalog) and a Rego policy. The
// built-in policy, embedded from policy/, keeps the judgements in Rego:
//
//   - civicspace.points: the points (0-100) one answer earns, one named
//     rule per indicator type (boolean, scale, count_fewer, count_more,
//     percentage, choice), and the red flags it raises;
//   - civicspace.judgements: a recommendation's status from its score and
//     coverage, the red-flag caps and the rating's band.
//
// Thresholds, band cut-offs, weights and extra red flags are data
// (data.civicspace.policy, see policy/data.json), so a watchdog can change
// them with WithData, WithModules or WithPolicyFS without forking the
// code; a policy may also add Rego rules in package civicspace.extra that
// raise red flags from several answers at once. The arithmetic (weighted
// means, coverage, roll-ups) is plain Go, documented with a worked example
// in docs/methodology.md.
//
// Every module, built-in or not, is compiled with Capabilities(): no
// network, no host access, no non-deterministic builtins, so the same
// assessment and policy always give the same result, byte for byte once
// encoded. Queries are prepared once in NewScorer and shared by concurrent
// Score calls. Because an answer's points depend on that answer alone, and
// a status on (framework, score, coverage) alone, the scorer caches both
// (bounded, see WithCacheSize): rescoring many assessments reuses them.
package opa
