# METADATA
# title: Indicator points
# description: |
#   The points (0-100) that one answer earns, and the red flags it raises.
#   Every rule here sees a single answer: the indicator's definition in
#   data.civicspace.catalog and the answer's value. Nothing else may be
#   consulted, because the scorer caches these results per (indicator,
#   value) and reuses them across assessments.
package civicspace.points

# results scores each [indicator id, value] pair of input.answers, in order.
results := [answer(a[0], a[1]) | some a in input.answers]

# answer is the points, rule and explanation for one value of an indicator,
# with the red flags the value raises.
answer(id, value) := {
	"points": s.points,
	"rule": s.rule,
	"explanation": s.explanation,
	"red_flags": raised(id, ind, value),
} if {
	ind := data.civicspace.catalog.indicators[id]
	s := score(ind.type, ind.direction, ind, value)
}

default answer(_, _) := {
	"points": null,
	"rule": "civicspace.points.unknown_indicator",
	"explanation": "the indicator is not in the catalog",
	"red_flags": [],
}

# score picks the rule for the indicator's type (and, for counts,
# direction); the constant first arguments let OPA index the choice.
score("boolean", _, ind, v) := boolean(ind, v)

score("scale", _, ind, v) := scale(ind, v)

score("count", "lower_is_better", ind, v) := count_fewer(ind, v)

score("count", "higher_is_better", ind, v) := count_more(ind, v)

score("percentage", _, ind, v) := percentage(ind, v)

score("choice", _, ind, v) := choice(ind, v)

default score(_, _, _, _) := {
	"points": null,
	"rule": "civicspace.points.none",
	"explanation": "no scoring rule matches this answer",
}

direction_text := {
	"higher_is_better": "higher is better",
	"lower_is_better": "lower is better",
}

# round1 rounds to one decimal, half away from zero, as reported.
round1(x) := round(x * 10) / 10

# METADATA
# title: boolean
# description: A yes/no answer earns 100 when it points the better way and 0 otherwise.
boolean(ind, v) := {
	"points": p,
	"rule": "civicspace.points.boolean",
	"explanation": sprintf("boolean, %s: %v earns %v", [direction_text[ind.direction], v, p]),
} if {
	is_boolean(v)
	p := bool_points(ind.direction, v)
}

bool_points("higher_is_better", true) := 100

bool_points("higher_is_better", false) := 0

bool_points("lower_is_better", true) := 0

bool_points("lower_is_better", false) := 100

# METADATA
# title: scale
# description: |
#   An ordinal level earns points linearly between the scale's ends:
#   (level - min) / (max - min) * 100, reversed when lower is better.
scale(ind, v) := {
	"points": p,
	"rule": "civicspace.points.scale",
	"explanation": sprintf("scale %v-%v, %s: level %v earns %v", [ind.scale.min, ind.scale.max, direction_text[ind.direction], v, p]),
} if {
	is_number(v)
	up := ((v - ind.scale.min) / (ind.scale.max - ind.scale.min)) * 100
	p := round1(directed(ind.direction, up))
}

directed("higher_is_better", x) := x

directed("lower_is_better", x) := 100 - x

# METADATA
# title: count, fewer is better
# description: A count earns 100 at zero, falling linearly to 0 at the indicator's worst count or more.
count_fewer(ind, v) := {
	"points": p,
	"rule": "civicspace.points.count_fewer",
	"explanation": sprintf("count, fewer is better: 100 at 0 down to 0 at %v or more; %v earns %v", [ind.count.worst, v, p]),
} if {
	is_number(v)
	p := round1(max([0, 100 - ((100 * v) / ind.count.worst)]))
}

# METADATA
# title: count, more is better
# description: A count earns 0 at zero, rising linearly to 100 at the indicator's target or more.
count_more(ind, v) := {
	"points": p,
	"rule": "civicspace.points.count_more",
	"explanation": sprintf("count, more is better: 0 at 0 up to 100 at %v or more; %v earns %v", [ind.count.target, v, p]),
} if {
	is_number(v)
	p := round1(min([100, (100 * v) / ind.count.target]))
}

# METADATA
# title: percentage
# description: |
#   A percentage earns points linearly up to its documented target: 0 at 0%
#   and 100 at the target or more, reversed when lower is better (100 at 0%,
#   0 at the target or more). Without a target the target is 100%.
percentage(ind, v) := {
	"points": p,
	"rule": "civicspace.points.percentage",
	"explanation": sprintf("percentage, %s, target %v%%: %v%% earns %v", [direction_text[ind.direction], t, v, p]),
} if {
	is_number(v)
	t := object.get(object.get(ind, "percentage", {}), "target", 100)
	p := round1(directed(ind.direction, min([100, (100 * v) / t])))
}

# METADATA
# title: choice
# description: A choice earns the points the catalog gives its option.
choice(ind, v) := {
	"points": p,
	"rule": "civicspace.points.choice",
	"explanation": sprintf("choice: %q (%s) earns %v", [v, opt.label, p]),
} if {
	opt := ind.options[v]
	p := round1(opt.points)
}

# raised lists the red flags the value raises: the indicator's own red flag
# in the catalog, then any the policy data adds for this indicator
# (data.civicspace.policy.red_flags), in that order.
raised(id, ind, v) := [flag(id, rf, v) | some rf in flags_of(id, ind); triggered(rf.when, v)]

flags_of(id, ind) := array.concat([ind.red_flag], object.get(policy_flags, id, [])) if ind.red_flag != null

else := object.get(policy_flags, id, [])

# policy_flags groups the policy's extra red flags by indicator.
policy_flags[id] := [rf | some rf in data.civicspace.policy.red_flags; rf.indicator == id] if {
	some flag in data.civicspace.policy.red_flags
	id := flag.indicator
}

flag(id, rf, v) := {
	"id": rf.id,
	"indicator": id,
	"title": rf.title,
	"cap": c,
	"explanation": sprintf("red flag %q: the answer %v %s, which caps the rating at %v", [rf.title, json.marshal(v), condition_text(rf.when), c]),
} if {
	c := flag_cap(rf, v)
}

# METADATA
# title: graded red flag
# description: A graded red flag caps at the grade of the option answered; other answers cap at the flag's cap.
flag_cap(rf, v) := c if {
	is_string(v)
	c := rf.grades[v]
} else := rf.cap

# METADATA
# title: red flag, equals
# description: A boolean answer raises the flag when it equals the given value.
triggered(when, v) if {
	is_boolean(when.equals)
	v == when.equals
}

# METADATA
# title: red flag, at least
# description: A numeric answer raises the flag when it is at least the given number.
triggered(when, v) if {
	is_number(v)
	is_number(when.at_least)
	v >= when.at_least
}

# METADATA
# title: red flag, options
# description: A choice raises the flag when it is one of the given options.
triggered(when, v) if {
	is_string(v)
	v in when.options
}

condition_text(when) := sprintf("equals %v", [when.equals]) if is_boolean(when.equals)

else := sprintf("is at least %v", [when.at_least]) if is_number(when.at_least)

else := sprintf("is one of %v", [concat(", ", when.options)]) if when.options

else := "meets the flag's condition"
