package report

import (
	"cmp"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// CSV files follow RFC 4180 (comma, double quotes, CRLF line ends, one
// header row) with one observation per row. A missing value is an empty
// cell; no row is ever dropped for lacking one.
//
// Spreadsheets run a cell that starts with =, +, -, @, tab or CR as a
// formula, so a text cell that starts with one of them gets a leading
// apostrophe. Whether a cell is text or a number is decided by its column,
// never by its content: numeric columns hold only numbers this package
// formatted, so a change of -3.5 stays the number -3.5, while a country
// name, a comment or an author that happens to start with "-" or "=" is
// neutralised.

// cell is one CSV cell and whether it is text (user or catalog words,
// neutralised) or a number this package formatted (left alone).
type cell struct {
	s    string
	text bool
}

func txt(s string) cell { return cell{s: s, text: true} }

func num(p *float64) cell {
	if p == nil {
		return cell{}
	}
	return cell{s: civicspace.FormatNumber(*p)}
}

func flt(x float64) cell { return cell{s: civicspace.FormatNumber(x)} }

func integer(n int) cell { return cell{s: strconv.Itoa(n)} }

func optInt(p *int) cell {
	if p == nil {
		return cell{}
	}
	return integer(*p)
}

func boolean(b bool) cell {
	if b {
		return cell{s: "true"}
	}
	return cell{s: "false"}
}

// Neutralise guards a text cell against spreadsheet formula injection: a
// cell starting with =, +, -, @, tab or carriage return gets a leading
// apostrophe, which spreadsheets show as text and do not evaluate.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// table writes RFC 4180 rows.
type table struct {
	w *csv.Writer
}

func newTable(w io.Writer, header ...string) *table {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	_ = cw.Write(header) // errors surface at flush
	return &table{w: cw}
}

func (t *table) row(cells ...cell) {
	rec := make([]string, len(cells))
	for i, c := range cells {
		if c.text {
			rec[i] = Neutralise(c.s)
		} else {
			rec[i] = c.s
		}
	}
	_ = t.w.Write(rec)
}

func (t *table) flush() error {
	t.w.Flush()
	return t.w.Error()
}

// RankingCSVHeader is the header of RankingCSV.
var RankingCSVHeader = []string{"target_level", "target_id", "period", "kind", "rank", "country", "name", "m49", "score", "coverage", "status", "flag", "assessment_id", "version"}

// RankingCSV writes a ranking, one row per assessment in ranking order:
// flagged rows have an empty rank and say why in flag.
func RankingCSV(w io.Writer, r *civicspace.RankingResult) error {
	t := newTable(w, RankingCSVHeader...)
	for _, row := range r.Rows {
		t.row(txt(r.Target.Level), txt(r.Target.ID), txt(r.Period), txt(string(row.Kind)), optInt(row.Rank),
			txt(row.Country), txt(row.Name), txt(row.M49), num(row.Score), num(row.Coverage), txt(row.Status), txt(row.Flag),
			txt(row.AssessmentID), integer(row.Version))
	}
	return t.flush()
}

// TrendCSVHeader is the header of TrendCSV.
var TrendCSVHeader = []string{"subject", "kind", "period", "assessment_id", "version", "level", "item_id", "title", "score", "coverage", "status", "change", "confidence"}

// TrendCSV writes a trend, one row per item and period. A period without
// an assessment has an empty assessment_id and empty values.
func TrendCSV(w io.Writer, tr *civicspace.TrendResult) error {
	t := newTable(w, TrendCSVHeader...)
	for _, s := range tr.Series {
		for _, it := range s.Items {
			for i, p := range it.Points {
				per := s.Periods[i]
				version := cell{}
				if !per.Missing {
					version = integer(per.Version)
				}
				t.row(txt(tr.Subject), txt(string(s.Kind)), txt(p.Period), txt(per.AssessmentID), version,
					txt(it.Level), txt(it.ID), txt(it.Title), num(p.Score), num(p.Coverage), txt(p.Status), num(p.Change), txt(string(it.Confidence)))
			}
		}
	}
	return t.flush()
}

// RegionsCSVHeader is the header of RegionsCSV.
var RegionsCSVHeader = []string{"target_level", "target_id", "period", "scope", "code", "name", "parent", "kind", "count", "low_coverage", "missing", "median", "mean", "min", "max", "min_country", "max_country"}

// RegionsCSV writes region aggregates, one row per area and kind.
func RegionsCSV(w io.Writer, r *civicspace.RegionResult) error {
	t := newTable(w, RegionsCSVHeader...)
	for _, a := range r.Aggregates {
		t.row(txt(r.Target.Level), txt(r.Target.ID), txt(r.Period), txt(a.Scope), txt(a.Code), txt(a.Name), txt(a.Parent), txt(string(a.Kind)),
			integer(a.Count), integer(a.LowCoverage), integer(a.Missing), num(a.Median), num(a.Mean), num(a.Min), num(a.Max),
			txt(a.MinCountry), txt(a.MaxCountry))
	}
	return t.flush()
}

// GapCSVHeader is the header of GapCSV: a tidy long table, one row per
// item and measure, each column one variable (docs/data.md).
var GapCSVHeader = []string{"country", "period",
	"self_assessment_id", "self_version", "self_kind", "shadow_assessment_id", "shadow_version", "shadow_kind",
	"level", "item_id", "title", "measure", "self_value", "shadow_value", "difference",
	"self_status", "shadow_status", "self_option", "shadow_option", "self_comment", "shadow_comment"}

// The measures of GapCSV's rows.
const (
	MeasureScore         = "score"          // 0-100 score of the rating, a framework, group or recommendation
	MeasurePoints        = "points"         // 0-100 points an indicator's answer earned
	MeasureAnswer        = "answer"         // the answer: a number, 1/0 for yes/no, or an option in *_option
	MeasureEvidenceCount = "evidence_count" // how many sources the answer cites
)

// GapCSV writes a shadow-versus-self comparison as a tidy long table: the
// rating's, every framework's and group's and each differing
// recommendation's score, then for each indicator they disagree on
// (biggest difference first) its points, its answer and its evidence
// count, one row per item and measure. The value columns hold numbers
// only; an empty cell is a missing value (docs/data.md).
func GapCSV(w io.Writer, g *civicspace.GapResult) error {
	t := newTable(w, GapCSVHeader...)
	head := []cell{txt(g.Country), txt(g.Period),
		txt(g.Self.AssessmentID), integer(g.Self.Version), txt(string(g.Self.Kind)),
		txt(g.Shadow.AssessmentID), integer(g.Shadow.Version), txt(string(g.Shadow.Kind))}
	row := func(level, id, title, measure string, self, shadow, diff *float64, selfStatus, shadowStatus string, rest ...cell) {
		cells := append(head[:len(head):len(head)], txt(level), txt(id), txt(title), txt(measure),
			num(self), num(shadow), num(diff), txt(selfStatus), txt(shadowStatus))
		for len(rest) < 4 {
			rest = append(rest, cell{})
		}
		t.row(append(cells, rest...)...)
	}
	row(g.Rating.Level, cmp.Or(g.Rating.ID, civicspace.ObservationOverall), g.Rating.Title, MeasureScore, g.Rating.Self, g.Rating.Shadow, g.Rating.Difference, g.Rating.SelfStatus, g.Rating.ShadowStatus)
	for _, s := range g.Frameworks {
		row(s.Level, s.ID, s.Title, MeasureScore, s.Self, s.Shadow, s.Difference, s.SelfStatus, s.ShadowStatus)
	}
	for _, r := range g.Recommendations {
		row(civicspace.LevelRecommendation, r.Recommendation, r.Title, MeasureScore, r.Self, r.Shadow, r.Difference, r.SelfStatus, r.ShadowStatus)
	}
	for _, ig := range g.Indicators {
		ind := func(measure string, self, shadow, diff *float64, rest ...cell) {
			row(civicspace.LevelIndicator, ig.Indicator, ig.Question, measure, self, shadow, diff, ig.Self.Answer, ig.Shadow.Answer, rest...)
		}
		ind(MeasurePoints, ig.Self.Points, ig.Shadow.Points, ig.Difference)
		selfNum, selfOpt := answerCells(ig.Self.Value)
		shadowNum, shadowOpt := answerCells(ig.Shadow.Value)
		ind(MeasureAnswer, selfNum, shadowNum, nil, txt(selfOpt), txt(shadowOpt), txt(ig.Self.Comment), txt(ig.Shadow.Comment))
		selfEv, shadowEv := float64(len(ig.Self.Evidence)), float64(len(ig.Shadow.Evidence))
		ind(MeasureEvidenceCount, &selfEv, &shadowEv, civicspace.Float(shadowEv-selfEv))
	}
	return t.flush()
}

// answerCells splits an answer's value into a number (1 for yes, 0 for
// no, the number of a scale, count or percentage) and an option ID, so
// that no column mixes kinds of value.
func answerCells(v *civicspace.Value) (*float64, string) {
	if v == nil {
		return nil, ""
	}
	if b, ok := v.Bool(); ok {
		if b {
			return civicspace.Float(1), ""
		}
		return civicspace.Float(0), ""
	}
	if n, ok := v.Number(); ok {
		return &n, ""
	}
	if id, ok := v.Option(); ok {
		return nil, id
	}
	return nil, ""
}

// ScoreCSVHeader is the header of ScoreCSV.
var ScoreCSVHeader = []string{"assessment_id", "version", "country", "organisation", "period", "kind",
	"level", "item_id", "measure", "value", "coverage", "status", "catalog_version", "policy_digest"}

// ScoreCSV writes an explained score as a tidy table, one row per item:
// the rating (item_id "overall"), each framework, group and
// recommendation (measure score) and each indicator (measure points, the
// points its answer earned; status is its answer: answered, unknown,
// not_applicable or missing). Coverage is a share (0-1), empty for
// indicators; an empty value is an item without a score. The provenance
// columns say which catalog and policy computed every number.
func ScoreCSV(w io.Writer, assessmentID string, version int, r *civicspace.Result) error {
	t := newTable(w, ScoreCSVHeader...)
	for _, o := range r.Observations(assessmentID, version) {
		measure := MeasureScore
		if o.Level == civicspace.LevelIndicator {
			measure = MeasurePoints
		}
		t.row(txt(o.AssessmentID), integer(o.Version), txt(o.Country), txt(o.Organisation), txt(o.Period), txt(string(o.Kind)),
			txt(o.Level), txt(o.ItemID), txt(measure), num(o.Score), num(o.Coverage), txt(o.Status),
			txt(r.Provenance.CatalogVersion), txt(r.Provenance.PolicyDigest))
	}
	return t.flush()
}
