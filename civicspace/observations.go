package civicspace

// ObservationOverall is the ItemID of the overall rating's observation.
const ObservationOverall = "overall"

// Observations flattens the result of one revision into the numbers that
// comparisons read, in the result's order: the overall rating (ItemID
// ObservationOverall, Status its band), each framework, each group at any
// depth, each recommendation, and each indicator (Score its points, no
// Coverage, Status its answer — or not_applicable when the indicator does
// not apply to the assessment's roles, whatever was answered).
//
// The subject, period and kind come from the result, so that an
// observation can be read without its revision.
func (r *Result) Observations(assessmentID string, version int) []Observation {
	n := 1 + len(r.Frameworks) + len(r.Recommendations) + len(r.Indicators)
	for _, f := range r.Frameworks {
		n += countGroups(f.Groups)
	}
	out := make([]Observation, 0, n)
	add := func(level, id string, score, coverage *float64, status string) {
		out = append(out, Observation{
			AssessmentID: assessmentID,
			Version:      version,
			Country:      r.Subject.Country,
			Organisation: r.Subject.Organisation,
			Period:       r.Period,
			Kind:         r.Kind,
			Level:        level,
			ItemID:       id,
			Score:        score,
			Coverage:     coverage,
			Status:       status,
		})
	}
	add(LevelRating, ObservationOverall, r.Rating.Score, Float(r.Rating.Coverage), r.Rating.Band)
	var walk func(groups []GroupScore)
	walk = func(groups []GroupScore) {
		for _, g := range groups {
			add(LevelGroup, g.ID, g.Score, Float(g.Coverage), g.Status)
			walk(g.Groups)
		}
	}
	for _, f := range r.Frameworks {
		add(LevelFramework, f.ID, f.Score, Float(f.Coverage), f.Status)
		walk(f.Groups)
	}
	for _, rec := range r.Recommendations {
		add(LevelRecommendation, rec.ID, rec.Score, Float(rec.Coverage), rec.Status)
	}
	for _, ind := range r.Indicators {
		status := ind.Answer
		if !ind.Applicable {
			status = StatusNotApplicable
		}
		add(LevelIndicator, ind.ID, ind.Points, nil, status)
	}
	return out
}

func countGroups(groups []GroupScore) int {
	n := len(groups)
	for _, g := range groups {
		n += countGroups(g.Groups)
	}
	return n
}
