package storetest

import (
	"context"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// testListVisible lists what callers may see (AssessmentFilter.Author and
// .Visible, which civicspace.ListScope sets): an owner's assessments in
// any status and everything else once published, and for each owner the
// store agrees with civicspace.Ownership.Owns.
func testListVisible(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	shadow := func(country, author string) *civicspace.Assessment {
		a := Fixture(country, "2025", civicspace.KindShadow)
		a.Author = author
		return a
	}
	type fixture struct {
		name   string
		a      *civicspace.Assessment
		status civicspace.AssessmentStatus
	}
	fixtures := []fixture{
		{"norDraft", Fixture("NOR", "2024", civicspace.KindSelf), civicspace.Draft},
		{"norPub", Fixture("NOR", "2025", civicspace.KindSelf), civicspace.Published},
		{"sweDraft", Fixture("SWE", "2025", civicspace.KindSelf), civicspace.Draft},
		{"swePub", Fixture("SWE", "2024", civicspace.KindSelf), civicspace.Published},
		{"watchDraft", shadow("SWE", "Civic Watch"), civicspace.Draft},
		{"watchSubmitted", shadow("NOR", "Civic Watch"), civicspace.Submitted},
		{"watchWithdrawn", shadow("DEU", "Civic Watch"), civicspace.Withdrawn},
		{"otherDraft", shadow("NOR", "Other Watch"), civicspace.Draft},
		{"otherPub", shadow("NOR", "Other Watch"), civicspace.Published},
		{"nordic", OrgFixture("Nordic Council", "2025", civicspace.KindSelf), civicspace.Submitted},
	}
	ids := map[string]string{}
	records := map[string]*civicspace.Assessment{}
	for _, f := range fixtures {
		ids[f.name] = createIn(ctx, t, s, f.a, f.status).ID
		records[f.name] = f.a
	}
	// A published assessment being corrected: a draft, still published.
	corrected := createIn(ctx, t, s, Fixture("DEU", "2023", civicspace.KindSelf), civicspace.Published)
	corrected = transition(ctx, t, s, corrected, civicspace.ActionCorrect)
	require.Equal(t, civicspace.Draft, corrected.Status)
	ids["corrected"], records["corrected"] = corrected.ID, &corrected.Assessment
	published := []string{"norPub", "swePub", "otherPub", "corrected"}
	order := []string{"norDraft", "norPub", "sweDraft", "swePub", "watchDraft", "watchSubmitted", "watchWithdrawn", "otherDraft", "otherPub", "nordic", "corrected"}

	assessor := &civicspace.Ownership{Kind: civicspace.KindSelf, Subjects: []string{"NOR", "org:Nordic Council"}}
	watchdog := &civicspace.Ownership{Kind: civicspace.KindShadow, Author: "Civic Watch"}
	cases := []struct {
		name   string
		filter civicspace.AssessmentFilter
		want   []string
	}{
		{"author", civicspace.AssessmentFilter{Author: "Civic Watch"}, []string{"watchDraft", "watchSubmitted", "watchWithdrawn"}},
		{"author and status", civicspace.AssessmentFilter{Author: "Civic Watch", Status: civicspace.Draft}, []string{"watchDraft"}},
		{"no such author", civicspace.AssessmentFilter{Author: "Nobody"}, []string{}},
		{"assessor", civicspace.AssessmentFilter{Visible: assessor}, []string{"norDraft", "norPub", "swePub", "otherPub", "nordic", "corrected"}},
		{"assessor, shadow kind", civicspace.AssessmentFilter{Visible: assessor, Kind: civicspace.KindShadow}, []string{"otherPub"}},
		{"assessor, country", civicspace.AssessmentFilter{Visible: assessor, Country: "SWE"}, []string{"swePub"}},
		{"watchdog", civicspace.AssessmentFilter{Visible: watchdog}, []string{"norPub", "swePub", "watchDraft", "watchSubmitted", "watchWithdrawn", "otherPub", "corrected"}},
		{"watchdog, its drafts", civicspace.AssessmentFilter{Visible: watchdog, Kind: civicspace.KindShadow, Status: civicspace.Draft}, []string{"watchDraft"}},
		{"subjects and author", civicspace.AssessmentFilter{Visible: &civicspace.Ownership{Kind: civicspace.KindShadow, Subjects: []string{"NOR"}, Author: "Civic Watch"}},
			[]string{"norPub", "swePub", "watchSubmitted", "otherPub", "corrected"}},
		{"an empty scope owns nothing", civicspace.AssessmentFilter{Visible: &civicspace.Ownership{Kind: civicspace.KindShadow}}, published},
		{"no subjects own nothing", civicspace.AssessmentFilter{Visible: &civicspace.Ownership{Kind: civicspace.KindSelf, Subjects: []string{}}}, published},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := []string{}
			for _, name := range order {
				for _, w := range tc.want {
					if w == name {
						want = append(want, ids[name])
					}
				}
			}
			require.Len(t, want, len(tc.want))
			for _, size := range []int{1, 4, 0} {
				require.Equal(t, want, listAll(ctx, t, s, tc.filter, size), "page size %d", size)
			}
			if o := tc.filter.Visible; o != nil && tc.filter.Kind == "" && tc.filter.Country == "" && tc.filter.Status == "" {
				// The store and the rule that opens one record agree.
				for name, a := range records {
					isPublished := false
					for _, p := range published {
						isPublished = isPublished || p == name
					}
					listed := false
					for _, w := range tc.want {
						listed = listed || w == name
					}
					require.Equal(t, listed, isPublished || o.Owns(a), "%s", name)
				}
			}
		})
	}
}

// BenchListVisible measures what a watchdog lists out of 2,000 stored
// assessments (40 countries × 5 periods × 2 kinds × 5, 3 of each 5
// published, a fifth of the shadow ones by the watchdog): its first page,
// and every page of its own shadow drafts, beside the public's first page.
func BenchListVisible(b *testing.B, open func(b *testing.B) civicspace.AssessmentStore) {
	s := open(b)
	defer s.Close()
	ctx := b.Context()
	countries := benchCountries(40)
	periods := []string{"2021", "2022", "2023", "2024", "2025"}
	kinds := []civicspace.Kind{civicspace.KindSelf, civicspace.KindShadow}
	const perTriple = 5
	seed(ctx, b, len(countries)*len(periods)*len(kinds)*perTriple, func(ctx context.Context, i int) error {
		n, j := i%perTriple, i/perTriple
		kind := kinds[j%len(kinds)]
		j /= len(kinds)
		a := Fixture(countries[j/len(periods)], periods[j%len(periods)], kind)
		if kind == civicspace.KindShadow {
			a.Author = "Other Watch"
			if j%5 == 0 { // one country and period in five
				a.Author = "Civic Watch"
			}
		}
		if n < 3 {
			_, err := publish(ctx, s, a)
			return err
		}
		_, err := s.CreateAssessment(ctx, a, "bench")
		return err
	})
	watchdog := &civicspace.Ownership{Kind: civicspace.KindShadow, Author: "Civic Watch"}
	for _, bc := range []struct {
		name string
		f    civicspace.AssessmentFilter
		want int
	}{
		{"public_first_page", civicspace.AssessmentFilter{PublishedOnly: true, PageSize: 50}, 50},
		{"watchdog_first_page", civicspace.AssessmentFilter{Visible: watchdog, PageSize: 50}, 50},
		{"watchdog_own_drafts", civicspace.AssessmentFilter{Visible: watchdog, Kind: civicspace.KindShadow, Status: civicspace.Draft, PageSize: civicspace.MaxPageSize}, 80},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				page, err := s.ListAssessments(ctx, bc.f)
				if err != nil {
					b.Fatal(err)
				}
				if len(page.Records) != bc.want {
					b.Fatalf("got %d records, want %d", len(page.Records), bc.want)
				}
			}
		})
	}
}
