package report

import (
	"encoding/json"
	"io"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// Format is an output format.
type Format string

// The formats.
const (
	JSON Format = "json"
	CSV  Format = "csv"
	SDMX Format = "sdmx" // SDMX-CSV 1.0
	SVG  Format = "svg"
)

// Formats lists every format, JSON (the default) first.
var Formats = []Format{JSON, CSV, SDMX, SVG}

// ParseFormat reads a format name as given to --format or ?format=
// ("sdmx-csv" is accepted for SDMX). An unknown name is an EINVALID error.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return JSON, nil
	case JSON, CSV, SDMX, SVG:
		return f, nil
	case "sdmx-csv":
		return SDMX, nil
	}
	return "", civicspace.Errorf(civicspace.EINVALID, "unknown format %q: use json, csv, sdmx or svg", s)
}

// The media types of the formats.
const (
	MediaJSON = "application/json"
	MediaCSV  = "text/csv"
	MediaSDMX = "application/vnd.sdmx.data+csv"
	MediaSVG  = "image/svg+xml"
)

// ContentType is the Content-Type to serve the format with.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return MediaCSV + "; charset=utf-8; header=present"
	case SDMX:
		return MediaSDMX + "; version=1.0.0; charset=utf-8"
	case SVG:
		return MediaSVG
	}
	return MediaJSON
}

// Extension is the usual file name extension of the format.
func (f Format) Extension() string {
	if f == SDMX {
		return ".csv"
	}
	return "." + string(f)
}

func (f Format) mediaType() string {
	mt, _, _ := mime.ParseMediaType(f.ContentType())
	return mt
}

// Negotiate picks the format an Accept header prefers among offered (the
// first offered wins ties and answers an empty header or */*). It reports
// false when the header accepts none of them (HTTP 406).
func Negotiate(accept string, offered ...Format) (Format, bool) {
	if len(offered) == 0 {
		return "", false
	}
	if strings.TrimSpace(accept) == "" {
		return offered[0], true
	}
	best, bestQ, bestSpec := Format(""), 0.0, -1
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		if q == 0 {
			continue
		}
		for _, f := range offered {
			spec := specificity(mt, f.mediaType())
			if spec < 0 {
				continue
			}
			// Higher q wins, then the more specific range, then the
			// server's order.
			if q > bestQ || (q == bestQ && spec > bestSpec) {
				best, bestQ, bestSpec = f, q, spec
			}
			break
		}
	}
	return best, best != ""
}

// specificity says how a media range matches a media type: -1 not at all,
// 0 for */*, 1 for type/*, 2 exactly.
func specificity(rng, mt string) int {
	switch {
	case rng == mt:
		return 2
	case rng == "*/*":
		return 0
	case strings.HasSuffix(rng, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(rng, "*")):
		return 1
	}
	return -1
}

// Option sets an optional input of Write.
type Option func(*options)

type options struct {
	cat       *civicspace.Catalog
	countries *civicspace.Countries
}

// WithCatalog gives the catalog that names frameworks and groups in a
// scorecard.
func WithCatalog(cat *civicspace.Catalog) Option { return func(o *options) { o.cat = cat } }

// WithCountries gives the country table that maps subjects to M49 codes
// and names; the default is civicspace.DefaultCountries().
func WithCountries(c *civicspace.Countries) Option { return func(o *options) { o.countries = c } }

func newOptions(opts []Option) *options {
	o := &options{}
	for _, opt := range opts {
		opt(o)
	}
	if o.countries == nil {
		o.countries = civicspace.DefaultCountries()
	}
	return o
}

// FormatsFor lists the formats Write supports for a value of v's type.
func FormatsFor(v any) []Format {
	switch v.(type) {
	case *civicspace.RankingResult, *civicspace.TrendResult:
		return []Format{JSON, CSV, SDMX, SVG}
	case *civicspace.RegionResult, *civicspace.GapResult:
		return []Format{JSON, CSV, SDMX}
	case *civicspace.Result:
		return []Format{JSON, SVG}
	}
	return []Format{JSON}
}

// Write writes v in format f: a comparison (*civicspace.RankingResult,
// *TrendResult, *RegionResult, *GapResult) or a score
// (*civicspace.Result, whose SVG is its scorecard). A format the value
// has no form in is an EINVALID error; see FormatsFor.
func Write(w io.Writer, f Format, v any, opts ...Option) error {
	if !slices.Contains(FormatsFor(v), f) {
		return civicspace.Errorf(civicspace.EINVALID, "format %s is not available here: use %s", f, joinFormats(FormatsFor(v)))
	}
	if f == JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	o := newOptions(opts)
	switch v := v.(type) {
	case *civicspace.RankingResult:
		switch f {
		case CSV:
			return RankingCSV(w, v)
		case SDMX:
			return RankingSDMX(w, v)
		}
		return RankingChart(w, v)
	case *civicspace.TrendResult:
		switch f {
		case CSV:
			return TrendCSV(w, v)
		case SDMX:
			return TrendSDMX(w, v, o.countries)
		}
		return TrendChart(w, v, WithCountries(o.countries))
	case *civicspace.RegionResult:
		if f == CSV {
			return RegionsCSV(w, v)
		}
		return RegionsSDMX(w, v)
	case *civicspace.GapResult:
		if f == CSV {
			return GapCSV(w, v)
		}
		return GapSDMX(w, v, o.countries)
	case *civicspace.Result:
		return Scorecard(w, v, o.cat, WithCountries(o.countries))
	}
	return civicspace.Errorf(civicspace.EINVALID, "nothing to write")
}

func joinFormats(fs []Format) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}
