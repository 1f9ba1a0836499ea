package civicspace

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ReferenceObservation is one official figure: an observation of a UN SDG
// series for an area (a UN M49 code) and a year, as the UN SDG Global
// Database publishes it, with its source, footnote and nature. It is kept
// beside assessments, never mixed into their scores.
type ReferenceObservation struct {
	// Series is the UN series code ("SG_INF_ACCSS").
	Series string `json:"series"`
	// Indicator is the SDG indicator the series measures ("16.10.2").
	Indicator string `json:"indicator"`
	// AreaCode is the UN M49 code, three digits ("578"); Country its ISO
	// 3166-1 alpha-3 code when the area is a country ("" for a region).
	AreaCode string `json:"area_code"`
	Country  string `json:"country,omitempty"`
	Year     int    `json:"year"`
	// Dimensions are the series' other dimensions ("Sex=FEMALE;Type of
	// occupation=JOURNALIST"), sorted by name; "" for none.
	Dimensions string `json:"dimensions"`
	// Value is the number published, nil for a non-numeric value, which
	// ValueText keeps as published ("<0.5", "NaN").
	Value      *float64 `json:"value"`
	ValueText  string   `json:"value_text"`
	Units      string   `json:"units,omitempty"`
	Nature     string   `json:"nature,omitempty"`
	Source     string   `json:"source,omitempty"`
	Footnote   string   `json:"footnote,omitempty"`
	TimeDetail string   `json:"time_detail,omitempty"`
}

// Key is what identifies an observation: importing one with the same key
// replaces it.
func (o *ReferenceObservation) Key() string {
	return o.Series + "|" + o.AreaCode + "|" + strconv.Itoa(o.Year) + "|" + o.Dimensions
}

// Natures are the nature codes of the UN SDG Global Database: country
// data, country adjusted, estimated, modelled, global monitoring data,
// non-relevant.
var Natures = []string{"C", "CA", "E", "M", "G", "N"}

// ReferenceFilter selects reference observations; empty fields match all.
type ReferenceFilter struct {
	Countries  []string
	Series     []string
	Indicators []string
	Year       int
}

// ReferenceReport says what storing reference observations did.
type ReferenceReport struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// Skipped counts the rows of series the catalog does not cite.
	Skipped int `json:"skipped"`
}

// ReferenceStore keeps reference observations. Implementations:
// civicspace/sqlite, civicspace/postgres (through civicspace/sqlrecord).
type ReferenceStore interface {
	// PutReferenceObservations stores obs in one transaction: each
	// replaces the stored one with its Key when it differs.
	PutReferenceObservations(ctx context.Context, obs []ReferenceObservation) (*ReferenceReport, error)
	// ReferenceObservations returns the observations f selects, ordered
	// by series, area, year and dimensions.
	ReferenceObservations(ctx context.Context, f ReferenceFilter) ([]ReferenceObservation, error)
}

// CitedSeries returns the UN series codes the catalog cites, each with
// the SDG indicator it measures.
func (c *Catalog) CitedSeries() map[string]string {
	out := map[string]string{}
	for _, r := range c.Recommendations() {
		if r.Official == nil {
			continue
		}
		for _, ind := range r.Official.Indicators {
			for _, s := range ind.SeriesCodes {
				out[s] = ind.Code
			}
		}
		for _, s := range r.Official.SeriesCodes {
			if _, ok := out[s]; !ok {
				out[s] = ""
			}
		}
	}
	return out
}

// sdgColumns are the columns of the UN SDG Global Database's CSV this
// reader uses, matched without regard to case; the required ones first.
var sdgColumns = []string{"seriescode", "geoareacode", "timeperiod", "value", "indicator", "units", "nature", "source", "footnote", "time_detail"}

const sdgRequired = 4

// ReadSDGCSV reads a download of the UN SDG Global Database (one row per
// observation; see docs/import.md) and returns the observations of the
// series the catalog cites, keyed by M49 area code and year; rows of
// other series are skipped and counted. Every bad row is one problem of
// an EINVALID error naming its line, and then nothing is returned: a file
// is imported whole or not at all.
func ReadSDGCSV(r io.Reader, cat *Catalog, countries *Countries) ([]ReferenceObservation, int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, 0, WrapError(EINVALID, err, "the file is not a CSV with a header row")
	}
	col, dims, err := sdgHeader(header)
	if err != nil {
		return nil, 0, err
	}
	cited := cat.CitedSeries()
	byNumeric := map[string]string{}
	for _, c := range countries.All() {
		byNumeric[c.Numeric] = c.Alpha3
	}
	var (
		obs      []ReferenceObservation
		problems []Problem
		skipped  int
	)
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			problems = append(problems, Problem{Detail: fmt.Sprintf("line %d: %v", line, err)})
			if !errors.Is(err, csv.ErrFieldCount) {
				break
			}
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		indicator, ok := cited[get("seriescode")]
		if !ok {
			skipped++
			continue
		}
		o, detail := sdgRow(get, indicator, dims, rec, byNumeric)
		if detail == "" {
			if prev, dup := seen[o.Key()]; dup {
				detail = fmt.Sprintf("the same series, area, year and dimensions as line %d", prev)
			}
		}
		if detail != "" {
			problems = append(problems, Problem{Detail: fmt.Sprintf("line %d: %s", line, detail)})
			continue
		}
		seen[o.Key()] = line
		obs = append(obs, o)
	}
	if len(problems) > 0 {
		return nil, skipped, invalidInput("file", problems, "nothing imported")
	}
	return obs, skipped, nil
}

// sdgHeader maps the header's column names to their places, and names
// the dimension columns ([Sex]).
func sdgHeader(header []string) (map[string]int, map[string]int, error) {
	col, dims := map[string]int{}, map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
			dims[strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")] = i
			continue
		}
		col[strings.ToLower(h)] = i
	}
	var missing []string
	for _, c := range sdgColumns[:sdgRequired] {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, nil, Errorf(EINVALID, "the header lacks the column(s) %s of the UN SDG Global Database's CSV (SeriesCode, GeoAreaCode, TimePeriod, Value)", strings.Join(missing, ", "))
	}
	return col, dims, nil
}

// sdgRow reads one row; detail says why it is bad.
func sdgRow(get func(string) string, indicator string, dims map[string]int, rec []string, byNumeric map[string]string) (ReferenceObservation, string) {
	o := ReferenceObservation{Series: get("seriescode"), Indicator: indicator, ValueText: get("value"),
		Units: get("units"), Nature: get("nature"), Source: get("source"), Footnote: get("footnote"), TimeDetail: get("time_detail")}
	if ind := get("indicator"); ind != "" && o.Indicator == "" {
		o.Indicator = ind
	}
	area, err := strconv.Atoi(get("geoareacode"))
	if err != nil || area < 1 || area > 999 {
		return o, fmt.Sprintf("GeoAreaCode %q is not a UN M49 code (1-999)", get("geoareacode"))
	}
	o.AreaCode = fmt.Sprintf("%03d", area)
	o.Country = byNumeric[o.AreaCode]
	year, err := strconv.ParseFloat(get("timeperiod"), 64)
	if err != nil || year != math.Trunc(year) || year < 1900 || year > 2100 {
		return o, fmt.Sprintf("TimePeriod %q is not a year", get("timeperiod"))
	}
	o.Year = int(year)
	if o.ValueText == "" {
		return o, "Value is empty"
	}
	if v, err := strconv.ParseFloat(o.ValueText, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		o.Value = &v
	}
	if o.Nature != "" && !slices.Contains(Natures, o.Nature) {
		return o, fmt.Sprintf("Nature %q is not one of %s", o.Nature, strings.Join(Natures, ", "))
	}
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(dims)) {
		if i := dims[name]; i < len(rec) && strings.TrimSpace(rec[i]) != "" {
			parts = append(parts, name+"="+strings.TrimSpace(rec[i]))
		}
	}
	o.Dimensions = strings.Join(parts, ";")
	return o, ""
}

// ImportReference stores the observations of an SDG CSV download (see
// ReadSDGCSV) for an admin: importing the same file again changes
// nothing; a file with a bad row changes nothing.
func (s *Service) ImportReference(ctx context.Context, r io.Reader) (*ReferenceReport, error) {
	if err := s.Permit(ctx, "importReference"); err != nil {
		return nil, err
	}
	obs, skipped, err := ReadSDGCSV(r, s.Catalog, s.Countries)
	if err != nil {
		return nil, err
	}
	report, err := s.Store.PutReferenceObservations(ctx, obs)
	if err != nil {
		return nil, err
	}
	report.Skipped = skipped
	s.audit(ctx, "importReference", "", map[string]any{"created": report.Created, "updated": report.Updated, "unchanged": report.Unchanged})
	return report, nil
}

// ReferenceObservations returns the official figures f selects: public.
func (s *Service) ReferenceObservations(ctx context.Context, f ReferenceFilter) ([]ReferenceObservation, error) {
	return s.Store.ReferenceObservations(ctx, f)
}

// OfficialHints names, for each answer of a to an indicator that cites an
// SDG indicator, the official figures of a's country for that indicator in
// the assessment's year (or the latest earlier year), so that whoever
// answers or reviews can set the answer beside them. Hints are
// information, never problems: they do not stop a submission.
func (s *Service) OfficialHints(ctx context.Context, a *Assessment) ([]Problem, error) {
	if a.Subject.Country == "" || a.Period.IsZero() {
		return nil, nil
	}
	byIndicator := map[string][]string{}
	for id := range a.Answers {
		if ind, ok := s.Catalog.Indicator(id); ok && ind.SDGIndicator != "" {
			byIndicator[ind.SDGIndicator] = append(byIndicator[ind.SDGIndicator], id)
		}
	}
	if len(byIndicator) == 0 {
		return nil, nil
	}
	obs, err := s.ReferenceObservations(ctx, ReferenceFilter{Countries: []string{a.Subject.Country}, Indicators: slices.Sorted(maps.Keys(byIndicator))})
	if err != nil {
		return nil, err
	}
	latest := map[string]ReferenceObservation{} // by series and dimensions
	for _, o := range obs {
		k := o.Series + "|" + o.Dimensions
		if prev, ok := latest[k]; o.Year <= a.Period.Year() && (!ok || o.Year > prev.Year) {
			latest[k] = o
		}
	}
	var hints []Problem
	for _, k := range slices.Sorted(maps.Keys(latest)) {
		o := latest[k]
		for _, id := range byIndicator[o.Indicator] {
			hints = append(hints, Problem{Pointer: "/answers/" + EncodePointer(id), Detail: o.Hint()})
		}
	}
	slices.SortStableFunc(hints, func(x, y Problem) int { return strings.Compare(x.Pointer, y.Pointer) })
	return hints, nil
}

// Hint describes the observation in one line, for people.
func (o *ReferenceObservation) Hint() string {
	var b strings.Builder
	fmt.Fprintf(&b, "official figure (UN SDG Global Database), SDG %s series %s, %d", o.Indicator, o.Series, o.Year)
	if o.Dimensions != "" {
		fmt.Fprintf(&b, " (%s)", o.Dimensions)
	}
	fmt.Fprintf(&b, ": %s", o.ValueText)
	if o.Units != "" {
		fmt.Fprintf(&b, " %s", o.Units)
	}
	if o.Nature != "" {
		fmt.Fprintf(&b, ", nature %s", o.Nature)
	}
	if o.Source != "" {
		fmt.Fprintf(&b, "; source: %s", o.Source)
	}
	if o.Footnote != "" {
		fmt.Fprintf(&b, "; note: %s", o.Footnote)
	}
	return b.String()
}
