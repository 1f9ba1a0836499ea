# METADATA
# title: Assessment judgements
# description: |
#   The judgements about an assessment, made in one evaluation: the status
#   of recommendations from their score and coverage, the red-flag caps, and
#   the band of the overall rating. The arithmetic (weighted means,
#   coverage) is done by the scorer in Go and arrives in input; every
#   threshold comes from data.civicspace.policy.
#
#   A status may depend on a recommendation's framework, score and coverage
#   only: the scorer caches statuses per (framework, score, coverage) and
#   sends only the cases it has not judged before.
#
#   input:
#     cases: [{"framework", "score" (number or null), "coverage"}]
#     rating: {"uncapped" (number or null), "coverage"}
#     red_flags: [{"id", "indicator", "cap"}]  raised by single answers
#     answers: {indicator id: value} for every applicable answered indicator
#     roles: [role]
package civicspace.judgements

policy := data.civicspace.policy

result := {
	"statuses": [status(c) | some c in input.cases],
	"red_flags": extra_red_flags,
	"score": score,
	"band": rating_band,
}

# min_rating_coverage is the coverage below which the rating has no band.
min_rating_coverage := object.get(policy, "min_rating_coverage", 0)

# METADATA
# title: coverage gate
# description: |
#   An answered rating whose coverage is below min_rating_coverage has no
#   score and no band: too little of what applies is known to rate it.
insufficient if {
	input.rating.uncapped != null
	input.rating.coverage < min_rating_coverage
}

# METADATA
# title: recommendation status
# description: |
#   Too few answers (none, or coverage below min_coverage) leave a
#   recommendation not assessed; otherwise its score decides between met,
#   partially met and not met.
status(c) := "not_assessed" if c.score == null

else := "not_assessed" if c.coverage < policy.min_coverage

else := "met" if c.score >= policy.status.met

else := "partially_met" if c.score >= policy.status.partially_met

else := "not_met"

# extra_red_flags are raised by rules a policy adds in package
# civicspace.extra (red_flags contains {"id", "title", "cap", ...} if ...);
# they may look at several answers at once.
extra_red_flags := [f | some f in data.civicspace.extra.red_flags]

caps := array.concat([f.cap | some f in input.red_flags], [f.cap | some f in extra_red_flags])

# METADATA
# title: capped score
# description: The overall score is the lowest of the uncapped score and every raised cap.
score := null if input.rating.uncapped == null

else := null if insufficient

else := min(array.concat([input.rating.uncapped], caps))

rating_band := "insufficient_data" if insufficient

else := band(score)

# METADATA
# title: rating band
# description: |
#   The first band whose cut-off the capped score reaches, best first (a
#   score of 80 is open, as a recommendation scoring 80 is met); not rated
#   without a score.
band(s) := "not_rated" if s == null

else := "open" if s >= policy.bands.open

else := "narrowed" if s >= policy.bands.narrowed

else := "obstructed" if s >= policy.bands.obstructed

else := "repressed" if s >= policy.bands.repressed

else := "closed"

# explanations words each status and band with the policy's thresholds.
# They depend on data only, so the scorer reads them once.
explanations := {
	"status": {
		"met": sprintf("met: a score of %v or more", [policy.status.met]),
		"partially_met": sprintf("partially met: a score of %v or more and below %v", [policy.status.partially_met, policy.status.met]),
		"not_met": sprintf("not met: a score below %v", [policy.status.partially_met]),
		"not_assessed": sprintf("not assessed: answers cover less than %v of its indicators' weight", [policy.min_coverage]),
	},
	"band": {
		"open": sprintf("open: a score of %v or more", [policy.bands.open]),
		"narrowed": sprintf("narrowed: a score of %v or more and below %v", [policy.bands.narrowed, policy.bands.open]),
		"obstructed": sprintf("obstructed: a score of %v or more and below %v", [policy.bands.obstructed, policy.bands.narrowed]),
		"repressed": sprintf("repressed: a score of %v or more and below %v", [policy.bands.repressed, policy.bands.obstructed]),
		"closed": sprintf("closed: a score below %v", [policy.bands.repressed]),
		"not_rated": "not rated: no applicable indicator is answered",
		"insufficient_data": sprintf("insufficient data: answers cover less than %v of the applicable indicators' weight, so there is no band", [min_rating_coverage]),
	},
}
