package report

import (
	"io"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// CSV forms of the lists a spreadsheet user reads: indicators, countries
// and assessments, one row per item (docs/data.md). Lists of IDs are left
// to the catalog export's one row per link.

// IndicatorsCSVHeader is the header of IndicatorsCSV.
var IndicatorsCSVHeader = []string{"id", "topic", "type", "direction", "weight", "evidence_required",
	"scale_min", "scale_max", "options", "red_flag", "sdg_indicator", "recommendations", "question"}

// IndicatorsCSV writes indicators, one row each: options and
// recommendations are counts (the options are in the JSON, the links in the
// catalog export); scale_min and scale_max are empty but for scales.
func IndicatorsCSV(w io.Writer, inds []*civicspace.Indicator) error {
	t := newTable(w, IndicatorsCSVHeader...)
	for _, ind := range inds {
		var lo, hi cell
		if ind.Scale != nil {
			lo, hi = integer(ind.Scale.Min), integer(ind.Scale.Max)
		}
		var redFlag string
		if ind.RedFlag != nil {
			redFlag = ind.RedFlag.ID
		}
		t.row(txt(ind.ID), txt(ind.Topic), txt(string(ind.Type)), txt(string(ind.Direction)), flt(ind.Weight), boolean(ind.EvidenceRequired),
			lo, hi, integer(len(ind.Options)), txt(redFlag), txt(ind.SDGIndicator), integer(len(ind.Recommendations)), txt(ind.Question))
	}
	return t.flush()
}

// CountriesCSVHeader is the header of CountriesCSV.
var CountriesCSVHeader = []string{"alpha3", "alpha2", "m49", "name", "official_name", "common_name",
	"region_code", "region", "sub_region_code", "sub_region", "intermediate_region_code", "intermediate_region", "user_assigned"}

// CountriesCSV writes countries, one row each, with their UN M49 regions.
func CountriesCSV(w io.Writer, countries []civicspace.Country) error {
	t := newTable(w, CountriesCSVHeader...)
	for _, c := range countries {
		var ir civicspace.Region
		if c.IntermediateRegion != nil {
			ir = *c.IntermediateRegion
		}
		t.row(txt(c.Alpha3), txt(c.Alpha2), txt(c.Numeric), txt(c.Name), txt(c.OfficialName), txt(c.CommonName),
			txt(c.Region.Code), txt(c.Region.Name), txt(c.SubRegion.Code), txt(c.SubRegion.Name), txt(ir.Code), txt(ir.Name), boolean(c.UserAssigned))
	}
	return t.flush()
}

// AssessmentsCSVHeader is the header of AssessmentsCSV.
var AssessmentsCSVHeader = []string{"id", "version", "status", "published_version", "country", "organisation",
	"period", "kind", "author", "title", "answers", "created_at", "updated_at"}

// AssessmentsCSV writes assessment records, one row each: answers is the
// number of indicators answered (with a value or a status); times are
// RFC 3339 in UTC; published_version is empty when never published.
func AssessmentsCSV(w io.Writer, recs []*civicspace.Record) error {
	t := newTable(w, AssessmentsCSVHeader...)
	for _, r := range recs {
		a := &r.Assessment
		var published cell
		if r.PublishedVersion > 0 {
			published = integer(r.PublishedVersion)
		}
		t.row(txt(r.ID), integer(r.Version), txt(string(r.Status)), published, txt(a.Subject.Country), txt(a.Subject.Organisation),
			txt(a.Period.String()), txt(string(a.Kind)), txt(a.Author), txt(a.Title), integer(len(a.Answers)),
			cell{s: r.CreatedAt.UTC().Format(time.RFC3339)}, cell{s: r.UpdatedAt.UTC().Format(time.RFC3339)})
	}
	return t.flush()
}
