package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"golang.org/x/term"
)

// Catalog items are printed for people: one line per item, wrapped to the
// terminal's width with a hanging indent. Scripts use --format json.

// defaultWidth is the width used when standard output is not a terminal
// and $COLUMNS does not say.
const defaultWidth = 100

// outputWidth is the width of w when it is a terminal, else $COLUMNS, else
// defaultWidth; never below 40.
func outputWidth(w io.Writer) int {
	width := defaultWidth
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			width = cols
		}
	} else if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		width = n
	}
	return max(width, 40)
}

// wrap writes text as lines of at most width runes: the first starts with
// first, the others with an indent as wide. A word longer than a line is
// left whole.
func wrap(w io.Writer, width int, first, text string) {
	indent := strings.Repeat(" ", len([]rune(first)))
	line, n := first, len([]rune(first))
	empty := true
	for _, word := range strings.Fields(text) {
		l := len([]rune(word))
		if !empty && n+1+l > width {
			fmt.Fprintln(w, line)
			line, n, empty = indent, len([]rune(indent)), true
		}
		if !empty {
			line, n = line+" ", n+1
		}
		line, n, empty = line+word, n+l, false
	}
	fmt.Fprintln(w, line)
}

// writeCatalogText lists the frameworks with their groups and
// recommendations, then the indicators, one wrapped entry each.
func writeCatalogText(w io.Writer, cat *civicspace.Catalog, width int) {
	fmt.Fprintf(w, "Catalog %s\nDigest: %s\n\n", cat.Version(), cat.Digest())
	for _, f := range cat.Frameworks() {
		wrap(w, width, f.ID+"  ", f.Title)
		var walk func(groups []*civicspace.Group, depth int)
		walk = func(groups []*civicspace.Group, depth int) {
			indent := strings.Repeat("  ", depth)
			for _, g := range groups {
				wrap(w, width, indent+g.ID+"  ", g.Title)
				for _, r := range g.Recommendations {
					wrap(w, width, indent+"  "+r.ID+"  ", fmt.Sprintf("%s (%s; %d indicators)", r.Title, roleList(r.Addressees), len(cat.IndicatorsFor(r.ID))))
				}
				walk(g.Groups, depth+1)
			}
		}
		walk(f.Groups, 1)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Indicators (type, direction, weight):")
	for _, ind := range cat.Indicators() {
		wrap(w, width, "  "+ind.ID+"  ", fmt.Sprintf("%s (%s, %s, %s)", ind.Question, ind.Type, ind.Direction, civicspace.FormatNumber(ind.Weight)))
	}
}

func roleList(roles []civicspace.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// writeItemText shows one catalog item: what it is, where it comes from,
// its text, and what it links to.
func writeItemText(w io.Writer, cat *civicspace.Catalog, id string, width int) error {
	field := func(name, value string) {
		if value != "" {
			wrap(w, width, fmt.Sprintf("%-12s", name+":"), value)
		}
	}
	source := func(s civicspace.Source) string {
		return strings.TrimSpace(strings.Join([]string{s.File, s.Section, linesOf(s.Lines)}, " "))
	}
	if f, ok := cat.Framework(id); ok {
		wrap(w, width, "Framework "+f.ID+": ", f.Title)
		field("Publisher", f.Publisher)
		field("Date", f.Date)
		field("Source", source(f.Source))
		fmt.Fprintln(w)
		wrap(w, width, "", f.Description)
		fmt.Fprintln(w, "\nGroups:")
		for _, g := range f.Groups {
			wrap(w, width, "  "+g.ID+"  ", g.Title)
		}
		return nil
	}
	if g, ok := cat.Group(id); ok {
		wrap(w, width, "Group "+g.ID+" ("+g.Kind+"): ", g.Title)
		field("Framework", g.Framework().ID)
		fmt.Fprintln(w)
		wrap(w, width, "", g.Description)
		fmt.Fprintln(w, "\nRecommendations:")
		for _, r := range cat.GroupRecommendations(g.ID) {
			wrap(w, width, "  "+r.ID+"  ", r.Title)
		}
		return nil
	}
	if r, ok := cat.Recommendation(id); ok {
		wrap(w, width, "Recommendation "+r.ID+": ", r.Title)
		field("Framework", r.Framework().ID+" ("+r.Framework().Title+")")
		field("Group", r.Group().ID+" ("+r.Group().Title+")")
		field("Number", r.Number)
		field("Addressees", roleList(r.Addressees))
		field("Source", source(r.Source))
		fmt.Fprintln(w)
		wrap(w, width, "", r.Text)
		fmt.Fprintln(w, "\nMeasured by:")
		for _, ind := range cat.IndicatorsFor(r.ID) {
			wrap(w, width, "  "+ind.ID+"  ", fmt.Sprintf("%s (%s)", ind.Question, ind.Type))
		}
		return nil
	}
	if ind, ok := cat.Indicator(id); ok {
		wrap(w, width, "Indicator "+ind.ID+": ", ind.Question)
		field("Type", fmt.Sprintf("%s, %s, weight %s", ind.Type, ind.Direction, civicspace.FormatNumber(ind.Weight)))
		field("Guidance", ind.Guidance)
		if ind.Scale != nil {
			for _, l := range ind.Scale.Levels {
				wrap(w, width, fmt.Sprintf("  %d  ", l.Value), strings.TrimSpace(l.Label+" "+l.Description))
			}
		}
		for _, o := range ind.Options {
			wrap(w, width, "  "+o.ID+"  ", fmt.Sprintf("%s (%s points)", o.Label, civicspace.FormatNumber(o.Points)))
		}
		fmt.Fprintln(w, "\nMeasures:")
		for _, r := range cat.RecommendationsFor(ind.ID) {
			wrap(w, width, "  "+r.ID+"  ", r.Title)
		}
		return nil
	}
	return civicspace.Errorf(civicspace.ENOTFOUND, "no framework, group, recommendation or indicator %q in catalog %s", id, cat.Version())
}

func linesOf(lines string) string {
	if lines == "" {
		return ""
	}
	return "lines " + lines
}
