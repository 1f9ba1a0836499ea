package report

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// CommitmentsCSVHeader is the header of the commitment summaries' CSV.
// Every row names its scope (country, workstream or follow_up, with its ID
// and name) and what it records:
//
//   - commitment: one commitment of the scope, with the levels of the
//     latest government report and independent review, their gap in scale
//     steps (independent minus government; empty when they agree or one
//     found no evidence), its milestones and the earliest one not done;
//   - overdue_milestone (country): a milestone past its target date, with
//     its commitment;
//   - recommendation (country): a linked recommendation's latest status in
//     one kind of assessment (one row with empty assessment columns when
//     none is scored), with the commitments that link to it.
var CommitmentsCSVHeader = []string{"scope", "scope_id", "scope_name", "record", "id", "version", "title", "commitments",
	"countries", "occasion_kind", "occasion", "occasion_date", "workstream", "follow_up", "recommendations",
	"government", "government_date", "independent", "independent_date", "level_gap",
	"milestones", "milestones_done", "milestones_overdue", "due", "days_overdue",
	"kind", "period", "status", "score", "assessment_id", "assessment_version"}

// The record column's values.
const (
	RecordCommitment       = "commitment"
	RecordOverdueMilestone = "overdue_milestone"
	RecordRecommendation   = "recommendation"
)

// commitmentRows writes the commitment rows of one scope.
func commitmentRows(t *table, scope []cell, rows []civicspace.CommitmentRow) {
	for _, r := range rows {
		var gap cell
		if r.Disagreement != nil && r.Disagreement.Steps != nil {
			gap = integer(*r.Disagreement.Steps)
		}
		t.row(append(scope, txt(RecordCommitment), txt(r.ID), integer(r.Version), txt(r.Title), cell{},
			txt(strings.Join(r.Countries, " ")), txt(string(r.Occasion.Kind)), txt(r.Occasion.Name), txt(r.Occasion.Date),
			txt(r.Occasion.WorkstreamID), txt(r.FollowUp), txt(strings.Join(r.Recommendations, " ")),
			txt(string(r.Government)), txt(r.GovernmentDate), txt(string(r.Independent)), txt(r.IndependentDate), gap,
			integer(r.Milestones), integer(r.MilestonesDone), integer(r.Overdue), txt(r.NextDue), cell{},
			cell{}, cell{}, cell{}, cell{}, cell{}, cell{})...)
	}
}

// blank is n empty cells.
func blank(n int) []cell { return make([]cell, n) }

// CountryCommitmentsCSV writes a country's summary: its commitments, then
// its overdue milestones (most overdue first), then its linked
// recommendations' latest statuses.
func CountryCommitmentsCSV(w io.Writer, s *civicspace.CountryCommitmentSummary) error {
	t := newTable(w, CommitmentsCSVHeader...)
	scope := []cell{txt("country"), txt(s.Country), txt(s.Name)}
	commitmentRows(t, scope, s.Commitments)
	for _, m := range s.Overdue {
		row := append(append([]cell{}, scope...), txt(RecordOverdueMilestone), txt(m.Milestone), cell{}, txt(m.Title), txt(m.Commitment))
		row = append(row, blank(15)...)
		row = append(row, txt(m.Due), integer(m.DaysOverdue))
		t.row(append(row, blank(6)...)...)
	}
	for _, r := range s.Recommendations {
		head := append(append([]cell{}, scope...), txt(RecordRecommendation), txt(r.ID), cell{}, txt(r.Title), txt(strings.Join(r.Commitments, " ")))
		head = append(head, blank(17)...)
		if len(r.Latest) == 0 {
			t.row(append(head, blank(6)...)...)
			continue
		}
		for _, l := range r.Latest {
			t.row(append(head, txt(string(l.Kind)), txt(l.Period), txt(l.Status), num(l.Score), txt(l.AssessmentID), integer(l.Version))...)
		}
	}
	return t.flush()
}

// WorkstreamCommitmentsCSV writes the commitments of every workstream, one
// row each; a workstream without commitments has no row.
func WorkstreamCommitmentsCSV(w io.Writer, s *civicspace.WorkstreamCommitmentSummary) error {
	t := newTable(w, CommitmentsCSVHeader...)
	for _, ws := range s.Workstreams {
		commitmentRows(t, []cell{txt("workstream"), txt(ws.ID), txt(ws.Title)}, ws.Commitments)
	}
	return t.flush()
}

// FollowUpCommitmentsCSV writes the commitments of every follow-up
// process, one row each; a process without commitments has no row.
func FollowUpCommitmentsCSV(w io.Writer, s *civicspace.FollowUpCommitmentSummary) error {
	t := newTable(w, CommitmentsCSVHeader...)
	for _, p := range s.Processes {
		commitmentRows(t, []cell{txt("follow_up"), txt(p.ID), txt(p.Name)}, p.Commitments)
	}
	return t.flush()
}

// WriteCommitmentSummary writes a commitment summary
// (*civicspace.CountryCommitmentSummary, *WorkstreamCommitmentSummary or
// *FollowUpCommitmentSummary) as JSON or CSV; another format or value is
// an EINVALID error.
func WriteCommitmentSummary(w io.Writer, f Format, v any) error {
	switch f {
	case JSON:
		switch v.(type) {
		case *civicspace.CountryCommitmentSummary, *civicspace.WorkstreamCommitmentSummary, *civicspace.FollowUpCommitmentSummary:
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		}
	case CSV:
		switch v := v.(type) {
		case *civicspace.CountryCommitmentSummary:
			return CountryCommitmentsCSV(w, v)
		case *civicspace.WorkstreamCommitmentSummary:
			return WorkstreamCommitmentsCSV(w, v)
		case *civicspace.FollowUpCommitmentSummary:
			return FollowUpCommitmentsCSV(w, v)
		}
	default:
		return civicspace.Errorf(civicspace.EINVALID, "format %s is not available for commitment summaries: use json or csv", f)
	}
	return civicspace.Errorf(civicspace.EINVALID, "%T is not a commitment summary", v)
}
