package report_test

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"slices"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/stretchr/testify/require"
)

// sdmxStructure is what a reader of the structure message needs: the
// dataflow, the data structure's components and the code lists.
type sdmxStructure struct {
	Dataflows []struct {
		ID        string `xml:"id,attr"`
		Agency    string `xml:"agencyID,attr"`
		Version   string `xml:"version,attr"`
		Structure struct {
			Ref struct {
				ID string `xml:"id,attr"`
			} `xml:"Ref"`
		} `xml:"Structure"`
	} `xml:"Structures>Dataflows>Dataflow"`
	Codelists []struct {
		ID    string `xml:"id,attr"`
		Codes []struct {
			ID string `xml:"id,attr"`
		} `xml:"Code"`
	} `xml:"Structures>Codelists>Codelist"`
	DataStructures []struct {
		ID         string          `xml:"id,attr"`
		Dimensions []sdmxComponent `xml:"DataStructureComponents>DimensionList>Dimension"`
		Time       []sdmxComponent `xml:"DataStructureComponents>DimensionList>TimeDimension"`
		Attributes []sdmxComponent `xml:"DataStructureComponents>AttributeList>Attribute"`
		Measures   []sdmxComponent `xml:"DataStructureComponents>MeasureList>PrimaryMeasure"`
	} `xml:"Structures>DataStructures>DataStructure"`
}

type sdmxComponent struct {
	ID       string `xml:"id,attr"`
	Codelist struct {
		ID string `xml:"id,attr"`
	} `xml:"LocalRepresentation>Enumeration>Ref"`
}

// parseStructure reads a structure message: the codes of each coded
// component, by component ID, and the uncoded components.
func parseStructure(t *testing.T, data []byte) (dataflow string, coded map[string]map[string]bool, uncoded map[string]bool) {
	t.Helper()
	var s sdmxStructure
	require.NoError(t, xml.Unmarshal(data, &s))
	require.Len(t, s.Dataflows, 1)
	require.Len(t, s.DataStructures, 1)
	df, dsd := s.Dataflows[0], s.DataStructures[0]
	require.Equal(t, dsd.ID, df.Structure.Ref.ID, "the dataflow references the data structure")
	lists := map[string]map[string]bool{}
	for _, cl := range s.Codelists {
		lists[cl.ID] = map[string]bool{}
		for _, c := range cl.Codes {
			require.False(t, lists[cl.ID][c.ID], "code %s twice in %s", c.ID, cl.ID)
			lists[cl.ID][c.ID] = true
		}
	}
	coded, uncoded = map[string]map[string]bool{}, map[string]bool{}
	for _, c := range slices.Concat(dsd.Dimensions, dsd.Time, dsd.Attributes, dsd.Measures) {
		if c.Codelist.ID == "" {
			uncoded[c.ID] = true
			continue
		}
		require.Contains(t, lists, c.Codelist.ID, "component %s names a published code list", c.ID)
		coded[c.ID] = lists[c.Codelist.ID]
	}
	require.Len(t, dsd.Dimensions, 5)
	return df.Agency + ":" + df.ID + "(" + df.Version + ")", coded, uncoded
}

var sdmxID = regexp.MustCompile(`^[A-Za-z0-9_@$-]+$`)

// requireValidSDMX checks an SDMX-CSV file against a structure: the
// dataflow it names is the structure's, every column is a component, and
// every code in a coded column is in the component's code list.
func requireValidSDMX(t *testing.T, csvData, structure []byte) {
	t.Helper()
	dataflow, coded, uncoded := parseStructure(t, structure)
	rows := readCSV(t, csvData, report.SDMXHeader)
	require.NotEmpty(t, rows)
	for _, row := range rows {
		for i, col := range report.SDMXHeader {
			v := row[i]
			switch {
			case col == "STRUCTURE" || col == "ACTION":
			case col == "STRUCTURE_ID":
				require.Equal(t, dataflow, v)
			case coded[col] != nil:
				require.Regexp(t, sdmxID, v, "column %s: %q is not an SDMX identifier", col, v)
				require.True(t, coded[col][v], "column %s: code %q is not in its code list", col, v)
			default:
				require.True(t, uncoded[col], "column %s is not a component of the structure", col)
			}
		}
	}
}

func TestSDMXValidatesAgainstStructure(t *testing.T) {
	cat := testCatalog(t)
	var structure bytes.Buffer
	require.NoError(t, report.SDMXStructure(&structure, cat, civicspace.DefaultCountries()))
	for name, v := range map[string]any{
		"ranking-rating-2025-self":        load[civicspace.RankingResult](t, "ranking-rating-2025-self"),
		"ranking-rating-latest-all-kinds": load[civicspace.RankingResult](t, "ranking-rating-latest-all-kinds"),
		"trend-ken-all":                   load[civicspace.TrendResult](t, "trend-ken-all"),
		"regions-rating-2025-self":        load[civicspace.RegionResult](t, "regions-rating-2025-self"),
		"gap-ken-2025":                    load[civicspace.GapResult](t, "gap-ken-2025"),
	} {
		t.Run(name, func(t *testing.T) {
			requireValidSDMX(t, render(t, report.SDMX, v), structure.Bytes())
		})
	}

	t.Run("a code outside the lists is caught", func(t *testing.T) {
		_, coded, _ := parseStructure(t, structure.Bytes())
		require.False(t, coded["FRAMEWORK"]["fa.p1"], "a catalog ID with a dot is not a code")
		require.True(t, coded["FRAMEWORK"]["fa_p1"])
		require.True(t, coded["REF_AREA"]["404"])
		require.True(t, coded["REF_AREA"]["XAA"], "demo subjects")
	})
}

func TestSDMXCodeMapping(t *testing.T) {
	// Every catalog ID maps to a distinct valid code that maps back.
	cat := civicspace.DefaultCatalog()
	seen := map[string]string{}
	check := func(id string) {
		code := report.SDMXCode(id)
		require.Regexp(t, sdmxID, code)
		require.Equal(t, id, report.ParseSDMXCode(code), "the mapping reverses")
		if other, ok := seen[code]; ok {
			t.Fatalf("%s and %s share the code %s", id, other, code)
		}
		seen[code] = id
	}
	var walk func(gs []*civicspace.Group)
	walk = func(gs []*civicspace.Group) {
		for _, g := range gs {
			check(g.ID)
			walk(g.Groups)
		}
	}
	for _, f := range cat.Frameworks() {
		check(f.ID)
		walk(f.Groups)
	}
	for _, r := range cat.Recommendations() {
		check(r.ID)
	}
	for _, ind := range cat.Indicators() {
		check(ind.ID)
	}
	require.Equal(t, "cndsi_focus-1", report.SDMXCode("cndsi.focus-1"))

	// The structure of the real catalog lists them all.
	var structure bytes.Buffer
	require.NoError(t, report.SDMXStructure(&structure, cat, nil))
	_, coded, _ := parseStructure(t, structure.Bytes())
	for code := range seen {
		require.True(t, coded["FRAMEWORK"][code], code)
	}
}
