package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// The inputs are the comparison package's own golden outputs, so that the
// formats are tested on exactly what the comparisons produce.
const compareData = "../testdata/compare"

func load[T any](t testing.TB, name string) *T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(compareData, name+".golden.json"))
	require.NoError(t, err)
	var v T
	require.NoError(t, json.Unmarshal(data, &v))
	return &v
}

func testCatalog(t testing.TB) *civicspace.Catalog {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(compareData, "catalog.yaml"))
	require.NoError(t, err)
	cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "catalog.yaml", Data: data})
	require.NoError(t, err)
	return cat
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden file")
	require.Equal(t, string(want), string(got), "golden file %s differs (go test -update rewrites it)", path)
}

func render(t *testing.T, f report.Format, v any, opts ...report.Option) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.Write(&b, f, v, opts...))
	// Deterministic: a second rendering gives the same bytes.
	var again bytes.Buffer
	require.NoError(t, report.Write(&again, f, v, opts...))
	require.Equal(t, b.String(), again.String())
	return b.Bytes()
}

// readCSV parses out as RFC 4180 and checks every row has the header's
// width.
func readCSV(t *testing.T, out []byte, header []string) [][]string {
	t.Helper()
	require.True(t, bytes.HasSuffix(out, []byte("\r\n")), "RFC 4180 lines end in CRLF")
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	require.Equal(t, header, rows[0])
	for i, r := range rows {
		require.Len(t, r, len(header), "row %d", i)
	}
	return rows[1:]
}

func column(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	panic("no column " + name)
}

func TestCSV(t *testing.T) {
	tests := []struct {
		name   string
		v      any
		header []string
		rows   int
	}{
		{"ranking-rating-2025-self", load[civicspace.RankingResult](t, "ranking-rating-2025-self"), report.RankingCSVHeader, 7},
		{"ranking-rating-latest-all-kinds", load[civicspace.RankingResult](t, "ranking-rating-latest-all-kinds"), report.RankingCSVHeader, 9},
		// 4 periods (one missing) x 6 items + 1 period x 6 items.
		{"trend-ken-all", load[civicspace.TrendResult](t, "trend-ken-all"), report.TrendCSVHeader, 4*6 + 6},
		{"regions-rating-2025-self", load[civicspace.RegionResult](t, "regions-rating-2025-self"), report.RegionsCSVHeader, 9},
		// rating + 5 frameworks/groups + 3 recommendations, then 6
		// indicators x 3 measures (points, answer, evidence_count).
		{"gap-ken-2025", load[civicspace.GapResult](t, "gap-ken-2025"), report.GapCSVHeader, 1 + 5 + 3 + 6*3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, report.CSV, tt.v)
			require.Len(t, readCSV(t, out, tt.header), tt.rows, "one row per observation, none dropped")
			golden(t, tt.name+".golden.csv", out)
		})
	}
}

// TestTidyCSV checks the tidy long tables (docs/data.md): one row per item
// and measure, every value column a number or empty, ids on every row.
func TestTidyCSV(t *testing.T) {
	numeric := func(t *testing.T, row []string, header []string, cols ...string) {
		t.Helper()
		for _, c := range cols {
			if v := row[column(header, c)]; v != "" {
				_, err := strconv.ParseFloat(v, 64)
				require.NoError(t, err, "column %s holds numbers only: %q", c, v)
			}
		}
	}
	t.Run("gap", func(t *testing.T) {
		h := report.GapCSVHeader
		g := load[civicspace.GapResult](t, "gap-ken-2025")
		rows := readCSV(t, render(t, report.CSV, g), h)
		seen := map[string]bool{}
		options := 0
		for _, row := range rows {
			numeric(t, row, h, "self_value", "shadow_value", "difference", "self_version", "shadow_version")
			require.Equal(t, g.Self.AssessmentID, row[column(h, "self_assessment_id")])
			require.Equal(t, g.Shadow.AssessmentID, row[column(h, "shadow_assessment_id")])
			require.Contains(t, []string{report.MeasureScore, report.MeasurePoints, report.MeasureAnswer, report.MeasureEvidenceCount}, row[column(h, "measure")])
			k := row[column(h, "level")] + "|" + row[column(h, "item_id")] + "|" + row[column(h, "measure")]
			require.False(t, seen[k], "one row per item and measure: %s twice", k)
			seen[k] = true
			if row[column(h, "self_option")] != "" || row[column(h, "shadow_option")] != "" {
				options++
				require.Equal(t, report.MeasureAnswer, row[column(h, "measure")], "options only on answer rows")
			}
		}
		require.Positive(t, options, "the fixture has a choice answer, in its own column")
	})
	t.Run("score", func(t *testing.T) {
		h := report.ScoreCSVHeader
		res := load[civicspace.Result](t, "result-ken-2025-self")
		raw, err := json.Marshal(res)
		require.NoError(t, err)
		sc := &civicspace.StoredScore{AssessmentID: "asm_ken", Version: 3, Result: raw}
		out := render(t, report.CSV, sc)
		rows := readCSV(t, out, h)
		require.Len(t, rows, len(res.Observations("asm_ken", 3)), "one row per item")
		for _, row := range rows {
			numeric(t, row, h, "value", "coverage", "version")
			require.Equal(t, "asm_ken", row[column(h, "assessment_id")])
			require.Equal(t, res.Provenance.PolicyDigest, row[column(h, "policy_digest")])
			want := report.MeasureScore
			if row[column(h, "level")] == civicspace.LevelIndicator {
				want = report.MeasurePoints
			}
			require.Equal(t, want, row[column(h, "measure")])
		}
		require.Equal(t, []string{"rating", civicspace.ObservationOverall}, []string{rows[0][column(h, "level")], rows[0][column(h, "item_id")]})
		golden(t, "score-ken-2025-self.golden.csv", out)
	})
}

func TestCSVMissingValuesAreEmptyCells(t *testing.T) {
	r := load[civicspace.RankingResult](t, "ranking-rating-2025-self")
	rows := readCSV(t, render(t, report.CSV, r), report.RankingCSVHeader)
	last := rows[len(rows)-1] // BRA, no score
	require.Equal(t, "BRA", last[column(report.RankingCSVHeader, "country")])
	require.Equal(t, "", last[column(report.RankingCSVHeader, "score")])
	require.Equal(t, "", last[column(report.RankingCSVHeader, "rank")])
	require.Equal(t, civicspace.FlagMissing, last[column(report.RankingCSVHeader, "flag")])

	tr := load[civicspace.TrendResult](t, "trend-ken-all")
	trows := readCSV(t, render(t, report.CSV, tr), report.TrendCSVHeader)
	var missing int
	for _, r := range trows {
		if r[column(report.TrendCSVHeader, "period")] == "2023" {
			missing++
			require.Equal(t, "", r[column(report.TrendCSVHeader, "assessment_id")])
			require.Equal(t, "", r[column(report.TrendCSVHeader, "score")])
		}
	}
	require.Equal(t, 6, missing, "the missing period keeps a row per item")
}

func TestCSVInjection(t *testing.T) {
	hostile := []string{"=cmd|' /C calc'!A0", "+SUM(1,1)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"}
	rank := 1
	r := &civicspace.RankingResult{Target: civicspace.Target{Level: "rating"}, Period: "2025"}
	for i, name := range hostile {
		r.Rows = append(r.Rows, civicspace.RankingRow{Rank: &rank, Country: "XA" + string(rune('A'+i)), Name: name, Kind: civicspace.KindSelf,
			Score: civicspace.Float(-3.5), Coverage: civicspace.Float(0.5), AssessmentID: "=1+1"})
	}
	out := render(t, report.CSV, r)
	// encoding/csv drops a bare CR under UseCRLF; the apostrophe stays.
	require.Contains(t, string(out), ",\"'CR\",")
	rows := readCSV(t, out, report.RankingCSVHeader)
	for i, row := range rows {
		require.Equal(t, "'"+strings.TrimPrefix(hostile[i], "\r"), row[column(report.RankingCSVHeader, "name")], "text cells are neutralised")
		require.Equal(t, "'=1+1", row[column(report.RankingCSVHeader, "assessment_id")])
		require.Equal(t, "-3.5", row[column(report.RankingCSVHeader, "score")], "numbers stay numbers")
	}

	// Trend: a negative change is a number; a hostile title is text.
	tr := &civicspace.TrendResult{Subject: "KEN", Series: []civicspace.TrendSeries{{
		Kind:    civicspace.KindSelf,
		Periods: []civicspace.TrendPeriod{{Period: "2024", AssessmentID: "a", Version: 1}, {Period: "2025", AssessmentID: "b", Version: 1}},
		Items: []civicspace.TrendItem{{Level: "framework", ID: "fa", Title: "-1+1 looks like a formula", Confidence: civicspace.Inferred, Points: []civicspace.TrendPoint{
			{Period: "2024", Score: civicspace.Float(50)}, {Period: "2025", Score: civicspace.Float(46.5), Change: civicspace.Float(-3.5)},
		}}},
	}}}
	trows := readCSV(t, render(t, report.CSV, tr), report.TrendCSVHeader)
	require.Equal(t, "-3.5", trows[1][column(report.TrendCSVHeader, "change")])
	require.Equal(t, "'-1+1 looks like a formula", trows[1][column(report.TrendCSVHeader, "title")])
	require.Equal(t, "inferred", trows[1][column(report.TrendCSVHeader, "confidence")], "an item's confidence is carried into the CSV")

	// Gap: the shadow's author cannot inject; comments are neutralised;
	// differences stay negative numbers.
	g := load[civicspace.GapResult](t, "gap-ken-2025")
	g.Indicators[1].Shadow.Comment = "=HYPERLINK(\"https://evil.example\",\"x\")"
	grows := readCSV(t, render(t, report.CSV, g), report.GapCSVHeader)
	var found int
	for _, row := range grows {
		if row[column(report.GapCSVHeader, "item_id")] != "registration" {
			continue
		}
		switch row[column(report.GapCSVHeader, "measure")] {
		case report.MeasureAnswer:
			found++
			require.Equal(t, "'=HYPERLINK(\"https://evil.example\",\"x\")", row[column(report.GapCSVHeader, "shadow_comment")])
		case report.MeasurePoints:
			found++
			require.Equal(t, "-50", row[column(report.GapCSVHeader, "difference")])
		}
	}
	require.Equal(t, 2, found)

	for _, s := range []string{"plain", "", "1", "Côte d'Ivoire", " =space first"} {
		require.Equal(t, s, report.Neutralise(s), "harmless text is unchanged")
	}
}

func TestSDMX(t *testing.T) {
	tests := []struct {
		name string
		v    any
		rows int
	}{
		{"ranking-rating-2025-self", load[civicspace.RankingResult](t, "ranking-rating-2025-self"), 7 * 3},
		{"trend-ken-all", load[civicspace.TrendResult](t, "trend-ken-all"), (4*6 + 6) * 3},
		{"regions-rating-2025-self", load[civicspace.RegionResult](t, "regions-rating-2025-self"), 9 * 5},
		{"gap-ken-2025", load[civicspace.GapResult](t, "gap-ken-2025"), (1 + 5 + 3 + 6) * 2},
	}
	h := report.SDMXHeader
	require.Equal(t, []string{"STRUCTURE", "STRUCTURE_ID", "ACTION", "FREQ", "REF_AREA", "ASSESSMENT_KIND", "FRAMEWORK", "MEASURE", "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "STATUS"}, h)
	require.Equal(t, append([]string{"DATAFLOW"}, h[3:]...), report.SDMX1Header)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, report.SDMX, tt.v)
			rows := readCSV(t, out, h)
			require.Len(t, rows, tt.rows)
			keys := map[string]bool{}
			for _, r := range rows {
				require.Equal(t, "dataflow", r[column(h, "STRUCTURE")])
				require.Equal(t, report.Dataflow, r[column(h, "STRUCTURE_ID")])
				require.Equal(t, "I", r[column(h, "ACTION")])
				require.Equal(t, "A", r[column(h, "FREQ")])
				require.Regexp(t, `^([0-9]{3}|X[A-Z]{2}|_Z)$`, r[column(h, "REF_AREA")])
				require.Contains(t, []string{"SELF", "SHADOW", "INDEPENDENT"}, r[column(h, "ASSESSMENT_KIND")])
				require.Regexp(t, `^[0-9]{4}$`, r[column(h, "TIME_PERIOD")])
				if r[column(h, "OBS_VALUE")] == "" {
					require.Equal(t, "O", r[column(h, "OBS_STATUS")], "a missing value is marked missing")
				}
				// The dimensions identify each observation.
				key := strings.Join(r[column(h, "FREQ"):column(h, "TIME_PERIOD")+1], "|")
				require.False(t, keys[key], "duplicate series key %s", key)
				keys[key] = true
			}
			golden(t, tt.name+".golden.sdmx.csv", out)

			// SDMX-CSV 1.0.0 holds the same observations behind one
			// DATAFLOW column.
			v1 := readCSV(t, render(t, report.SDMX1, tt.v), report.SDMX1Header)
			require.Len(t, v1, len(rows))
			for i, r := range v1 {
				require.Equal(t, append([]string{report.Dataflow}, rows[i][3:]...), r)
			}
		})
	}
}

func TestSDMXCodes(t *testing.T) {
	h := report.SDMXHeader
	r := load[civicspace.RankingResult](t, "ranking-rating-2025-self")
	rows := readCSV(t, render(t, report.SDMX, r), h)
	byArea := map[string][]string{}
	for _, row := range rows {
		if row[column(h, "MEASURE")] == "SCORE" {
			byArea[row[column(h, "REF_AREA")]] = row
		}
	}
	require.Equal(t, "82.5", byArea["578"][column(h, "OBS_VALUE")], "NOR is M49 578")
	require.Equal(t, "_T", byArea["578"][column(h, "FRAMEWORK")], "the rating is the total")
	require.Equal(t, "open", byArea["578"][column(h, "STATUS")])
	require.Equal(t, "55", byArea["XAA"][column(h, "OBS_VALUE")], "a demo code keeps its alpha-3 code")
	require.Equal(t, "U", byArea["250"][column(h, "OBS_STATUS")], "FRA's low coverage is low reliability")
	require.Equal(t, "O", byArea["076"][column(h, "OBS_STATUS")], "BRA has no score")

	// A date-range period and an organisation subject.
	tr := &civicspace.TrendResult{Subject: "org:UNDP", Series: []civicspace.TrendSeries{{
		Kind:    civicspace.KindIndependent,
		Periods: []civicspace.TrendPeriod{{Period: "2025-01-01/2025-06-30", AssessmentID: "a", Version: 1}},
		Items:   []civicspace.TrendItem{{Level: "rating", Title: "Civic space rating", Points: []civicspace.TrendPoint{{Period: "2025-01-01/2025-06-30", Score: civicspace.Float(60), Coverage: civicspace.Float(0.75)}}}},
	}}}
	trows := readCSV(t, render(t, report.SDMX, tr), h)
	require.Equal(t, []string{"dataflow", report.Dataflow, "I", "_O", "_Z", "INDEPENDENT", "_T", "SCORE", "2025-01-01/P181D", "60", "IX", "A", ""}, trows[0])
	require.Equal(t, "75", trows[1][column(h, "OBS_VALUE")], "coverage in percent")
}

var (
	svgNamespace = "http://www.w3.org/2000/svg"
	urlPattern   = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+`)
)

// checkSVG checks what every picture must be: well-formed XML with an
// accessible name and description, and nothing that runs or loads.
func checkSVG(t *testing.T, out []byte) {
	t.Helper()
	s := string(out)
	require.True(t, strings.HasPrefix(s, `<svg xmlns="`+svgNamespace+`"`))
	require.Contains(t, s, `role="img"`)
	require.Regexp(t, `aria-labelledby="([a-z]+)-title ([a-z]+)-desc"`, s)
	require.Regexp(t, `<title id="[a-z]+-title">[^<]+</title>`, s)
	require.Regexp(t, `<desc id="[a-z]+-desc">[^<]+</desc>`, s)
	lower := strings.ToLower(s)
	for _, bad := range []string{"<script", "javascript:", "onload", "onclick", "<foreignobject", "@import", "@font-face", "xlink:href", "<image", "<a "} {
		require.NotContains(t, lower, bad)
	}
	for _, u := range urlPattern.FindAllString(s, -1) {
		require.Equal(t, "http://www.w3.org", u, "no URL but the SVG namespace")
	}
	for _, m := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(s, -1) {
		require.True(t, strings.HasPrefix(m[1], "#"), "only local references: %s", m[0])
	}
	dec := xml.NewDecoder(bytes.NewReader(out))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "well-formed XML")
	}
}

func TestSVG(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		name string
		v    any
		opts []report.Option
		says []string // text the picture must show
	}{
		{"scorecard-ken-2025-shadow", load[civicspace.Result](t, "result-ken-2025-shadow"), []report.Option{report.WithCatalog(cat)},
			[]string{"Civic space scorecard: Kenya, 2025", "Band: REPRESSED", "Mass detention of defenders (detained): cap 40, applied", "Framework A", "Respect and protect", "not assessed", "partially met"}},
		{"scorecard-ken-2025-self", load[civicspace.Result](t, "result-ken-2025-self"), []report.Option{report.WithCatalog(cat)},
			[]string{"Band: OBSTRUCTED", "No red flag raised."}},
		{"ranking-rating-latest-all-kinds", load[civicspace.RankingResult](t, "ranking-rating-latest-all-kinds"), nil,
			[]string{"Self-assessments: ranked", "Self-assessments: not ranked, coverage below 50%", "Self-assessments: no score", "Shadow assessments: ranked", "Norway (NOR)", "64.2 (low coverage)"}},
		{"ranking-group-fa.p2-min-coverage-0.7", load[civicspace.RankingResult](t, "ranking-group-fa.p2-min-coverage-0.7"), nil,
			[]string{"Ranking on Fund and support, 2025", "coverage below 70%"}},
		{"trend-ken-all", load[civicspace.TrendResult](t, "trend-ken-all"), nil,
			[]string{"Trend of Kenya (KEN), 2022 to 2025", "Framework B on donors: 35 in 2024", "no assessment", "Civic space rating: 41 (-4.5)", "2024 to 2025: Protect freedoms partially met → not met"}},
		{"trend-ken-self-fa-from-2024", load[civicspace.TrendResult](t, "trend-ken-self-fa-from-2024"), nil,
			[]string{"Framework A: 41 (-6)", "Respect and protect"}},
		{"ranking-no-data", load[civicspace.RankingResult](t, "ranking-no-data"), nil,
			[]string{"No published, scored assessment matches."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, report.SVG, tt.v, tt.opts...)
			checkSVG(t, out)
			for _, s := range tt.says {
				require.Contains(t, string(out), xmlText(s))
			}
			golden(t, tt.name+".golden.svg", out)
		})
	}
}

func xmlText(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), "&#39;", "'")
}

func TestSVGEscapesText(t *testing.T) {
	rank := 1
	r := &civicspace.RankingResult{Target: civicspace.Target{Level: "rating", Title: `<script>alert("x")</script>`}, Period: "2025", MinCoverage: 0.5,
		Rows: []civicspace.RankingRow{{Rank: &rank, Country: "XAA", Name: "A & B <b>\x00\x1b", Kind: civicspace.KindSelf, Score: civicspace.Float(50), Coverage: civicspace.Float(1)}}}
	out := render(t, report.SVG, r)
	checkSVG(t, out)
	require.Contains(t, string(out), "&lt;script&gt;")
	require.Contains(t, string(out), "A &amp; B &lt;b&gt;")
}

func TestWriteRefusesFormatsAValueHasNot(t *testing.T) {
	var b bytes.Buffer
	err := report.Write(&b, report.SVG, load[civicspace.RegionResult](t, "regions-rating-2025-self"))
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	require.Contains(t, err.Error(), "use json, csv, sdmx")
	err = report.Write(&b, report.CSV, load[civicspace.Result](t, "result-ken-2025-self"))
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	require.Zero(t, b.Len())
}

func TestWriteJSONIsTheStruct(t *testing.T) {
	r := load[civicspace.RankingResult](t, "ranking-rating-2025-self")
	out := render(t, report.JSON, r)
	want, err := os.ReadFile(filepath.Join(compareData, "ranking-rating-2025-self.golden.json"))
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(out))
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]report.Format{"": report.JSON, "json": report.JSON, "CSV": report.CSV, "sdmx": report.SDMX, "sdmx-csv": report.SDMX, "sdmx-2.0": report.SDMX, "SDMX-1.0": report.SDMX1, " svg ": report.SVG} {
		got, err := report.ParseFormat(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err := report.ParseFormat("xlsx")
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
}

func TestNegotiate(t *testing.T) {
	all := report.Formats
	tests := []struct {
		accept string
		want   report.Format
		ok     bool
	}{
		{"", report.JSON, true},
		{"*/*", report.JSON, true},
		{"text/csv", report.CSV, true},
		{"application/vnd.sdmx.data+csv", report.SDMX, true},
		{"application/vnd.sdmx.data+csv; version=2.0.0", report.SDMX, true},
		{"application/vnd.sdmx.data+csv;version=2.0", report.SDMX, true},
		{"application/vnd.sdmx.data+csv; version=1.0.0", report.SDMX1, true},
		{"application/vnd.sdmx.data+csv; version=1.0.0, application/json;q=0.5", report.SDMX1, true},
		{"application/vnd.sdmx.data+csv; version=3.0.0", "", false},
		{"image/svg+xml, application/json;q=0.5", report.SVG, true},
		{"application/json;q=0.4, text/csv;q=0.9", report.CSV, true},
		{"text/*", report.CSV, true},
		{"image/*;q=0.2, */*;q=0.1", report.SVG, true},
		{"text/csv;q=0, application/json", report.JSON, true},
		{"application/xml", "", false},
		{"text/csv;q=0", "", false},
	}
	for _, tt := range tests {
		got, ok := report.Negotiate(tt.accept, all...)
		require.Equal(t, tt.ok, ok, tt.accept)
		require.Equal(t, tt.want, got, tt.accept)
	}
	got, ok := report.Negotiate("image/svg+xml", report.JSON, report.CSV)
	require.False(t, ok, "SVG not offered")
	require.Empty(t, got)
}
