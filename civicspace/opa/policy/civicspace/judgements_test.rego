package civicspace.judgements_test

import data.civicspace.judgements

policy := {
	"min_coverage": 0.5,
	"min_rating_coverage": 0.6,
	"status": {"met": 80, "partially_met": 40},
	"bands": {"open": 80, "narrowed": 60, "obstructed": 40, "repressed": 20},
}

status(r) := s if {
	s := judgements.status(r) with data.civicspace.policy as policy
}

test_status_met_at_threshold if {
	status({"score": 80, "coverage": 1}) == "met"
	status({"score": 100, "coverage": 0.5}) == "met"
}

test_status_partially_met if {
	status({"score": 79.9, "coverage": 1}) == "partially_met"
	status({"score": 40, "coverage": 1}) == "partially_met"
}

test_status_not_met if {
	status({"score": 39.9, "coverage": 1}) == "not_met"
	status({"score": 0, "coverage": 1}) == "not_met"
}

test_status_not_assessed_without_score if {
	status({"score": null, "coverage": 0}) == "not_assessed"
}

test_status_not_assessed_below_min_coverage if {
	status({"score": 95, "coverage": 0.499}) == "not_assessed"
}

test_status_thresholds_come_from_data if {
	strict := object.union(policy, {"status": {"met": 90, "partially_met": 60}})
	judgements.status({"score": 85, "coverage": 1}) == "partially_met" with data.civicspace.policy as strict
	judgements.status({"score": 55, "coverage": 1}) == "not_met" with data.civicspace.policy as strict
}

band(s) := b if {
	b := judgements.band(s) with data.civicspace.policy as policy
}

# A band starts at its cut-off: 80 is open, as a recommendation scoring 80
# is met.
test_bands if {
	band(100) == "open"
	band(80) == "open"
	band(79.9) == "narrowed"
	band(60) == "narrowed"
	band(59.9) == "obstructed"
	band(40) == "obstructed"
	band(39.9) == "repressed"
	band(20) == "repressed"
	band(19.9) == "closed"
	band(0) == "closed"
	band(null) == "not_rated"
}

test_band_cut_offs_come_from_data if {
	judgements.band(75) == "open" with data.civicspace.policy as object.union(policy, {"bands": {"open": 70, "narrowed": 50, "obstructed": 30, "repressed": 10}})
}

result(inp) := r if {
	r := judgements.result with input as inp
		with data.civicspace.policy as policy
		with data.civicspace.extra as {}
}

test_result_statuses_in_input_order if {
	r := result({
		"cases": [{"framework": "f", "score": 90, "coverage": 1}, {"framework": "f", "score": 50, "coverage": 1}, {"framework": "f", "score": null, "coverage": 0}],
		"rating": {"uncapped": 70, "coverage": 0.8},
		"red_flags": [],
	})
	r.statuses == ["met", "partially_met", "not_assessed"]
	r.score == 70
	r.band == "narrowed"
	r.red_flags == []
}

test_caps_lower_the_score_and_band if {
	r := result({
		"cases": [],
		"rating": {"uncapped": 85, "coverage": 1},
		"red_flags": [{"id": "x", "cap": 60}, {"id": "y", "cap": 35}],
	})
	r.score == 35
	r.band == "repressed"
}

test_cap_above_score_changes_nothing if {
	r := result({"cases": [], "rating": {"uncapped": 50, "coverage": 1}, "red_flags": [{"id": "x", "cap": 60}]})
	r.score == 50
	r.band == "obstructed"
}

test_not_rated_without_answers if {
	r := result({"cases": [], "rating": {"uncapped": null, "coverage": 0}, "red_flags": [{"id": "x", "cap": 10}]})
	r.score == null
	r.band == "not_rated"
}

test_extra_red_flags_cap_the_score if {
	extra := {"red_flags": {{"id": "watch.combo", "title": "Two strikes", "cap": 25}}}
	r := judgements.result with input as {"cases": [], "rating": {"uncapped": 90, "coverage": 1}, "red_flags": []}
		with data.civicspace.policy as policy
		with data.civicspace.extra as extra
	r.score == 25
	r.band == "repressed"
	[f.id | some f in r.red_flags] == ["watch.combo"]
}

test_explanations_quote_thresholds if {
	e := judgements.explanations with data.civicspace.policy as policy
	e.status.met == "met: a score of 80 or more"
	e.band.closed == "closed: a score below 20"
	e.band.open == "open: a score of 80 or more"
	e.band.insufficient_data == "insufficient data: answers cover less than 0.6 of the applicable indicators' weight, so there is no band"
}

# Below the minimum coverage there is no score and no band, whatever the
# answers say; at the minimum the rating is banded.
test_coverage_gate if {
	low := result({"cases": [], "rating": {"uncapped": 95, "coverage": 0.59}, "red_flags": []})
	low.score == null
	low.band == "insufficient_data"
	at := result({"cases": [], "rating": {"uncapped": 95, "coverage": 0.6}, "red_flags": []})
	at.score == 95
	at.band == "open"
}
