package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// Scorecard draws one assessment's result: the rating and its band, the
// red flags raised and the caps they put on the rating, and every
// framework's and group's score as a bar with its coverage. cat names the
// frameworks and groups (nil shows their IDs); WithCountries may give the
// country table that names the subject.
func Scorecard(w io.Writer, r *civicspace.Result, cat *civicspace.Catalog, opts ...Option) error {
	o := newOptions(opts)
	name := subjectName(o.countries, r.Subject)
	title := fmt.Sprintf("Civic space scorecard: %s, %s", name, r.Period)

	type row struct {
		label    string
		score    *float64
		coverage float64
		status   string
		depth    int
	}
	var rows []row
	var walk func([]civicspace.GroupScore, int)
	walk = func(gs []civicspace.GroupScore, depth int) {
		for _, g := range gs {
			rows = append(rows, row{groupTitle(cat, g.ID), g.Score, g.Coverage, g.Status, depth})
			walk(g.Groups, depth+1)
		}
	}
	for _, f := range r.Frameworks {
		rows = append(rows, row{frameworkTitle(cat, f.ID) + frameworkMarks(f), f.Score, f.Coverage, f.Status, 0})
		walk(f.Groups, 1)
	}

	// The description says in words what the picture shows.
	var desc strings.Builder
	fmt.Fprintf(&desc, "%s of %s for %s. Rating %s of 100, band %s, coverage %s.",
		capitalise(kindNoun(r.Kind)), name, r.Period, scoreText(r.Rating.Score), cmp.Or(r.Rating.Band, "none"), percentText(r.Rating.Coverage))
	if len(r.Rating.Caps) == 0 {
		desc.WriteString(" No red flag raised.")
	}
	for _, c := range r.Rating.Caps {
		fmt.Fprintf(&desc, " Red flag: %s, caps the rating at %s%s.", c.Title, civicspace.FormatNumber(c.Cap), appliedText(c.Applied))
	}
	for _, x := range rows {
		if x.depth == 0 {
			fmt.Fprintf(&desc, " %s: %s (coverage %s).", x.label, scoreText(x.score), percentText(x.coverage))
		}
	}

	const width = 880.0
	flagsH := 28.0 + 22*float64(max(1, len(r.Rating.Caps)))
	top := 216.0 + flagsH
	height := top + 46 + 24*float64(len(rows)) + 40
	s := newSVG("scorecard", width, height, title, desc.String())

	// Header.
	s.text(24, 38, clip(title, 70), `font-size="22" font-weight="700"`)
	sub := fmt.Sprintf("%s · roles: %s · catalog %s", capitalise(kindNoun(r.Kind)), joinRoles(r.Roles), cmp.Or(r.Provenance.CatalogVersion, "unknown"))
	s.text(24, 60, clip(sub, 110), `fill="`+colMuted+`"`)

	// Rating: the number, the band badge and the ordinal band scale.
	s.text(24, 92, "Rating", `font-size="14" font-weight="700"`)
	if r.Rating.Score != nil {
		s.raw(`<text x="24" y="140"><tspan font-size="44" font-weight="700">%s</tspan><tspan dx="8" font-size="16" fill="%s">/ 100</tspan></text>`+"\n",
			esc(scoreText(r.Rating.Score)), colMuted)
	} else {
		s.text(24, 140, "no score", `font-size="28" font-weight="700"`)
	}
	cov := "coverage " + percentText(r.Rating.Coverage)
	if r.Rating.Uncapped != nil && r.Rating.Score != nil && *r.Rating.Uncapped != *r.Rating.Score {
		cov += " · " + civicspace.FormatNumber(*r.Rating.Uncapped) + " before red-flag caps"
	}
	s.text(24, 164, cov, `fill="`+colMuted+`"`)

	band := r.Rating.Band
	bx, by := 300.0, 84.0
	if c, ok := bandColours[band]; ok {
		s.rect(bx, by, 180, 30, `rx="4" fill="`+c[1]+`"`)
		s.text(bx+90, by+20, "Band: "+strings.ToUpper(band), `text-anchor="middle" font-weight="700" fill="#ffffff"`)
	} else if band == civicspace.BandInsufficientData {
		s.text(bx, by+20, "No band: coverage below the minimum of "+percentText(r.Rating.MinCoverage), `fill="`+colMuted+`"`)
	} else {
		s.text(bx, by+20, "No band: nothing applicable was answered", `fill="`+colMuted+`"`)
	}
	segW := 96.0
	for i, b := range civicspace.Bands {
		x := bx + float64(i)*(segW+4)
		c := bandColours[b]
		attrs := `fill="` + c[0] + `"`
		if b == band {
			attrs += ` stroke="` + colText + `" stroke-width="2.5"`
		}
		s.rect(x, 128, segW, 26, attrs)
		weight := ""
		if b == band {
			weight = ` font-weight="700"`
		}
		s.text(x+segW/2, 145, b, `text-anchor="middle"`+weight)
		if b == band {
			s.raw(`<path d="M%s 164 l-6 9 h12 z" fill="%s"/>`+"\n", f1(x+segW/2), colText)
			s.text(x+segW/2, 188, "this assessment", `text-anchor="middle" font-size="11" fill="`+colMuted+`"`)
		}
	}
	s.text(bx, 188, "best", `font-size="11" fill="`+colMuted+`"`)
	s.text(bx+5*(segW+4)-4, 188, "worst", `text-anchor="end" font-size="11" fill="`+colMuted+`"`)

	// Red flags.
	y := 200.0 + 14
	s.text(24, y, "Red flags", `font-size="14" font-weight="700"`)
	y += 24
	if len(r.Rating.Caps) == 0 {
		s.text(24, y, "No red flag raised.", `fill="`+colMuted+`"`)
	}
	for _, c := range r.Rating.Caps {
		s.raw(`<path d="M%s %s l7 -12 l7 12 z" fill="%s"/>`+"\n", f1(24), f1(y+2), colDanger)
		s.text(31, y, "!", `text-anchor="middle" font-size="10" font-weight="700" fill="#ffffff"`)
		line := fmt.Sprintf("%s (%s): cap %s, %s", c.Title, c.Indicator, civicspace.FormatNumber(c.Cap), capEffect(c.Applied))
		s.text(44, y, clip(line, 112), `fill="`+colDanger+`"`)
		y += 22
	}

	// Frameworks and groups.
	y = top + 8
	s.text(24, y, "Frameworks and groups", `font-size="14" font-weight="700"`)
	const barX, barW, statusX = 310.0, 330.0, 700.0
	s.text(statusX, y, "status", `font-size="11" fill="`+colMuted+`"`)
	s.text(width-24, y, "coverage", `text-anchor="end" font-size="11" fill="`+colMuted+`"`)
	y += 16
	for _, t := range []float64{0, 25, 50, 75, 100} {
		x := barX + barW*t/100
		s.line(x, y+4, x, y+14+24*float64(len(rows)), `stroke="`+colGrid+`" stroke-width="1"`)
		s.text(x, y, civicspace.FormatNumber(t), `text-anchor="middle" font-size="10" fill="`+colMuted+`"`)
	}
	y += 8
	for _, x := range rows {
		y += 24
		attrs := `font-weight="700"`
		labelX := 24.0
		barH, fill := 14.0, colBar
		if x.depth > 0 {
			attrs = ""
			labelX += 16 * float64(x.depth)
			barH, fill = 10, colBar2
		}
		// Leave the label the room left of the bars, at a conservative
		// width per character (fonts differ between systems).
		perChar := 7.8
		if x.depth == 0 {
			perChar = 8.8
		}
		s.text(labelX, y, clip(x.label, int((barX-labelX-12)/perChar)), attrs)
		s.rect(barX, y-barH+2, barW, barH, `fill="`+colTrack+`"`)
		if x.score != nil {
			s.rect(barX, y-barH+2, barW**x.score/100, barH, `fill="`+fill+`"`)
			s.text(barX+barW**x.score/100+6, y, civicspace.FormatNumber(*x.score), `font-weight="700" font-size="12"`)
		} else {
			s.text(barX+6, y, "no score", `font-style="italic" font-size="12" fill="`+colMuted+`"`)
		}
		s.text(statusX, y, statusWords(x.status), `font-size="12"`)
		s.text(width-24, y, percentText(x.coverage), `text-anchor="end" font-size="12" fill="`+colMuted+`"`)
	}
	foot := "Computed by policy " + shortDigest(r.Provenance.PolicyDigest) + " with " + cmp.Or(r.Provenance.EngineVersion, "an unknown engine")
	s.text(24, height-16, clip(foot, 120), `font-size="11" fill="`+colMuted+`"`)
	return s.close(w)
}

// frameworkMarks says, after a framework's title, how much of it the
// catalog holds when that is not all of it, and its confidence when it is
// not confirmed.
func frameworkMarks(f civicspace.FrameworkScore) string {
	var m string
	if f.Scope.Provisions > f.Scope.Catalogued {
		m += fmt.Sprintf(" (%d of %d)", f.Scope.Catalogued, f.Scope.Provisions)
	}
	if f.Confidence != "" && f.Confidence != civicspace.Confirmed {
		m += " [" + string(f.Confidence) + "]"
	}
	return m
}

func capEffect(applied bool) string {
	if applied {
		return "applied"
	}
	return "not applied (the rating is already lower)"
}

func appliedText(applied bool) string {
	if applied {
		return " (applied: it lowered the rating)"
	}
	return " (not applied: the rating is already lower)"
}

func frameworkTitle(cat *civicspace.Catalog, id string) string {
	if cat != nil {
		if f, ok := cat.Framework(id); ok {
			return cmp.Or(f.ShortTitle, f.Title)
		}
	}
	return id
}

func groupTitle(cat *civicspace.Catalog, id string) string {
	if cat != nil {
		if g, ok := cat.Group(id); ok {
			return g.Title
		}
	}
	return id
}

func joinRoles(rs []civicspace.Role) string {
	if len(rs) == 0 {
		return "none"
	}
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func shortDigest(d string) string {
	if d == "" {
		return "unknown"
	}
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
