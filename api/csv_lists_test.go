package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/stretchr/testify/require"
)

// TestCSVCatalogCommitmentsAudit reads the catalog export, the commitments
// list and the audit trail as CSV: by parameter or by Accept, with the
// byte-order mark on request, a file name, formula-guarded text, the next
// page in Link, and a 406 for other types; the audit trail for admins only.
func TestCSVCatalogCommitmentsAudit(t *testing.T) {
	e := newEnv(t, stores["sqlite"], withClock(commitmentDay))
	anon := bearer("")

	t.Run("catalog export", func(t *testing.T) {
		cat := e.svc.Catalog
		links := 0
		for _, ind := range cat.Indicators() {
			links += len(ind.Recommendations)
		}
		res := e.do("GET", "/v1/catalog/export?format=csv&bom=true", nil, anon)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv"))
		require.True(t, bytes.HasPrefix(res.body, []byte(report.BOM+"framework,group,recommendation,")))
		require.Equal(t, "attachment; filename=catalog-"+cat.Version()+".csv", res.Header.Get("Content-Disposition"))
		rows := csvRows(t, bytes.TrimPrefix(res.body, []byte(report.BOM)))
		require.Equal(t, report.CatalogCSVHeader, rows[0])
		require.Len(t, rows, 1+links, "one row per recommendation-indicator link")
		ind := cat.Indicators()[0]
		r, _ := cat.Recommendation(ind.Recommendations[0])
		require.Equal(t, []string{r.Framework().ID, r.ID, ind.ID, ind.Question},
			[]string{rows[1][col(rows[0], "framework")], rows[1][col(rows[0], "recommendation")], rows[1][col(rows[0], "indicator")], rows[1][col(rows[0], "question")]})

		plain := e.do("GET", "/v1/catalog/export", nil, anon, accept("text/csv"))
		require.Equal(t, plain.body, bytes.TrimPrefix(res.body, []byte(report.BOM)), "by Accept, the same table without the mark")
		var export api.CatalogExport
		e.do("GET", "/v1/catalog/export?bom=true", nil, anon).decode(t, &export)
		require.Equal(t, cat.Version(), export.Version, "JSON stays the default")
		e.do("GET", "/v1/catalog/export", nil, anon, accept("application/xml")).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)
	})

	t.Run("commitments", func(t *testing.T) {
		for i, title := range []string{"Humanitarian visas for defenders at risk", "=HYPERLINK(\"x\") visas"} {
			c := visaCommitment("NOR", "SWE")
			c.Title = title
			res := e.do("POST", "/v1/commitments", c)
			require.Equal(t, http.StatusCreated, res.StatusCode, "%d: %s", i, res.body)
		}
		res := e.do("GET", "/v1/commitments?format=csv&bom=true&page_size=1&country=NOR", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		require.True(t, bytes.HasPrefix(res.body, []byte(report.BOM+"id,version,status")))
		require.Equal(t, "attachment; filename=commitments-NOR.csv", res.Header.Get("Content-Disposition"))
		require.Contains(t, res.Header.Get("Link"), `rel="next"`)
		require.Contains(t, res.Header.Get("Link"), "country=NOR")
		rows := csvRows(t, bytes.TrimPrefix(res.body, []byte(report.BOM)))
		require.Equal(t, report.CommitmentListCSVHeader, rows[0])
		require.Len(t, rows, 2, "one page of one")
		require.Equal(t, []string{"draft", "Humanitarian visas for defenders at risk", "NOR SWE", "workstream", "s4d-cohort.ws-3", "cod", "2", "2"},
			[]string{rows[1][col(rows[0], "status")], rows[1][col(rows[0], "title")], rows[1][col(rows[0], "countries")],
				rows[1][col(rows[0], "occasion_kind")], rows[1][col(rows[0], "workstream")], rows[1][col(rows[0], "follow_up")],
				rows[1][col(rows[0], "recommendations")], rows[1][col(rows[0], "milestones")]})

		rows = csvRows(t, e.do("GET", "/v1/commitments", nil, accept("text/csv")).body)
		require.Len(t, rows, 3)
		require.Equal(t, `'=HYPERLINK("x") visas`, rows[2][col(rows[0], "title")], "formulas are neutralised")
		require.Len(t, csvRows(t, e.do("GET", "/v1/commitments?format=csv", nil, anon).body), 1, "the public sees no drafts: the header alone")
		var page api.CommitmentList
		e.do("GET", "/v1/commitments", nil).decode(t, &page)
		require.Len(t, page.Commitments, 2, "JSON stays the default")
		e.do("GET", "/v1/commitments", nil, accept("application/xml")).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)
	})

	t.Run("audit", func(t *testing.T) {
		res := e.do("GET", "/v1/audit?format=csv&bom=true&page_size=1&action=createCommitment", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		require.True(t, bytes.HasPrefix(res.body, []byte(report.BOM+"id,at,actor,action,target,details\r\n")))
		require.Equal(t, "attachment; filename=audit-createCommitment.csv", res.Header.Get("Content-Disposition"))
		require.Contains(t, res.Header.Get("Link"), `rel="next"`, "two commitments, pages of one")
		rows := csvRows(t, bytes.TrimPrefix(res.body, []byte(report.BOM)))
		require.Equal(t, report.AuditCSVHeader, rows[0])
		require.Len(t, rows, 2)
		require.Equal(t, "createCommitment", rows[1][col(rows[0], "action")])
		require.True(t, strings.HasPrefix(rows[1][col(rows[0], "target")], "cmt_"), rows[1])

		var page api.AuditPage
		e.do("GET", "/v1/audit?page_size=1", nil).decode(t, &page)
		require.Len(t, page.Entries, 1, "JSON stays the default")
		e.do("GET", "/v1/audit", nil, accept("application/xml")).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)

		// The Service decides access, whatever the format.
		watchdog := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog, Organisation: "Civic Watch"}))
		for _, h := range [][]header{{accept("text/csv")}, nil} {
			e.do("GET", "/v1/audit?format=csv", nil, append(h, anon)...).problem(t, http.StatusUnauthorized, civicspace.EUNAUTHORIZED)
			e.do("GET", "/v1/audit?format=csv", nil, append(h, watchdog)...).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		}
		e.do("GET", "/v1/audit", nil, anon, accept("text/csv")).problem(t, http.StatusUnauthorized, civicspace.EUNAUTHORIZED)
	})
}
