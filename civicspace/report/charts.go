package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// RankingChart draws a ranking as horizontal bars: the ranked rows with
// their rank, score and coverage, then, under their own headings, the rows
// not ranked for low coverage (hatched bars) and those with no score. Each
// kind of assessment is drawn as its own section.
func RankingChart(w io.Writer, r *civicspace.RankingResult) error {
	type section struct {
		heading string
		rows    []civicspace.RankingRow
	}
	var sections []section
	var lastKind civicspace.Kind
	lastFlag := "-"
	for _, row := range r.Rows {
		if row.Kind != lastKind || row.Flag != lastFlag {
			h := kindTitle(row.Kind)
			switch row.Flag {
			case civicspace.FlagLowCoverage:
				h += fmt.Sprintf(": not ranked, coverage below %s", percentText(r.MinCoverage))
			case civicspace.FlagMissing:
				h += ": no score"
			default:
				h += ": ranked"
			}
			sections = append(sections, section{heading: h})
			lastKind, lastFlag = row.Kind, row.Flag
		}
		sections[len(sections)-1].rows = append(sections[len(sections)-1].rows, row)
	}

	title := fmt.Sprintf("Ranking on %s, %s", cmp.Or(r.Target.Title, r.Target.ID, "the civic space rating"), cmp.Or(r.Period, "no period"))
	var desc strings.Builder
	fmt.Fprintf(&desc, "%d ranked, %d not ranked for coverage below %s, %d without a score.", r.Counts.Ranked, r.Counts.LowCoverage, percentText(r.MinCoverage), r.Counts.Missing)
	for _, row := range r.Rows {
		switch {
		case row.Rank != nil:
			fmt.Fprintf(&desc, " %d. %s (%s): %s, coverage %s.", *row.Rank, row.Name, row.Kind, scoreText(row.Score), coverageText(row.Coverage))
		case row.Flag == civicspace.FlagLowCoverage:
			fmt.Fprintf(&desc, " Not ranked: %s (%s): %s, coverage %s.", row.Name, row.Kind, scoreText(row.Score), coverageText(row.Coverage))
		default:
			fmt.Fprintf(&desc, " No score: %s (%s).", row.Name, row.Kind)
		}
	}

	const width, rowH = 880.0, 22.0
	height := 92 + float64(len(sections))*34 + float64(len(r.Rows))*rowH + 30
	if len(r.Rows) == 0 {
		height += 30
	}
	s := newSVG("ranking", width, height, title, desc.String())
	hatch := s.hatch()
	s.text(24, 36, clip(title, 72), `font-size="20" font-weight="700"`)
	sub := fmt.Sprintf("%s · bars show the score 0-100 · coverage on the right · minimum coverage %s", scopeText(r), percentText(r.MinCoverage))
	s.text(24, 58, clip(sub, 118), `fill="`+colMuted+`"`)

	const rankX, nameX, barX, barW = 52.0, 62.0, 300.0, 380.0
	y := 80.0
	for _, t := range []float64{0, 50, 100} {
		x := barX + barW*t/100
		s.text(x, y, civicspace.FormatNumber(t), `text-anchor="middle" font-size="10" fill="`+colMuted+`"`)
	}
	if len(r.Rows) == 0 {
		s.text(24, y+30, "No published, scored assessment matches.", `fill="`+colMuted+`"`)
	}
	for _, sec := range sections {
		y += 34
		s.text(24, y, sec.heading, `font-size="14" font-weight="700"`)
		s.line(barX, y+6, barX, y+6+rowH*float64(len(sec.rows)), `stroke="`+colGrid+`"`)
		for _, row := range sec.rows {
			y += rowH
			if row.Rank != nil {
				s.text(rankX, y, fmt.Sprintf("%d", *row.Rank), `text-anchor="end" font-weight="700"`)
			} else {
				s.text(rankX, y, "–", `text-anchor="end" fill="`+colMuted+`"`)
			}
			label := row.Name + " (" + row.Country + ")"
			switch {
			case row.M49 == "" && row.Name != row.Country:
				label = row.Country + " (demo subject)" // a user-assigned code
			case row.Name == row.Country:
				label = row.Name
			}
			s.text(nameX, y, clip(label, 32), "")
			s.rect(barX, y-12, barW, 14, `fill="`+colTrack+`"`)
			switch {
			case row.Score == nil:
				s.text(barX+6, y, "no score", `font-style="italic" font-size="12" fill="`+colMuted+`"`)
			case row.Flag == civicspace.FlagLowCoverage:
				s.rect(barX, y-12, barW**row.Score/100, 14, `fill="`+hatch+`" stroke="`+colFlag+`"`)
				s.text(barX+barW**row.Score/100+6, y, civicspace.FormatNumber(*row.Score)+" (low coverage)", `font-size="12" fill="`+colMuted+`"`)
			default:
				s.rect(barX, y-12, barW**row.Score/100, 14, `fill="`+colBar+`"`)
				s.text(barX+barW**row.Score/100+6, y, civicspace.FormatNumber(*row.Score), `font-size="12" font-weight="700"`)
			}
			s.text(width-24, y, coverageText(row.Coverage), `text-anchor="end" font-size="12" fill="`+colMuted+`"`)
		}
	}
	return s.close(w)
}

func coverageText(c *float64) string {
	if c == nil {
		return "–"
	}
	return percentText(*c)
}

func scopeText(r *civicspace.RankingResult) string {
	parts := []string{}
	if r.Kind != "" {
		parts = append(parts, kindTitle(r.Kind))
	} else {
		parts = append(parts, "Every kind of assessment, ranked apart")
	}
	if r.Region != "" {
		parts = append(parts, "region "+r.Region)
	}
	if r.SubRegion != "" {
		parts = append(parts, "sub-region "+r.SubRegion)
	}
	return strings.Join(parts, " · ")
}

// lineStyles are the trend lines' colours (Okabe-Ito, safe for colour
// blindness) and dash patterns, so that lines differ in more than colour;
// every line is also named in the legend.
var lineStyles = []struct{ colour, dash string }{
	{"#000000", ""},
	{"#0072B2", "8 4"},
	{"#D55E00", "2 3"},
	{"#009E73", "10 3 2 3"},
	{"#CC79A7", "5 5"},
	{"#E69F00", "1 2"},
	{"#56B4E9", "12 4 4 4"},
	{"#8c564b", "3 6"},
}

// TrendChart draws a trend as one line chart per kind of assessment: the
// rating and the frameworks (or, for a trend of one framework, its groups
// too) across periods, with the periods without an assessment marked and
// the lines broken there, and the status changes listed below.
// WithCountries may give the country table that names the subject.
func TrendChart(w io.Writer, tr *civicspace.TrendResult, opts ...Option) error {
	o := newOptions(opts)
	name := tr.Subject
	if org, ok := strings.CutPrefix(tr.Subject, "org:"); ok {
		name = org
	} else if c, ok := o.countries.Lookup(tr.Subject); ok && !c.UserAssigned {
		name = cmp.Or(c.CommonName, c.Name) + " (" + c.Alpha3 + ")"
	} else if ok {
		name = tr.Subject + " (demo subject)"
	}
	title := "Trend of " + name
	if len(tr.Series) > 0 && len(tr.Series[0].Periods) > 0 {
		ps := tr.Series[0].Periods
		title += fmt.Sprintf(", %s to %s", ps[0].Period, ps[len(ps)-1].Period)
	}
	var desc strings.Builder
	if len(tr.Series) == 0 {
		desc.WriteString("No published, scored assessment of this subject matches.")
	}
	type panel struct {
		s       civicspace.TrendSeries
		items   []civicspace.TrendItem
		changes int
	}
	var panels []panel
	for _, s := range tr.Series {
		p := panel{s: s, items: chartItems(s.Items)}
		p.changes = min(len(s.StatusChanges), 12)
		panels = append(panels, p)
		fmt.Fprintf(&desc, "%s: ", kindTitle(s.Kind))
		for _, it := range p.items {
			fmt.Fprintf(&desc, "%s:", it.Title)
			for _, pt := range it.Points {
				if pt.Score == nil {
					fmt.Fprintf(&desc, " %s no score;", pt.Period)
				} else {
					fmt.Fprintf(&desc, " %s %s;", pt.Period, civicspace.FormatNumber(*pt.Score))
				}
			}
			desc.WriteString(" ")
		}
		fmt.Fprintf(&desc, "%d recommendation status changes. ", len(s.StatusChanges))
	}

	const width, plotH = 880.0, 240.0
	height := 70.0
	for _, p := range panels {
		height += 40 + plotH + 50 + 30 + 18*float64(max(p.changes, 1)) + 20
	}
	if len(panels) == 0 {
		height += 40
	}
	s := newSVG("trend", width, height, title, strings.TrimSpace(desc.String()))
	s.text(24, 36, clip(title, 72), `font-size="20" font-weight="700"`)
	s.text(24, 58, "Scores 0-100 by period · a gap in a line is a period without a published assessment", `fill="`+colMuted+`"`)
	y := 70.0
	if len(panels) == 0 {
		s.text(24, y+30, "No published, scored assessment of this subject matches.", `fill="`+colMuted+`"`)
	}
	const plotX, plotW = 60.0, 480.0
	for _, p := range panels {
		y += 30
		s.text(24, y, kindTitle(p.s.Kind), `font-size="15" font-weight="700"`)
		top := y + 14
		bottom := top + plotH
		for _, t := range []float64{0, 25, 50, 75, 100} {
			yy := bottom - plotH*t/100
			s.line(plotX, yy, plotX+plotW, yy, `stroke="`+colGrid+`"`)
			s.text(plotX-8, yy+4, civicspace.FormatNumber(t), `text-anchor="end" font-size="11" fill="`+colMuted+`"`)
		}
		n := len(p.s.Periods)
		xAt := func(i int) float64 {
			if n == 1 {
				return plotX + plotW/2
			}
			return plotX + 20 + (plotW-40)*float64(i)/float64(n-1)
		}
		yAt := func(v float64) float64 { return bottom - plotH*v/100 }
		for i, per := range p.s.Periods {
			x := xAt(i)
			s.text(x, bottom+18, per.Period, `text-anchor="middle" font-size="11"`)
			if per.Missing {
				s.line(x, top, x, bottom, `stroke="`+colFlag+`" stroke-dasharray="2 4"`)
				s.text(x, bottom+32, "no assessment", `text-anchor="middle" font-size="10" font-style="italic" fill="`+colMuted+`"`)
			}
		}
		for k, it := range p.items {
			st := lineStyles[k%len(lineStyles)]
			dash := ""
			if st.dash != "" {
				dash = ` stroke-dasharray="` + st.dash + `"`
			}
			// One path, broken (a new M) wherever a value is missing.
			var d strings.Builder
			pen := false
			for i, pt := range it.Points {
				if pt.Score == nil {
					pen = false
					continue
				}
				cmd := "L"
				if !pen {
					cmd = "M"
				}
				fmt.Fprintf(&d, "%s%s %s ", cmd, f1(xAt(i)), f1(yAt(*pt.Score)))
				pen = true
			}
			if d.Len() > 0 {
				s.raw(`<path d="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`+"\n", strings.TrimSpace(d.String()), st.colour, dash)
			}
			for i, pt := range it.Points {
				if pt.Score == nil {
					continue
				}
				s.raw(`<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s</title></circle>`+"\n",
					f1(xAt(i)), f1(yAt(*pt.Score)), st.colour, esc(fmt.Sprintf("%s, %s: %s", it.Title, pt.Period, civicspace.FormatNumber(*pt.Score))))
			}
			// Legend: a sample of the line, the item and its latest value
			// with the change.
			ly := top + 8 + 26*float64(k)
			lx := plotX + plotW + 24
			s.line(lx, ly-4, lx+28, ly-4, `stroke="`+st.colour+`" stroke-width="2.5"`+dash)
			label := clip(it.Title, 22) + ": " + lastValue(it.Points)
			attrs := ""
			if it.Level == civicspace.LevelRating || (k == 0 && it.Level == civicspace.LevelFramework) {
				attrs = `font-weight="700"`
			}
			s.text(lx+36, ly, label, attrs)
		}
		if len(p.s.Items) > len(p.items) {
			s.text(plotX+plotW+24, top+8+26*float64(len(p.items)), fmt.Sprintf("(%d more items in the data)", len(p.s.Items)-len(p.items)), `font-size="11" fill="`+colMuted+`"`)
		}
		y = bottom + 50
		y += 22
		s.text(24, y, "Recommendation status changes", `font-size="13" font-weight="700"`)
		if len(p.s.StatusChanges) == 0 {
			y += 18
			s.text(24, y, "None.", `fill="`+colMuted+`"`)
		}
		for i, c := range p.s.StatusChanges {
			y += 18
			if i == p.changes {
				s.text(24, y, fmt.Sprintf("… and %d more (see the JSON or CSV)", len(p.s.StatusChanges)-p.changes), `fill="`+colMuted+`"`)
				break
			}
			line := fmt.Sprintf("%s to %s: %s %s → %s", c.FromPeriod, c.ToPeriod, clip(c.Title, 50), statusWords(c.FromStatus), statusWords(c.ToStatus))
			s.text(24, y, line, "")
		}
		y += 20
	}
	return s.close(w)
}

// chartItems picks the lines a trend chart can show legibly: the rating
// and the frameworks; with no rating and one framework, its groups too; at
// most eight.
func chartItems(items []civicspace.TrendItem) []civicspace.TrendItem {
	frameworks := 0
	hasRating := false
	for _, it := range items {
		switch it.Level {
		case civicspace.LevelFramework:
			frameworks++
		case civicspace.LevelRating:
			hasRating = true
		}
	}
	var out []civicspace.TrendItem
	for _, it := range items {
		if it.Level == civicspace.LevelGroup && (hasRating || frameworks > 1) {
			continue
		}
		out = append(out, it)
	}
	if len(out) > len(lineStyles) {
		out = out[:len(lineStyles)]
	}
	return out
}

// lastValue is the latest score of a line with its change, and its period
// when that is not the last one.
func lastValue(points []civicspace.TrendPoint) string {
	for i := len(points) - 1; i >= 0; i-- {
		if p := points[i]; p.Score != nil {
			v := civicspace.FormatNumber(*p.Score)
			if i < len(points)-1 {
				return v + " in " + p.Period
			}
			if p.Change != nil {
				sign := ""
				switch {
				case *p.Change > 0:
					sign = "+"
				case *p.Change == 0:
					sign = "±"
				}
				v += " (" + sign + civicspace.FormatNumber(*p.Change) + ")"
			}
			return v
		}
	}
	return "no score"
}

func statusWords(s string) string {
	return strings.ReplaceAll(cmp.Or(s, "unknown"), "_", " ")
}
