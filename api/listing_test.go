package api_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestListVisibility lists assessments as every kind of caller: each sees
// what it owns, drafts included, and everything else only once published,
// shown as published; nothing else, whatever the filters.
func TestListVisibility(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		ctx := asAdmin(context.Background())
		cat := e.svc.Catalog
		create := func(country string, kind civicspace.Kind, author string, actions ...civicspace.Action) string {
			a := fullAssessment(cat, country)
			a.Kind, a.Author = kind, author
			rec, _, err := e.svc.CreateAssessment(ctx, a)
			require.NoError(t, err)
			for _, action := range actions {
				rec, _, err = e.svc.Transition(ctx, rec.ID, rec.Version, action, "")
				require.NoError(t, err)
			}
			return rec.ID
		}
		submit, publish := civicspace.ActionSubmit, civicspace.ActionPublish
		ids := map[string]string{
			"norDraft":       create("NOR", civicspace.KindSelf, "Ministry of Justice of NOR"),
			"norSubmitted":   create("NOR", civicspace.KindSelf, "Ministry of Justice of NOR", submit),
			"norPublished":   create("NOR", civicspace.KindSelf, "Ministry of Justice of NOR", submit, publish),
			"sweDraft":       create("SWE", civicspace.KindSelf, "Ministry of Justice of SWE"),
			"swePublished":   create("SWE", civicspace.KindSelf, "Ministry of Justice of SWE", submit, publish),
			"watchDraft":     create("SWE", civicspace.KindShadow, "Civic Watch"),
			"watchSubmitted": create("NOR", civicspace.KindShadow, "Civic Watch", submit),
			"watchPublished": create("NOR", civicspace.KindShadow, "Civic Watch", submit, publish),
			"otherDraft":     create("NOR", civicspace.KindShadow, "Other Watch"),
			"correcting":     create("SWE", civicspace.KindSelf, "Ministry of Justice of SWE", submit, publish, civicspace.ActionCorrect),
		}
		published := []string{"norPublished", "swePublished", "watchPublished", "correcting"}
		keys := map[string]string{
			"anonymous":     "",
			"admin":         e.key,
			"assessorNOR":   e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: "Ministry of Justice of NOR"}),
			"reviewerNOR":   e.newKey(civicspace.KeySpec{Role: civicspace.RoleReviewer, Subjects: []string{"NOR"}}),
			"reviewerSWE":   e.newKey(civicspace.KeySpec{Role: civicspace.RoleReviewer, Subjects: []string{"SWE"}}),
			"watchdog":      e.newKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog, Organisation: "Civic Watch"}),
			"otherWatchdog": e.newKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog, Organisation: "Third Watch"}),
		}
		with := func(names ...string) []string { return append(slices.Clone(published), names...) }
		all := []string{}
		for name := range ids {
			all = append(all, name)
		}
		list := func(key string, query url.Values) map[string]api.AssessmentSummary {
			t.Helper()
			got := map[string]api.AssessmentSummary{}
			query.Set("page_size", "3")
			for pages := 0; ; pages++ {
				require.Less(t, pages, 20)
				res := e.do("GET", "/v1/assessments?"+query.Encode(), nil, bearer(key))
				require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
				var page api.AssessmentList
				res.decode(t, &page)
				for _, s := range page.Assessments {
					for name, id := range ids {
						if id == s.ID {
							require.NotContains(t, got, name, "listed twice")
							got[name] = s
						}
					}
				}
				if page.NextPageToken == "" {
					return got
				}
				query.Set("page_token", page.NextPageToken)
			}
		}
		names := func(m map[string]api.AssessmentSummary) []string {
			out := []string{}
			for name := range m {
				out = append(out, name)
			}
			return out
		}

		for _, tc := range []struct {
			caller string
			query  url.Values
			want   []string
		}{
			{"anonymous", url.Values{}, published},
			{"admin", url.Values{}, all},
			{"assessorNOR", url.Values{}, with("norDraft", "norSubmitted")},
			{"reviewerNOR", url.Values{}, with("norDraft", "norSubmitted")},
			{"reviewerSWE", url.Values{}, with("sweDraft")},
			{"watchdog", url.Values{}, with("watchDraft", "watchSubmitted")},
			{"otherWatchdog", url.Values{}, published},
			// Filters narrow what a caller sees, never widen it.
			{"watchdog", url.Values{"kind": {"shadow"}}, []string{"watchDraft", "watchSubmitted", "watchPublished"}},
			{"watchdog", url.Values{"kind": {"shadow"}, "status": {"draft"}}, []string{"watchDraft"}},
			{"watchdog", url.Values{"country": {"NOR"}}, []string{"norPublished", "watchSubmitted", "watchPublished"}},
			{"assessorNOR", url.Values{"kind": {"shadow"}}, []string{"watchPublished"}},
			{"assessorNOR", url.Values{"status": {"submitted"}}, []string{"norSubmitted"}},
			// A correction being drafted shows as its publication to
			// everyone but its owners, and a status filter does not reveal it.
			{"anonymous", url.Values{"status": {"draft"}}, []string{}},
			{"watchdog", url.Values{"status": {"draft"}}, []string{"watchDraft"}},
			{"reviewerSWE", url.Values{"status": {"draft"}}, []string{"sweDraft", "correcting"}},
			// ... nor does it hide the publication: the public lists what it
			// sees, the published revision.
			{"anonymous", url.Values{"status": {"published"}}, []string{"norPublished", "swePublished", "watchPublished", "correcting"}},
			{"anonymous", url.Values{"status": {"published"}, "country": {"SWE"}}, []string{"swePublished", "correcting"}},
		} {
			got := list(keys[tc.caller], tc.query)
			require.ElementsMatch(t, tc.want, names(got), "%s %v", tc.caller, tc.query)
		}

		// The public sees the correcting assessment as published; its
		// owners as the draft it is.
		pub := list("", url.Values{})["correcting"]
		require.Equal(t, api.AssessmentStatusPublished, pub.Status)
		require.Equal(t, 3, pub.Version)
		own := list(keys["reviewerSWE"], url.Values{})["correcting"]
		require.Equal(t, api.AssessmentStatusDraft, own.Status)
		require.Equal(t, 4, own.Version)

		// What a caller lists it can open; what it does not, it cannot.
		for _, caller := range []string{"watchdog", "assessorNOR", "otherWatchdog"} {
			listed := list(keys[caller], url.Values{})
			for name, id := range ids {
				res := e.do("GET", "/v1/assessments/"+id, nil, bearer(keys[caller]))
				if _, ok := listed[name]; ok {
					require.Equal(t, http.StatusOK, res.StatusCode, "%s opens %s", caller, name)
				} else {
					res.problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
				}
			}
		}
	})
}
