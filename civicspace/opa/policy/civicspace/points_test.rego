package civicspace.points_test

import data.civicspace.points

# Each test states its own indicator definitions and policy data, so the
# tests hold whatever catalog and data overrides a policy runs with.

inds := {
	"b.up": {"type": "boolean", "direction": "higher_is_better"},
	"b.down": {"type": "boolean", "direction": "lower_is_better", "red_flag": {"id": "rf.b", "title": "B happened", "cap": 40, "when": {"equals": true}}},
	"s.up": {"type": "scale", "direction": "higher_is_better", "scale": {"min": 0, "max": 3}},
	"s.down": {"type": "scale", "direction": "lower_is_better", "scale": {"min": 1, "max": 5}},
	"c.fewer": {"type": "count", "direction": "lower_is_better", "count": {"worst": 5}, "red_flag": {"id": "rf.c", "title": "Many cases", "cap": 30, "when": {"at_least": 3}}},
	"c.more": {"type": "count", "direction": "higher_is_better", "count": {"target": 8}},
	"p.up": {"type": "percentage", "direction": "higher_is_better"},
	"p.down": {"type": "percentage", "direction": "lower_is_better"},
	"p.target": {"type": "percentage", "direction": "higher_is_better", "percentage": {"target": 25}},
	"graded": {
		"type": "choice", "direction": "higher_is_better",
		"options": {"none": {"label": "None", "points": 100}, "convicted": {"label": "Convicted", "points": 60}, "ignored": {"label": "Ignored", "points": 0}},
		"red_flag": {"id": "rf.g", "title": "Killing", "cap": 40, "when": {"options": ["convicted", "ignored"]}, "grades": {"convicted": 60, "ignored": 20}},
	},
	"ch": {
		"type": "choice", "direction": "higher_is_better",
		"options": {"full": {"label": "Fully", "points": 100}, "part": {"label": "Partly", "points": 50}, "none": {"label": "Not at all", "points": 0}},
		"red_flag": {"id": "rf.ch", "title": "Banned", "cap": 20, "when": {"options": ["none"]}},
	},
}

policy := {"red_flags": []}

run(id, v) := r if {
	r := points.answer(id, v) with data.civicspace.catalog.indicators as inds
		with data.civicspace.policy as policy
}

test_boolean_higher_is_better if {
	r := run("b.up", true)
	r.points == 100
	r.rule == "civicspace.points.boolean"
	r.explanation == "boolean, higher is better: true earns 100"
	run("b.up", false).points == 0
}

test_boolean_lower_is_better if {
	run("b.down", true).points == 0
	run("b.down", false).points == 100
	run("b.down", false).explanation == "boolean, lower is better: false earns 100"
}

test_scale_linear if {
	run("s.up", 0).points == 0
	run("s.up", 1).points == 33.3
	run("s.up", 2).points == 66.7
	run("s.up", 3).points == 100
	run("s.up", 2).rule == "civicspace.points.scale"
	run("s.up", 2).explanation == "scale 0-3, higher is better: level 2 earns 66.7"
}

test_scale_reversed_when_lower_is_better if {
	run("s.down", 1).points == 100
	run("s.down", 2).points == 75
	run("s.down", 5).points == 0
}

test_count_fewer_is_better if {
	run("c.fewer", 0).points == 100
	run("c.fewer", 2).points == 60
	run("c.fewer", 5).points == 0
	run("c.fewer", 50).points == 0
	run("c.fewer", 2).rule == "civicspace.points.count_fewer"
	run("c.fewer", 2).explanation == "count, fewer is better: 100 at 0 down to 0 at 5 or more; 2 earns 60"
}

test_count_more_is_better if {
	run("c.more", 0).points == 0
	run("c.more", 2).points == 25
	run("c.more", 8).points == 100
	run("c.more", 80).points == 100
	run("c.more", 2).rule == "civicspace.points.count_more"
}

test_percentage if {
	run("p.up", 72.5).points == 72.5
	run("p.down", 72.5).points == 27.5
	run("p.up", 72.5).rule == "civicspace.points.percentage"
	run("p.down", 10).explanation == "percentage, lower is better, target 100%: 10% earns 90"
}

test_choice_earns_option_points if {
	run("ch", "part").points == 50
	run("ch", "part").rule == "civicspace.points.choice"
	run("ch", "part").explanation == `choice: "part" (Partly) earns 50`
	run("ch", "full").points == 100
}

test_unknown_option_earns_nothing if {
	run("ch", "maybe").points == null
	run("ch", "maybe").rule == "civicspace.points.none"
}

test_unknown_indicator if {
	run("nope", true).rule == "civicspace.points.unknown_indicator"
	run("nope", true).points == null
}

test_red_flag_equals if {
	[f] := run("b.down", true).red_flags
	f.id == "rf.b"
	f.indicator == "b.down"
	f.cap == 40
	f.explanation == `red flag "B happened": the answer true equals true, which caps the rating at 40`
	run("b.down", false).red_flags == []
}

test_red_flag_at_least if {
	run("c.fewer", 2).red_flags == []
	[f] := run("c.fewer", 3).red_flags
	f.id == "rf.c"
	f.cap == 30
	count(run("c.fewer", 9).red_flags) == 1
}

test_red_flag_options if {
	[f] := run("ch", "none").red_flags
	f.id == "rf.ch"
	f.cap == 20
	run("ch", "part").red_flags == []
}

test_no_red_flag_without_definition if {
	run("b.up", true).red_flags == []
	run("s.up", 0).red_flags == []
}

test_policy_data_adds_red_flags if {
	extra := {"red_flags": [{"id": "watch.pct", "title": "Low turnout", "indicator": "p.up", "cap": 55, "when": {"at_least": 0}}]}
	flags := points.answer("p.up", 10) with data.civicspace.catalog.indicators as inds
		with data.civicspace.policy as extra
	[f] := flags.red_flags
	f.id == "watch.pct"
	f.cap == 55
}

test_policy_red_flags_follow_the_catalog_flag if {
	extra := {"red_flags": [{"id": "watch.b", "title": "Also bad", "indicator": "b.down", "cap": 50, "when": {"equals": true}}]}
	r := points.answer("b.down", true) with data.civicspace.catalog.indicators as inds
		with data.civicspace.policy as extra
	[f.id | some f in r.red_flags] == ["rf.b", "watch.b"]
}

test_results_keep_input_order if {
	rs := points.results with input as {"answers": [["s.up", 3], ["b.up", false], ["ch", "part"]]}
		with data.civicspace.catalog.indicators as inds
		with data.civicspace.policy as policy
	[r.points | some r in rs] == [100, 0, 50]
}

# A percentage earns full points at its documented target.
test_percentage_target if {
	run("p.target", 10).points == 40
	run("p.target", 25).points == 100
	run("p.target", 80).points == 100
	run("p.target", 10).explanation == "percentage, higher is better, target 25%: 10% earns 40"
}

# A graded red flag caps at the grade of the option answered.
test_graded_red_flag if {
	[f.cap | some f in run("graded", "convicted").red_flags] == [60]
	[f.cap | some f in run("graded", "ignored").red_flags] == [20]
	run("graded", "none").red_flags == []
}
