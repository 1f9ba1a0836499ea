package report

import (
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

// GapCSVHeader is the header of GapCSV. The shadow columns hold the
// assessment compared with the self-assessment, whatever its kind
// (shadow_kind).
var GapCSVHeader = []string{"country", "period", "shadow_kind", "level", "id", "title", "issues",
	"self_answer", "self_value", "self_score", "shadow_answer", "shadow_value", "shadow_score", "difference",
	"self_status", "shadow_status", "self_evidence", "shadow_evidence", "recommendations", "self_comment", "shadow_comment"}

// GapCSV writes a shadow-versus-self comparison: the rating, every
// framework and group, each recommendation whose status differs, then each
// indicator they disagree on (biggest difference first), one row each.
// Scores are points for indicators; evidence columns count sources.
func GapCSV(w io.Writer, g *civicspace.GapResult) error {
	t := newTable(w, GapCSVHeader...)
	head := []cell{txt(g.Country), txt(g.Period), txt(string(g.Shadow.Kind))}
	score := func(s civicspace.ScoreGap) {
		t.row(append(head, txt(s.Level), txt(s.ID), txt(s.Title), cell{},
			cell{}, cell{}, num(s.Self), cell{}, cell{}, num(s.Shadow), num(s.Difference),
			txt(s.SelfStatus), txt(s.ShadowStatus), cell{}, cell{}, cell{}, cell{}, cell{})...)
	}
	score(g.Rating)
	for _, s := range g.Frameworks {
		score(s)
	}
	for _, r := range g.Recommendations {
		t.row(append(head, txt(civicspace.LevelRecommendation), txt(r.Recommendation), txt(r.Title), txt("status"),
			cell{}, cell{}, num(r.Self), cell{}, cell{}, num(r.Shadow), num(r.Difference),
			txt(r.SelfStatus), txt(r.ShadowStatus), cell{}, cell{}, txt(strings.Join(r.Indicators, " ")), cell{}, cell{})...)
	}
	for _, ig := range g.Indicators {
		t.row(append(head, txt(civicspace.LevelIndicator), txt(ig.Indicator), txt(ig.Question), txt(strings.Join(ig.Issues, " ")),
			txt(ig.Self.Answer), txt(valueText(ig.Self.Value)), num(ig.Self.Points),
			txt(ig.Shadow.Answer), txt(valueText(ig.Shadow.Value)), num(ig.Shadow.Points), num(ig.Difference),
			cell{}, cell{}, integer(len(ig.Self.Evidence)), integer(len(ig.Shadow.Evidence)),
			txt(strings.Join(ig.Recommendations, " ")), txt(ig.Self.Comment), txt(ig.Shadow.Comment))...)
	}
	return t.flush()
}

// valueText is an answer's value as a cell: true/false, a number, or an
// option ID (without JSON quotes).
func valueText(v *civicspace.Value) string {
	if v == nil {
		return ""
	}
	if id, ok := v.Option(); ok {
		return id
	}
	return v.String()
}
