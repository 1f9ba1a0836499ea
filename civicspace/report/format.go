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
	JSON  Format = "json"
	CSV   Format = "csv"
	SDMX  Format = "sdmx"     // SDMX-CSV 2.0.0 (SDMX 3.0)
	SDMX1 Format = "sdmx-1.0" // SDMX-CSV 1.0.0 (SDMX 2.1), as the UN SDG API serves it
	SVG   Format = "svg"
)

// Formats lists every format, JSON (the default) first.
var Formats = []Format{JSON, CSV, SDMX, SDMX1, SVG}

// ParseFormat reads a format name as given to --format or ?format=
// ("sdmx-csv" and "sdmx-2.0" are accepted for SDMX). An unknown name is an
// EINVALID error.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return JSON, nil
	case JSON, CSV, SDMX, SDMX1, SVG:
		return f, nil
	case "sdmx-csv", "sdmx-2.0":
		return SDMX, nil
	}
	return "", civicspace.Errorf(civicspace.EINVALID, "unknown format %q: use json, csv, sdmx, sdmx-1.0 or svg", s)
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
		return MediaSDMX + "; version=2.0.0; charset=utf-8"
	case SDMX1:
		return MediaSDMX + "; version=1.0.0; charset=utf-8"
	case SVG:
		return MediaSVG
	}
	return MediaJSON
}

// Extension is the usual file name extension of the format.
func (f Format) Extension() string {
	if f == SDMX || f == SDMX1 {
		return ".csv"
	}
	return "." + string(f)
}

// mediaType is the format's media type and the major version its version
// parameter names ("2" for SDMX-CSV 2.0.0, "" without one).
func (f Format) mediaType() (string, string) {
	mt, params, _ := mime.ParseMediaType(f.ContentType())
	return mt, majorVersion(params["version"])
}

func majorVersion(v string) string {
	major, _, _ := strings.Cut(strings.TrimSpace(v), ".")
	return major
}

// Negotiate picks the format an Accept header prefers among offered (the
// first offered wins ties and answers an empty header or */*). A media range
// with a version parameter, such as "application/vnd.sdmx.data+csv;
// version=1.0.0", only matches a format of that major version. It reports
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
			media, version := f.mediaType()
			spec := specificity(mt, media)
			if spec < 0 || (spec == 2 && params["version"] != "" && majorVersion(params["version"]) != version) {
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
	sdmx1     bool
	bom       bool
}

// BOM is the UTF-8 byte-order mark. Excel on Windows reads a CSV file as
// UTF-8 only when it starts with one (without, "Côte d'Ivoire" shows as
// "CÃ´te d'Ivoire"); Python then reads it with encoding="utf-8-sig", R's
// readr drops it by itself.
const BOM = "\ufeff"

// WithBOM makes Write start a CSV or SDMX-CSV file with the UTF-8
// byte-order mark, for spreadsheets. Other formats ignore it.
func WithBOM() Option { return func(o *options) { o.bom = true } }

// Tabular reports whether the format is a CSV table (CSV or SDMX-CSV).
func (f Format) Tabular() bool { return f == CSV || f == SDMX || f == SDMX1 }

// FileName is a file name for a document of format f made of parts
// ("ranking", "2025", "self" → "ranking-2025-self.csv"): empty parts are
// left out, and any character other than an ASCII letter, digit, dot or
// hyphen becomes "_" (a date range's slash, a space), so that the name is
// safe in a Content-Disposition header and on every file system.
func FileName(f Format, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		for _, r := range p {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
				b.WriteRune(r)
			default:
				b.WriteByte('_')
			}
		}
	}
	if b.Len() == 0 {
		b.WriteString("civicspace")
	}
	return b.String() + f.Extension()
}

// WithCatalog gives the catalog that names frameworks and groups in a
// scorecard.
func WithCatalog(cat *civicspace.Catalog) Option { return func(o *options) { o.cat = cat } }

// WithCountries gives the country table that maps subjects to M49 codes
// and names; the default is civicspace.DefaultCountries().
func WithCountries(c *civicspace.Countries) Option { return func(o *options) { o.countries = c } }

// WithSDMXVersion1 makes the SDMX writers write SDMX-CSV 1.0.0 (a DATAFLOW
// column first) instead of 2.0.0 (STRUCTURE, STRUCTURE_ID and ACTION
// first). Write sets it for the SDMX1 format.
func WithSDMXVersion1() Option { return func(o *options) { o.sdmx1 = true } }

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
		return []Format{JSON, CSV, SDMX, SDMX1, SVG}
	case *civicspace.RegionResult, *civicspace.GapResult:
		return []Format{JSON, CSV, SDMX, SDMX1}
	case *civicspace.Result:
		return []Format{JSON, SVG}
	case *civicspace.StoredScore:
		return []Format{JSON, CSV}
	}
	return []Format{JSON}
}

// Write writes v in format f: a comparison (*civicspace.RankingResult,
// *TrendResult, *RegionResult, *GapResult) or a score
// (*civicspace.Result, whose SVG is its scorecard; *civicspace.StoredScore,
// whose CSV is ScoreCSV). A format the value
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
	if f == SDMX1 {
		opts = append(opts, WithSDMXVersion1())
		f = SDMX
	}
	o := newOptions(opts)
	if o.bom && f.Tabular() {
		if _, err := io.WriteString(w, BOM); err != nil {
			return err
		}
	}
	switch v := v.(type) {
	case *civicspace.RankingResult:
		switch f {
		case CSV:
			return RankingCSV(w, v)
		case SDMX:
			return RankingSDMX(w, v, opts...)
		}
		return RankingChart(w, v)
	case *civicspace.TrendResult:
		switch f {
		case CSV:
			return TrendCSV(w, v)
		case SDMX:
			return TrendSDMX(w, v, o.countries, opts...)
		}
		return TrendChart(w, v, WithCountries(o.countries))
	case *civicspace.RegionResult:
		if f == CSV {
			return RegionsCSV(w, v)
		}
		return RegionsSDMX(w, v, opts...)
	case *civicspace.GapResult:
		if f == CSV {
			return GapCSV(w, v)
		}
		return GapSDMX(w, v, o.countries, opts...)
	case *civicspace.Result:
		return Scorecard(w, v, o.cat, WithCountries(o.countries))
	case *civicspace.StoredScore:
		var res civicspace.Result
		if err := json.Unmarshal(v.Result, &res); err != nil {
			return civicspace.WrapError(civicspace.EINTERNAL, err, "the stored score of %s version %d cannot be read", v.AssessmentID, v.Version)
		}
		return ScoreCSV(w, v.AssessmentID, v.Version, &res)
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
