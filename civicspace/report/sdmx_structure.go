package report

import (
	"encoding/xml"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// The SDMX structure the SDMX-CSV files reference: one dataflow,
// CIVICSPACE:DF_CIVIC_SPACE(1.0), whose data structure definition
// CIVICSPACE:DSD_CIVIC_SPACE(1.0) has the dimensions FREQ, REF_AREA,
// ASSESSMENT_KIND, FRAMEWORK, MEASURE and TIME_PERIOD, the primary measure
// OBS_VALUE and the attributes UNIT_MEASURE, OBS_STATUS and STATUS, each
// coded dimension and attribute taking its codes from a code list
// (CL_FREQ, CL_AREA, ...). SDMXStructure writes them as an SDMX-ML 2.1
// structure message, served at /v1/sdmx/structure.

// The SDMX identifiers of the structure.
const (
	SDMXAgency        = "CIVICSPACE"
	SDMXVersion       = "1.0"
	SDMXDataflowID    = "DF_CIVIC_SPACE"
	SDMXStructureID   = "DSD_CIVIC_SPACE"
	SDMXConceptScheme = "CS_CIVIC_SPACE"
)

// SDMXCode is the SDMX code of a catalog ID. SDMX identifiers match
// [A-Za-z0-9_@$-]+ and catalog IDs are lower-case letters and digits
// joined by dots and hyphens (never an underscore), so each dot becomes an
// underscore: "cndsi.focus-1" is "cndsi_focus-1". The mapping is one to
// one; ParseSDMXCode reverses it.
func SDMXCode(id string) string { return strings.ReplaceAll(id, ".", "_") }

// ParseSDMXCode is the catalog ID of an SDMX code SDMXCode made.
func ParseSDMXCode(code string) string { return strings.ReplaceAll(code, "_", ".") }

// SDMXComponent is one column of the data structure: a dimension (in
// series-key order), the time dimension, the primary measure or an
// attribute, and the code list its values come from ("" when uncoded).
type SDMXComponent struct {
	ID       string
	Role     string // dimension, time, measure, attribute
	Codelist string
	Name     string
}

// SDMXComponents are the data structure's components, in SDMX-CSV column
// order.
var SDMXComponents = []SDMXComponent{
	{"FREQ", "dimension", "CL_FREQ", "Frequency"},
	{"REF_AREA", "dimension", "CL_AREA", "Reference area (UN M49 code; user-assigned ISO 3166-1 alpha-3 code for demo subjects)"},
	{"ASSESSMENT_KIND", "dimension", "CL_ASSESSMENT_KIND", "Kind of assessment"},
	{"FRAMEWORK", "dimension", "CL_FRAMEWORK", "Framework, group, recommendation or indicator measured"},
	{"MEASURE", "dimension", "CL_MEASURE", "Measure"},
	{"TIME_PERIOD", "time", "", "Time period"},
	{"OBS_VALUE", "measure", "", "Observation value"},
	{"UNIT_MEASURE", "attribute", "CL_UNIT", "Unit of measure"},
	{"OBS_STATUS", "attribute", "CL_OBS_STATUS", "Observation status"},
	{"STATUS", "attribute", "", "Stored status: rating band, recommendation status or ranking flag"},
}

// SDMXCodeName is one code of a code list and its English name.
type SDMXCodeName struct{ ID, Name string }

// SDMXCodelist is a code list of the structure.
type SDMXCodelist struct {
	ID    string
	Name  string
	Codes []SDMXCodeName
}

// SDMXCodelists returns the code lists of the structure for a catalog and
// a country table: every code an SDMX-CSV file of this package can hold.
func SDMXCodelists(cat *civicspace.Catalog, countries *civicspace.Countries) []SDMXCodelist {
	return []SDMXCodelist{
		{"CL_FREQ", "Frequency", []SDMXCodeName{{"A", "Annual"}, {sdmxNotApplicable, "Other: a date range"}}},
		{"CL_AREA", "Reference areas", areaCodes(countries)},
		{"CL_ASSESSMENT_KIND", "Kinds of assessment", []SDMXCodeName{{"SELF", "Self-assessment"}, {"SHADOW", "Shadow assessment"}, {"INDEPENDENT", "Independent assessment"}, {sdmxNotApplicable, "Not applicable"}}},
		{"CL_FRAMEWORK", "Frameworks, groups, recommendations and indicators", frameworkCodes(cat)},
		{"CL_MEASURE", "Measures", []SDMXCodeName{
			{"SCORE", "Score (0-100)"}, {"COVERAGE", "Coverage (percent of applicable indicators answered)"},
			{"CHANGE", "Change since the previous period (points)"}, {"RANK", "Rank"}, {"POINTS", "Points an indicator's answer earned (0-100)"},
			{"COUNT", "Number of scores aggregated"}, {"MEDIAN", "Median score"}, {"MEAN", "Mean score"}, {"MIN", "Lowest score"}, {"MAX", "Highest score"},
		}},
		{"CL_UNIT", "Units of measure", []SDMXCodeName{{unitIndex, "Index (0-100)"}, {unitPercent, "Percent"}, {unitNumber, "Number"}}},
		{"CL_OBS_STATUS", "Observation status", []SDMXCodeName{{obsNormal, "Normal value"}, {obsLowReliability, "Low reliability: coverage below the threshold"}, {obsMissing, "Missing value"}}},
	}
}

func areaCodes(countries *civicspace.Countries) []SDMXCodeName {
	codes := []SDMXCodeName{{civicspace.WorldM49, "World"}}
	seen := map[string]bool{civicspace.WorldM49: true, sdmxNotApplicable: true}
	add := func(id, name string) {
		if id != "" && !seen[id] {
			seen[id] = true
			codes = append(codes, SDMXCodeName{id, name})
		}
	}
	for _, r := range countries.Regions() {
		add(r.Code, r.Name)
		for _, s := range r.SubRegions {
			add(s.Code, s.Name)
			for _, ir := range s.IntermediateRegions {
				add(ir.Code, ir.Name)
			}
		}
	}
	for _, c := range countries.All() {
		add(c.Numeric, c.Name)
	}
	// Demo subjects: every user-assigned alpha-3 code.
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			for c := 'A'; c <= 'Z'; c++ {
				if code := string([]rune{a, b, c}); civicspace.IsUserAssignedAlpha3(code) {
					add(code, "User-assigned code "+code+" (demo/test subject)")
				}
			}
		}
	}
	return append(codes, SDMXCodeName{sdmxNotApplicable, "Not applicable: an organisation, or countries M49 does not classify"})
}

func frameworkCodes(cat *civicspace.Catalog) []SDMXCodeName {
	codes := []SDMXCodeName{{sdmxTotal, "Overall civic space rating"}}
	if cat == nil {
		return codes
	}
	var walk func(gs []*civicspace.Group)
	walk = func(gs []*civicspace.Group) {
		for _, g := range gs {
			codes = append(codes, SDMXCodeName{SDMXCode(g.ID), g.Title})
			walk(g.Groups)
		}
	}
	for _, f := range cat.Frameworks() {
		codes = append(codes, SDMXCodeName{SDMXCode(f.ID), f.Title})
		walk(f.Groups)
	}
	for _, r := range cat.Recommendations() {
		codes = append(codes, SDMXCodeName{SDMXCode(r.ID), r.Title})
	}
	for _, ind := range cat.Indicators() {
		codes = append(codes, SDMXCodeName{SDMXCode(ind.ID), ind.Question})
	}
	return codes
}

// The media type of an SDMX-ML 2.1 structure message.
const MediaSDMXStructure = "application/vnd.sdmx.structure+xml; version=2.1"

// AcceptsStructure reports whether an Accept header allows the structure
// message: as application/vnd.sdmx.structure+xml (any version 2.1 range),
// application/xml, a wildcard, or no header.
func AcceptsStructure(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || params["q"] == "0" {
			continue
		}
		switch mt {
		case "application/vnd.sdmx.structure+xml":
			if v := params["version"]; v == "" || v == "2.1" {
				return true
			}
		case "application/xml", "application/*", "*/*":
			return true
		}
	}
	return false
}

// The SDMX-ML 2.1 namespaces.
const (
	nsMessage   = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
	nsStructure = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
	nsCommon    = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
)

// xmlWriter writes an XML document element by element; the first error
// sticks and is returned by err.
type xmlWriter struct {
	w   io.Writer
	err error
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = io.WriteString(x.w, s)
	}
}

func (x *xmlWriter) text(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

// open writes a start tag with attributes given as name, value pairs.
func (x *xmlWriter) open(tag string, attrs ...string) {
	x.raw("<" + tag)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.raw(" " + attrs[i] + `="`)
		x.text(attrs[i+1])
		x.raw(`"`)
	}
	x.raw(">")
}

func (x *xmlWriter) close(tag string) { x.raw("</" + tag + ">\n") }

func (x *xmlWriter) empty(tag string, attrs ...string) {
	x.open(tag, attrs...)
	x.raw("</" + tag + ">")
}

func (x *xmlWriter) name(s string) {
	x.open("com:Name", "xml:lang", "en")
	x.text(s)
	x.close("com:Name")
}

// ref writes a reference to a maintainable artefact or an item in one.
func (x *xmlWriter) ref(attrs ...string) { x.empty("Ref", attrs...) }

// SDMXStructure writes the SDMX-ML 2.1 structure message of the dataflow
// the SDMX-CSV files reference: the dataflow, its data structure
// definition, the concept scheme and the code lists (SDMXCodelists).
func SDMXStructure(w io.Writer, cat *civicspace.Catalog, countries *civicspace.Countries) error {
	if countries == nil {
		countries = civicspace.DefaultCountries()
	}
	x := &xmlWriter{w: w}
	x.raw(xml.Header)
	x.open("mes:Structure", "xmlns:mes", nsMessage, "xmlns:str", nsStructure, "xmlns:com", nsCommon)
	x.raw("\n")
	x.open("mes:Header")
	x.open("mes:ID")
	x.text("CIVICSPACE_STRUCTURE")
	x.close("mes:ID")
	x.open("mes:Test")
	x.text("false")
	x.close("mes:Test")
	x.open("mes:Prepared")
	x.text("2026-01-01T00:00:00Z") // fixed: the structure depends on the catalog only
	x.close("mes:Prepared")
	x.empty("mes:Sender", "id", SDMXAgency)
	x.close("mes:Header")
	x.open("mes:Structures")
	x.raw("\n")
	maintainable := func(id string) []string { return []string{"id", id, "agencyID", SDMXAgency, "version", SDMXVersion} }

	x.open("str:Dataflows")
	x.open("str:Dataflow", append(maintainable(SDMXDataflowID), "urn", "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow="+Dataflow)...)
	x.name("Civic space assessments, scores and comparisons (civicspace)")
	x.open("str:Structure")
	x.ref("id", SDMXStructureID, "agencyID", SDMXAgency, "version", SDMXVersion, "class", "DataStructure", "package", "datastructure")
	x.close("str:Structure")
	x.close("str:Dataflow")
	x.close("str:Dataflows")

	x.open("str:Codelists")
	x.raw("\n")
	for _, cl := range SDMXCodelists(cat, countries) {
		x.open("str:Codelist", maintainable(cl.ID)...)
		x.name(cl.Name)
		for _, c := range cl.Codes {
			x.open("str:Code", "id", c.ID)
			x.name(c.Name)
			x.close("str:Code")
		}
		x.close("str:Codelist")
	}
	x.close("str:Codelists")

	x.open("str:Concepts")
	x.open("str:ConceptScheme", maintainable(SDMXConceptScheme)...)
	x.name("Civic space concepts")
	for _, c := range SDMXComponents {
		x.open("str:Concept", "id", c.ID)
		x.name(c.Name)
		x.close("str:Concept")
	}
	x.close("str:ConceptScheme")
	x.close("str:Concepts")

	x.open("str:DataStructures")
	x.open("str:DataStructure", maintainable(SDMXStructureID)...)
	x.name("Civic space data structure")
	x.open("str:DataStructureComponents")
	x.raw("\n")
	writeComponents(x)
	x.close("str:DataStructureComponents")
	x.close("str:DataStructure")
	x.close("str:DataStructures")

	x.close("mes:Structures")
	x.close("mes:Structure")
	return x.err
}

// writeComponents writes the dimension, attribute and measure lists.
func writeComponents(x *xmlWriter) {
	concept := func(id string) {
		x.open("str:ConceptIdentity")
		x.ref("id", id, "maintainableParentID", SDMXConceptScheme, "maintainableParentVersion", SDMXVersion, "agencyID", SDMXAgency, "class", "Concept", "package", "conceptscheme")
		x.close("str:ConceptIdentity")
	}
	representation := func(c SDMXComponent) {
		x.open("str:LocalRepresentation")
		switch {
		case c.Codelist != "":
			x.open("str:Enumeration")
			x.ref("id", c.Codelist, "agencyID", SDMXAgency, "version", SDMXVersion, "class", "Codelist", "package", "codelist")
			x.close("str:Enumeration")
		case c.Role == "time":
			x.empty("str:TextFormat", "textType", "ObservationalTimePeriod")
		case c.Role == "measure":
			x.empty("str:TextFormat", "textType", "Double")
		default:
			x.empty("str:TextFormat", "textType", "String")
		}
		x.close("str:LocalRepresentation")
	}
	x.open("str:DimensionList", "id", "DimensionDescriptor")
	x.raw("\n")
	position := 0
	for _, c := range SDMXComponents {
		tag := map[string]string{"dimension": "str:Dimension", "time": "str:TimeDimension"}[c.Role]
		if tag == "" {
			continue
		}
		position++
		x.open(tag, "id", c.ID, "position", strconv.Itoa(position))
		concept(c.ID)
		representation(c)
		x.close(tag)
	}
	x.close("str:DimensionList")
	x.open("str:AttributeList", "id", "AttributeDescriptor")
	x.raw("\n")
	for _, c := range SDMXComponents {
		if c.Role != "attribute" {
			continue
		}
		status := "Mandatory"
		if c.Codelist == "" {
			status = "Conditional"
		}
		x.open("str:Attribute", "id", c.ID, "assignmentStatus", status)
		concept(c.ID)
		representation(c)
		x.open("str:AttributeRelationship")
		x.open("str:PrimaryMeasure")
		x.ref("id", "OBS_VALUE")
		x.close("str:PrimaryMeasure")
		x.close("str:AttributeRelationship")
		x.close("str:Attribute")
	}
	x.close("str:AttributeList")
	x.open("str:MeasureList", "id", "MeasureDescriptor")
	x.open("str:PrimaryMeasure", "id", "OBS_VALUE")
	concept("OBS_VALUE")
	representation(SDMXComponent{ID: "OBS_VALUE", Role: "measure"})
	x.close("str:PrimaryMeasure")
	x.close("str:MeasureList")
}
