package report

import (
	"fmt"
	"io"

	"github.com/civicspace/civicspace/civicspace"
)

// SDMX-CSV, version 2.0.0 (SDMX 3.0) by default: the STRUCTURE,
// STRUCTURE_ID and ACTION columns first, then the dimensions, TIME_PERIOD,
// OBS_VALUE and the attributes. Version 1.0.0 (SDMX 2.1, as the UN SDG
// global dataflow serves it; WithSDMXVersion1) has one DATAFLOW column in
// place of the first three. The columns, and the codes they hold:
//
//   - STRUCTURE: "dataflow"; STRUCTURE_ID (2.0.0) and DATAFLOW (1.0.0):
//     Dataflow, "CIVICSPACE:DF_CIVIC_SPACE(1.0)"; ACTION: "I"
//     (information: the file is an extract, not an instruction to replace
//     or delete data).
//   - FREQ: "A" (annual) for a calendar-year period, "_O" (other) for a
//     date range.
//   - REF_AREA: the UN M49 numeric code of the country ("404"), or of the
//     region in aggregates ("001" world, "150" Europe, ...). A
//     user-assigned demo code has no M49 code: REF_AREA carries its
//     alpha-3 code ("XAA"), which cannot collide with the all-digit M49
//     codes; an organisation subject, and the aggregate of the countries
//     M49 does not classify, carry "_Z" (not applicable).
//   - ASSESSMENT_KIND: "SELF", "SHADOW" or "INDEPENDENT". It is a dimension
//     (part of the series key), because one country can hold values of two
//     kinds for the same item and period, and a key must be unique.
//   - FRAMEWORK: what is measured: "_T" (total) for the overall rating,
//     else the SDMX code of a framework, group, recommendation or
//     indicator: its ID with each dot made an underscore (SDMXCode:
//     "cndsi.focus-1" is "cndsi_focus-1"), as SDMX identifiers allow no
//     dots.
//   - MEASURE: SCORE (0-100), COVERAGE (percent of applicable indicators
//     answered), CHANGE (points since the previous period), RANK, POINTS
//     (an indicator's), and for aggregates COUNT, MEDIAN, MEAN, MIN, MAX.
//   - TIME_PERIOD: the year ("2025"), or a date range as its start and
//     duration ("2025-01-01/P181D").
//   - OBS_VALUE: the number, empty when missing.
//   - UNIT_MEASURE: "IX" (index 0-100), "PT" (percent), "NUMBER".
//   - OBS_STATUS: "A" (normal), "U" (low reliability: coverage below the
//     threshold), "O" (missing value).
//   - STATUS: the stored status: a rating band or a recommendation status,
//     or a ranking flag.
//
// Every coded column takes its codes from the code lists of the published
// structure (SDMXStructure, GET /v1/sdmx/structure).
//
// Text cells are neutralised against formula injection like CSV cells.

// Dataflow identifies the civic space dataflow in SDMX-CSV files.
const Dataflow = "CIVICSPACE:DF_CIVIC_SPACE(1.0)"

// sdmxColumns are the columns after the structure columns.
var sdmxColumns = []string{"FREQ", "REF_AREA", "ASSESSMENT_KIND", "FRAMEWORK", "MEASURE", "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "STATUS"}

// SDMXHeader is the header row of every SDMX-CSV 2.0.0 file this package
// writes; SDMX1Header that of SDMX-CSV 1.0.0.
var (
	SDMXHeader  = append([]string{"STRUCTURE", "STRUCTURE_ID", "ACTION"}, sdmxColumns...)
	SDMX1Header = append([]string{"DATAFLOW"}, sdmxColumns...)
)

// The SDMX codes used.
const (
	sdmxTotal         = "_T"
	sdmxNotApplicable = "_Z"
	unitIndex         = "IX"
	unitPercent       = "PT"
	unitNumber        = "NUMBER"
	obsNormal         = "A"
	obsLowReliability = "U"
	obsMissing        = "O"
)

// sdmxTable writes SDMX-CSV rows: each starts with the structure cells
// of its version.
type sdmxTable struct {
	*table
	prefix []cell
}

func newSDMX(w io.Writer, opts []Option) sdmxTable {
	if newOptions(opts).sdmx1 {
		return sdmxTable{newTable(w, SDMX1Header...), []cell{txt(Dataflow)}}
	}
	return sdmxTable{newTable(w, SDMXHeader...), []cell{txt("dataflow"), txt(Dataflow), txt("I")}}
}

// obs writes one observation. A nil value is written as missing.
func (t sdmxTable) obs(period, area string, kind civicspace.Kind, item, measure string, value *float64, unit, obsStatus, status string) {
	freq, timePeriod := sdmxTime(period)
	if value == nil {
		obsStatus = obsMissing
	}
	t.row(append(t.prefix[:len(t.prefix):len(t.prefix)], txt(freq), txt(area), txt(sdmxKind(kind)), txt(item), txt(measure), txt(timePeriod),
		num(value), txt(unit), txt(obsStatus), txt(status))...)
}

// sdmxTime returns the FREQ and TIME_PERIOD of a period.
func sdmxTime(period string) (freq, timePeriod string) {
	p, err := civicspace.ParsePeriod(period)
	if err != nil {
		return sdmxNotApplicable, period
	}
	if p.Start.Month() == 1 && p.Start.Day() == 1 && p.End.Month() == 12 && p.End.Day() == 31 && p.Start.Year() == p.End.Year() && len(period) == 4 {
		return "A", period
	}
	days := int(p.End.Sub(p.Start).Hours()/24) + 1
	return "_O", fmt.Sprintf("%s/P%dD", p.Start.Format("2006-01-02"), days)
}

func sdmxKind(k civicspace.Kind) string {
	switch k {
	case civicspace.KindSelf:
		return "SELF"
	case civicspace.KindShadow:
		return "SHADOW"
	case civicspace.KindIndependent:
		return "INDEPENDENT"
	}
	return sdmxNotApplicable
}

func sdmxItem(t civicspace.Target) string {
	if t.Level == civicspace.LevelRating {
		return sdmxTotal
	}
	return SDMXCode(t.ID)
}

// refArea is the REF_AREA of a subject key: its M49 code, its
// user-assigned alpha-3 code, or _Z for an organisation.
func refArea(countries *civicspace.Countries, subject string) string {
	c, ok := countries.Lookup(subject)
	switch {
	case !ok:
		return sdmxNotApplicable
	case c.UserAssigned:
		return c.Alpha3
	case c.Numeric != "":
		return c.Numeric
	}
	return sdmxNotApplicable
}

func percent(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return civicspace.Float(civicspace.Round1(*p * 100))
}

// RankingSDMX writes a ranking as SDMX-CSV: for each row its SCORE,
// COVERAGE and RANK (missing when not ranked; OBS_STATUS U when flagged
// for low coverage).
func RankingSDMX(w io.Writer, r *civicspace.RankingResult, opts ...Option) error {
	t := newSDMX(w, opts)
	item := sdmxItem(r.Target)
	for _, row := range r.Rows {
		area := row.M49
		if area == "" {
			area = row.Country // a user-assigned demo code
		}
		st := obsNormal
		if row.Flag == civicspace.FlagLowCoverage {
			st = obsLowReliability
		}
		status := row.Status
		if row.Flag != "" {
			status = row.Flag
		}
		var rank *float64
		if row.Rank != nil {
			rank = civicspace.Float(float64(*row.Rank))
		}
		t.obs(r.Period, area, row.Kind, item, "SCORE", row.Score, unitIndex, st, status)
		t.obs(r.Period, area, row.Kind, item, "COVERAGE", percent(row.Coverage), unitPercent, obsNormal, "")
		t.obs(r.Period, area, row.Kind, item, "RANK", rank, unitNumber, st, row.Flag)
	}
	return t.flush()
}

// TrendSDMX writes a trend as SDMX-CSV: for each item and period its SCORE,
// COVERAGE and CHANGE. A period without an assessment is written with
// missing values, not left out.
func TrendSDMX(w io.Writer, tr *civicspace.TrendResult, countries *civicspace.Countries, opts ...Option) error {
	t := newSDMX(w, opts)
	area := refArea(countries, tr.Subject)
	for _, s := range tr.Series {
		for _, it := range s.Items {
			item := sdmxItem(civicspace.Target{Level: it.Level, ID: it.ID})
			for _, p := range it.Points {
				t.obs(p.Period, area, s.Kind, item, "SCORE", p.Score, unitIndex, obsNormal, p.Status)
				t.obs(p.Period, area, s.Kind, item, "COVERAGE", percent(p.Coverage), unitPercent, obsNormal, "")
				t.obs(p.Period, area, s.Kind, item, "CHANGE", p.Change, unitIndex, obsNormal, "")
			}
		}
	}
	return t.flush()
}

// RegionsSDMX writes region aggregates as SDMX-CSV, REF_AREA being the M49
// code of the area: COUNT, MEDIAN, MEAN, MIN and MAX of each.
func RegionsSDMX(w io.Writer, r *civicspace.RegionResult, opts ...Option) error {
	t := newSDMX(w, opts)
	item := sdmxItem(r.Target)
	for _, a := range r.Aggregates {
		area := a.Code
		if area == "" {
			area = sdmxNotApplicable
		}
		t.obs(r.Period, area, a.Kind, item, "COUNT", civicspace.Float(float64(a.Count)), unitNumber, obsNormal, "")
		t.obs(r.Period, area, a.Kind, item, "MEDIAN", a.Median, unitIndex, obsNormal, "")
		t.obs(r.Period, area, a.Kind, item, "MEAN", a.Mean, unitIndex, obsNormal, "")
		t.obs(r.Period, area, a.Kind, item, "MIN", a.Min, unitIndex, obsNormal, "")
		t.obs(r.Period, area, a.Kind, item, "MAX", a.Max, unitIndex, obsNormal, "")
	}
	return t.flush()
}

// GapSDMX writes the numbers of a shadow-versus-self comparison as
// SDMX-CSV, each under the kind of the assessment it comes from: the
// rating, every framework and group, the recommendations whose status
// differs (SCORE), and the indicators they disagree on (POINTS).
func GapSDMX(w io.Writer, g *civicspace.GapResult, countries *civicspace.Countries, opts ...Option) error {
	t := newSDMX(w, opts)
	area := refArea(countries, g.Country)
	pair := func(item, measure, unit string, self, shadow *float64, selfStatus, shadowStatus string) {
		t.obs(g.Period, area, g.Self.Kind, item, measure, self, unit, obsNormal, selfStatus)
		t.obs(g.Period, area, g.Shadow.Kind, item, measure, shadow, unit, obsNormal, shadowStatus)
	}
	pair(sdmxTotal, "SCORE", unitIndex, g.Rating.Self, g.Rating.Shadow, g.Rating.SelfStatus, g.Rating.ShadowStatus)
	for _, s := range g.Frameworks {
		pair(SDMXCode(s.ID), "SCORE", unitIndex, s.Self, s.Shadow, s.SelfStatus, s.ShadowStatus)
	}
	for _, r := range g.Recommendations {
		pair(SDMXCode(r.Recommendation), "SCORE", unitIndex, r.Self, r.Shadow, r.SelfStatus, r.ShadowStatus)
	}
	for _, ig := range g.Indicators {
		pair(SDMXCode(ig.Indicator), "POINTS", unitIndex, ig.Self.Points, ig.Shadow.Points, ig.Self.Answer, ig.Shadow.Answer)
	}
	return t.flush()
}
