package civicspace

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// CommitmentProgress is where a commitment stands on a given day, computed
// on read from its progress reports: the latest report in force of each
// reporter kind, whether they disagree, each milestone's state (overdue
// ones flagged) and how the levels changed over time.
type CommitmentProgress struct {
	// AsOf is the day the progress is computed for (YYYY-MM-DD, UTC).
	AsOf string `json:"as_of"`
	// Government and Independent are the latest reports in force of each
	// kind (nil when there is none): latest by date, then by Seq; a
	// report corrected by a later one is no longer in force.
	Government  *ProgressReport `json:"government"`
	Independent *ProgressReport `json:"independent"`
	// Disagreement compares the two when both exist and their levels
	// differ.
	Disagreement *LevelGap        `json:"disagreement"`
	Milestones   []MilestoneState `json:"milestones"`
	// Overdue counts the overdue milestones.
	Overdue int `json:"overdue"`
	// Timeline lists every report by date (then Seq), with the change of
	// level from the previous report in force of the same kind.
	Timeline []LevelChange `json:"timeline"`
}

// LevelGap is a disagreement between a government's report and an
// independent review of the same commitment, as a shadow assessment's gap
// is to a self-assessment's: independent minus government.
type LevelGap struct {
	Government     CompletionLevel `json:"government"`
	GovernmentSeq  int             `json:"government_seq"`
	Independent    CompletionLevel `json:"independent"`
	IndependentSeq int             `json:"independent_seq"`
	// Steps is the independent level's step minus the government's:
	// negative when the review finds less progress than the government
	// reports; nil when either found no evidence (no step to compare).
	Steps  *int   `json:"steps"`
	Detail string `json:"detail"`
}

// MilestoneState is a milestone on a given day.
type MilestoneState struct {
	Milestone
	// DoneOn is the day it was done: the commitment's own Done date, else
	// the earliest date of a report in force that lists it done. Empty
	// while it is not done (a date after AsOf does not count yet).
	DoneOn string `json:"done_on,omitempty"`
	// DoneSource says who records it done: "commitment", "government" or
	// "independent".
	DoneSource string `json:"done_source,omitempty"`
	// Overdue is true when the target date has passed and it is not done;
	// DaysOverdue counts the days since the target date.
	Overdue     bool `json:"overdue"`
	DaysOverdue int  `json:"days_overdue,omitempty"`
	// Late is true when it was done after its target date.
	Late bool `json:"late,omitempty"`
}

// LevelChange is one report in the timeline.
type LevelChange struct {
	Seq          int             `json:"seq"`
	Reporter     ReporterKind    `json:"reporter"`
	Organisation string          `json:"organisation"`
	Date         string          `json:"date"`
	Level        CompletionLevel `json:"level"`
	// Previous is the level of the previous report in force of the same
	// kind ("" for the first).
	Previous CompletionLevel `json:"previous,omitempty"`
	// Steps is the change from Previous on the scale; nil for the first
	// report, or when either level is no_evidence.
	Steps *int `json:"steps"`
	// Regression is true when the level went down.
	Regression bool `json:"regression"`
	Corrects   int  `json:"corrects,omitempty"`
	// SupersededBy is the Seq of the report that corrects this one; a
	// superseded report has no Previous or Steps.
	SupersededBy int `json:"superseded_by,omitempty"`
}

// The sources of a milestone's done date.
const (
	DoneByCommitment = "commitment"
)

// stepDiff returns b's step minus a's, nil unless both are on the scale.
func stepDiff(a, b CompletionLevel) *int {
	sa, okA := a.Step()
	sb, okB := b.Step()
	if !okA || !okB {
		return nil
	}
	d := sb - sa
	return &d
}

// compareReports orders reports by date, then Seq.
func compareReports(a, b *ProgressReport) int {
	return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.Seq, b.Seq))
}

// supersededBy maps the Seq of each corrected report to the Seq of its
// latest correction.
func supersededBy(reports []*ProgressReport) map[int]int {
	out := map[int]int{}
	for _, r := range reports {
		if r.Corrects > 0 && r.Seq > out[r.Corrects] {
			out[r.Corrects] = r.Seq
		}
	}
	return out
}

// Progress computes where commitment c stands on the day of now from its
// reports (those of c only, in any order).
func Progress(c *Commitment, reports []*ProgressReport, now time.Time) *CommitmentProgress {
	today := now.UTC().Format(time.DateOnly)
	sorted := slices.Clone(reports)
	slices.SortFunc(sorted, compareReports)
	superseded := supersededBy(sorted)
	p := &CommitmentProgress{AsOf: today, Milestones: []MilestoneState{}, Timeline: []LevelChange{}}

	latest := map[ReporterKind]*ProgressReport{}
	for _, r := range sorted {
		ch := LevelChange{Seq: r.Seq, Reporter: r.Reporter.Kind, Organisation: r.Reporter.Organisation,
			Date: r.Date, Level: r.Level, Corrects: r.Corrects, SupersededBy: superseded[r.Seq]}
		if ch.SupersededBy == 0 {
			if prev := latest[r.Reporter.Kind]; prev != nil {
				ch.Previous = prev.Level
				ch.Steps = stepDiff(prev.Level, r.Level)
				ch.Regression = ch.Steps != nil && *ch.Steps < 0
			}
			latest[r.Reporter.Kind] = r
		}
		p.Timeline = append(p.Timeline, ch)
	}
	p.Government, p.Independent = latest[ReporterGovernment], latest[ReporterIndependent]
	if g, i := p.Government, p.Independent; g != nil && i != nil && g.Level != i.Level {
		p.Disagreement = levelGap(g, i)
	}

	for _, m := range c.Milestones {
		st := MilestoneState{Milestone: m}
		if m.Done != "" && m.Done <= today {
			st.DoneOn, st.DoneSource = m.Done, DoneByCommitment
		}
		for _, r := range sorted {
			if st.DoneOn != "" || superseded[r.Seq] != 0 || r.Date > today {
				continue
			}
			if slices.Contains(r.MilestonesDone, m.ID) {
				st.DoneOn, st.DoneSource = r.Date, string(r.Reporter.Kind)
			}
		}
		switch {
		case st.DoneOn != "":
			st.Late = st.DoneOn > m.Due
		case m.Due < today:
			st.Overdue = true
			st.DaysOverdue = daysBetween(m.Due, today)
			p.Overdue++
		}
		p.Milestones = append(p.Milestones, st)
	}
	return p
}

func levelGap(g, i *ProgressReport) *LevelGap {
	gap := &LevelGap{Government: g.Level, GovernmentSeq: g.Seq, Independent: i.Level, IndependentSeq: i.Seq, Steps: stepDiff(g.Level, i.Level)}
	review := fmt.Sprintf("the independent review by %s (%s) finds %s", i.Reporter.Organisation, i.Date, levelWords(i.Level))
	govt := fmt.Sprintf("the government's report by %s (%s) of %s", g.Reporter.Organisation, g.Date, levelWords(g.Level))
	switch s := gap.Steps; {
	case s == nil:
		gap.Detail = review + ", against " + govt + ": no step to compare"
	case *s < 0:
		gap.Detail = fmt.Sprintf("%s, %s below %s", review, stepWords(-*s), govt)
	default:
		gap.Detail = fmt.Sprintf("%s, %s above %s", review, stepWords(*s), govt)
	}
	return gap
}

func levelWords(l CompletionLevel) string {
	switch l {
	case CompletionNoEvidence:
		return "no evidence"
	case CompletionNotStarted:
		return "no start"
	}
	return string(l) + " completion"
}

func stepWords(n int) string {
	if n == 1 {
		return "1 step"
	}
	return fmt.Sprintf("%d steps", n)
}

// daysBetween counts the days from a to b (YYYY-MM-DD dates).
func daysBetween(a, b string) int {
	ta, errA := time.Parse(time.DateOnly, a)
	tb, errB := time.Parse(time.DateOnly, b)
	if errA != nil || errB != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}
