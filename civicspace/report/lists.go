package report

import (
	"io"
	"strconv"
	"strings"
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
		t.row(txt(r.ID), integer(r.Version), txt(string(r.Status)), positive(r.PublishedVersion), txt(a.Subject.Country), txt(a.Subject.Organisation),
			txt(a.Period.String()), txt(string(a.Kind)), txt(a.Author), txt(a.Title), integer(len(a.Answers)),
			utc(r.CreatedAt), utc(r.UpdatedAt))
	}
	return t.flush()
}

// CatalogCSVHeader is the header of CatalogCSV.
var CatalogCSVHeader = []string{"framework", "group", "recommendation", "number", "recommendation_title", "addressees",
	"source_file", "indicator", "indicator_type", "direction", "weight", "question"}

// CatalogCSV writes the catalog's recommendation-indicator links, one row
// each, in indicator order; addressees are space-separated role codes.
func CatalogCSV(w io.Writer, cat *civicspace.Catalog) error {
	t := newTable(w, CatalogCSVHeader...)
	for _, ind := range cat.Indicators() {
		for _, rid := range ind.Recommendations {
			r, ok := cat.Recommendation(rid)
			if !ok {
				continue // the catalog checks its links when loaded
			}
			roles := make([]string, len(r.Addressees))
			for i, x := range r.Addressees {
				roles[i] = string(x)
			}
			t.row(txt(r.Framework().ID), txt(r.Group().ID), txt(r.ID), txt(r.Number), txt(r.Title), txt(strings.Join(roles, " ")),
				txt(r.Source.File), txt(ind.ID), txt(string(ind.Type)), txt(string(ind.Direction)), flt(ind.Weight), txt(ind.Question))
		}
	}
	return t.flush()
}

// CommitmentListCSVHeader is the header of CommitmentListCSV.
var CommitmentListCSVHeader = []string{"id", "version", "status", "published_version", "title", "countries",
	"occasion_kind", "occasion", "occasion_date", "workstream", "follow_up", "recommendations", "milestones", "created_at", "updated_at"}

// CommitmentListCSV writes commitment records, one row each: countries are
// space-separated alpha-3 codes; recommendations and milestones are counts;
// times are RFC 3339 in UTC; published_version is empty when never
// published.
func CommitmentListCSV(w io.Writer, recs []*civicspace.CommitmentRecord) error {
	t := newTable(w, CommitmentListCSVHeader...)
	for _, r := range recs {
		c := &r.Commitment
		t.row(txt(r.ID), integer(r.Version), txt(string(r.Status)), positive(r.PublishedVersion), txt(c.Title), txt(strings.Join(c.Subject.Countries, " ")),
			txt(string(c.Occasion.Kind)), txt(c.Occasion.Name), txt(c.Occasion.Date), txt(c.Occasion.WorkstreamID), txt(c.FollowUp),
			integer(len(c.Recommendations)), integer(len(c.Milestones)),
			utc(r.CreatedAt), utc(r.UpdatedAt))
	}
	return t.flush()
}

// AuditCSVHeader is the header of AuditCSV.
var AuditCSVHeader = []string{"id", "at", "actor", "action", "target", "details"}

// AuditCSV writes audit entries, one row each: at is RFC 3339 in UTC
// (with fractions of a second when recorded); details is the entry's JSON
// object as stored, empty when none.
func AuditCSV(w io.Writer, entries []*civicspace.AuditEntry) error {
	t := newTable(w, AuditCSVHeader...)
	for _, e := range entries {
		t.row(cell{s: strconv.FormatInt(e.ID, 10)}, cell{s: e.At.UTC().Format(time.RFC3339Nano)}, txt(e.Actor), txt(e.Action),
			txt(e.Target), txt(string(e.Details)))
	}
	return t.flush()
}

// positive is n, or an empty cell when n is 0 (a version never published).
func positive(n int) cell {
	if n <= 0 {
		return cell{}
	}
	return integer(n)
}

// utc is an RFC 3339 time in UTC.
func utc(t time.Time) cell { return cell{s: t.UTC().Format(time.RFC3339)} }
