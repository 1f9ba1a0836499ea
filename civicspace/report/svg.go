package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/civicspace/civicspace/civicspace"
)

// The pictures are hand-written SVG 1.1: a <title> and <desc> referenced by
// aria-labelledby on an element with role="img", the system font stack
// (no web fonts), no scripts, no links and no external references. Colours
// always come with words: a band, a flag or a line is named in text too.
// Coordinates are rounded to one decimal so the output is byte-stable.

// fontStack is the system font stack: every platform's own UI font.
const fontStack = `system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'Liberation Sans', sans-serif`

// Colours, chosen for contrast on white (text at least 7:1, marks 3:1).
const (
	colText   = "#1f2937"
	colMuted  = "#4b5563"
	colGrid   = "#d1d5db"
	colTrack  = "#f3f4f6"
	colBar    = "#1d4ed8"
	colBar2   = "#60a5fa"
	colFlag   = "#6b7280"
	colDanger = "#b91c1c"
)

// bandColours are a light fill (with dark text) and a dark fill (with white
// text) per band.
var bandColours = map[string][2]string{
	civicspace.BandOpen:       {"#bbf7d0", "#166534"},
	civicspace.BandNarrowed:   {"#d9f99d", "#3f6212"},
	civicspace.BandObstructed: {"#fde68a", "#92400e"},
	civicspace.BandRepressed:  {"#fed7aa", "#9a3412"},
	civicspace.BandClosed:     {"#fecaca", "#991b1b"},
}

// svgDoc builds one SVG document.
type svgDoc struct {
	b  strings.Builder
	id string // prefix of element IDs, unique per kind of picture
}

func newSVG(id string, width, height float64, title, desc string) *svgDoc {
	s := &svgDoc{id: id}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" font-family="%s" font-size="13" fill="%s">`+"\n",
		f1(width), f1(height), f1(width), f1(height), id, id, esc(fontStack), colText)
	fmt.Fprintf(&s.b, "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n", id, esc(title), id, esc(desc))
	fmt.Fprintf(&s.b, `<rect width="%s" height="%s" fill="#ffffff"/>`+"\n", f1(width), f1(height))
	return s
}

func (s *svgDoc) raw(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// text writes a text element; attrs are extra attributes, already escaped.
func (s *svgDoc) text(x, y float64, content string, attrs string) {
	if attrs != "" {
		attrs = " " + attrs
	}
	fmt.Fprintf(&s.b, `<text x="%s" y="%s"%s>%s</text>`+"\n", f1(x), f1(y), attrs, esc(content))
}

func (s *svgDoc) rect(x, y, w, h float64, attrs string) {
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" %s/>`+"\n", f1(x), f1(y), f1(w), f1(h), attrs)
}

func (s *svgDoc) line(x1, y1, x2, y2 float64, attrs string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" %s/>`+"\n", f1(x1), f1(y1), f1(x2), f1(y2), attrs)
}

func (s *svgDoc) close(w io.Writer) error {
	s.b.WriteString("</svg>\n")
	_, err := io.WriteString(w, s.b.String())
	return err
}

// hatch defines a diagonal hatch pattern (for values that are shown but
// not ranked) and returns its fill reference.
func (s *svgDoc) hatch() string {
	id := s.id + "-hatch"
	fmt.Fprintf(&s.b, `<defs><pattern id="%s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e5e7eb"/><line x1="0" y1="0" x2="0" y2="6" stroke="%s" stroke-width="2"/></pattern></defs>`+"\n", id, colFlag)
	return "url(#" + id + ")"
}

// f1 formats a coordinate with at most one decimal.
func f1(x float64) string {
	return strconv.FormatFloat(civicspace.Round1(x), 'f', -1, 64)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// esc escapes text for element content and attribute values, and drops
// the control characters XML 1.0 does not allow.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
	return xmlEscaper.Replace(s)
}

// clip shortens s to at most n characters, marking the cut with an
// ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func scoreText(p *float64) string {
	if p == nil {
		return "no score"
	}
	return civicspace.FormatNumber(*p)
}

func percentText(c float64) string {
	return civicspace.FormatNumber(civicspace.Round1(c*100)) + "%"
}

func kindTitle(k civicspace.Kind) string {
	switch k {
	case civicspace.KindSelf:
		return "Self-assessments"
	case civicspace.KindShadow:
		return "Shadow assessments"
	case civicspace.KindIndependent:
		return "Independent assessments"
	}
	return "Assessments"
}

func kindNoun(k civicspace.Kind) string {
	switch k {
	case civicspace.KindSelf:
		return "self-assessment"
	case civicspace.KindShadow:
		return "shadow assessment"
	case civicspace.KindIndependent:
		return "independent assessment"
	}
	return "assessment"
}

func subjectName(countries *civicspace.Countries, s civicspace.Subject) string {
	if s.Organisation != "" {
		return s.Organisation
	}
	if c, ok := countries.Lookup(s.Country); ok && !c.UserAssigned {
		if c.CommonName != "" {
			return c.CommonName
		}
		return c.Name
	}
	return s.Country + " (demo subject)"
}
