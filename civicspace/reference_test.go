package civicspace_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

func sdgFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "sdg", name))
	require.NoError(t, err)
	return data
}

func TestReadSDGCSV(t *testing.T) {
	obs, skipped, err := civicspace.ReadSDGCSV(bytes.NewReader(sdgFixture(t, "sdg-sample.csv")), civicspace.DefaultCatalog(), civicspace.DefaultCountries())
	require.NoError(t, err)
	require.Equal(t, 1, skipped, "SI_POV_DAY1 is no series the catalog cites")
	require.Len(t, obs, 7)
	nor := obs[1]
	require.Equal(t, "SG_INF_ACCSS", nor.Series)
	require.Equal(t, "16.10.2", nor.Indicator)
	require.Equal(t, "578", nor.AreaCode)
	require.Equal(t, "NOR", nor.Country)
	require.Equal(t, 2024, nor.Year)
	require.Equal(t, 1.0, *nor.Value)
	require.Equal(t, "Invented footnote, for tests.", nor.Footnote)
	require.Equal(t, "Reporting Type=G", nor.Dimensions)
	swe := obs[4]
	require.Nil(t, swe.Value)
	require.Equal(t, "<1", swe.ValueText)
	require.Equal(t, "Reporting Type=G;Sex=MALE;Type of occupation=JOURNALIST", swe.Dimensions)
	require.Equal(t, "", obs[5].Country, "150 is Europe, a region")

	// Bad rows: each named by its line; nothing returned.
	obs, _, err = civicspace.ReadSDGCSV(bytes.NewReader(sdgFixture(t, "sdg-bad.csv")), civicspace.DefaultCatalog(), civicspace.DefaultCountries())
	require.Nil(t, obs)
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	var details []string
	for _, p := range civicspace.ErrorProblems(err) {
		details = append(details, p.Detail)
	}
	require.Equal(t, []string{
		`line 3: GeoAreaCode "Norway" is not a UN M49 code (1-999)`,
		`line 4: TimePeriod "last year" is not a year`,
		`line 5: Value is empty`,
		`line 6: the same series, area, year and dimensions as line 2`,
		`line 7: Nature "X" is not one of C, CA, E, M, G, N`,
	}, details)

	_, _, err = civicspace.ReadSDGCSV(strings.NewReader("Series,Area\nx,1\n"), civicspace.DefaultCatalog(), civicspace.DefaultCountries())
	require.ErrorContains(t, err, "seriescode, geoareacode, timeperiod, value")
}

// TestImportReference imports the fixture twice (nothing changes the
// second time), refuses a bad file without changing anything, and hints
// the official figure beside a matching answer.
func TestImportReference(t *testing.T) {
	svc, _ := newTestService(t, defaultScorer(t))
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	r, err := svc.ImportReference(ctx, bytes.NewReader(sdgFixture(t, "sdg-sample.csv")))
	require.NoError(t, err)
	require.Equal(t, civicspace.ReferenceReport{Created: 7, Skipped: 1}, *r)
	r, err = svc.ImportReference(ctx, bytes.NewReader(sdgFixture(t, "sdg-sample.csv")))
	require.NoError(t, err)
	require.Equal(t, civicspace.ReferenceReport{Unchanged: 7, Skipped: 1}, *r)
	_, err = svc.ImportReference(ctx, bytes.NewReader(sdgFixture(t, "sdg-bad.csv")))
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	all, err := svc.ReferenceObservations(ctx, civicspace.ReferenceFilter{})
	require.NoError(t, err)
	require.Len(t, all, 7, "the bad file's good row was not stored either")

	_, err = svc.ImportReference(civicspace.NewContextWithPrincipal(ctx, &civicspace.Principal{KeyID: "w", Role: civicspace.RoleWatchdog, Organisation: "W"}), bytes.NewReader(sdgFixture(t, "sdg-sample.csv")))
	require.Equal(t, civicspace.EFORBIDDEN, civicspace.ErrorCode(err))

	a := exampleAssessment(t, "open-xaa.json")
	a.Subject.Country = "NOR"
	hints, err := svc.OfficialHints(ctx, a)
	require.NoError(t, err)
	var ptrs []string
	for _, h := range hints {
		ptrs = append(ptrs, h.Pointer)
		if h.Pointer == "/answers/ati-guarantee" {
			require.Contains(t, h.Detail, "SDG 16.10.2 series SG_INF_ACCSS, 2024 (Reporting Type=G): 1 NUMBER, nature C")
			require.Contains(t, h.Detail, "not UN data")
		}
	}
	require.Contains(t, ptrs, "/answers/ati-guarantee")
	require.Contains(t, ptrs, "/answers/sdg-16-5-2-bribery", "16.5.2 for NOR, 2023")
	require.NotContains(t, ptrs, "/answers/sdg-16-10-1-cases", "no 16.10.1 figure for NOR")
}
