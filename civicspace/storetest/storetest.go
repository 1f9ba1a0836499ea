package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// Run runs the conformance suite. open must return a new, empty store for
// each call (a fresh file, a fresh schema) and clean up what it created with
// t.Cleanup; Run closes the store.
func Run(t *testing.T, open func(t *testing.T) civicspace.AssessmentStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s civicspace.AssessmentStore)
	}{
		{"CreateAndRead", testCreateAndRead},
		{"Update", testUpdate},
		{"Revisions", testRevisions},
		{"Lifecycle", testLifecycle},
		{"UpdateOnlyDrafts", testUpdateOnlyDrafts},
		{"Delete", testDelete},
		{"List", testList},
		{"ListVisible", testListVisible},
		{"ListUnderCorrection", testListUnderCorrection},
		{"ListUnderConcurrentInserts", testListUnderConcurrentInserts},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"LatestPublished", testLatestPublished},
		{"Observations", testObservations},
		{"Scores", testScores},
		{"Unscored", testUnscored},
		{"PeriodKey", testPeriodKey},
		{"Ping", testPing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { require.NoError(t, s.Close()) })
			tc.fn(t, s)
		})
	}
}

// requireStamp checks a stored time: UTC, whole microseconds, taken during
// the call.
func requireStamp(t *testing.T, got, before, after time.Time) {
	t.Helper()
	require.Equal(t, time.UTC, got.Location())
	require.Zero(t, got.Nanosecond()%1000, "%v is not in whole microseconds", got)
	require.False(t, got.Before(before.Truncate(time.Microsecond)), "%v before %v", got, before)
	require.False(t, got.After(after), "%v after %v", got, after)
}

func testCreateAndRead(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	a := Fixture("NOR", "2025", civicspace.KindSelf)
	before := time.Now()
	rec, err := s.CreateAssessment(ctx, a, "alice")
	require.NoError(t, err)
	after := time.Now()

	require.Regexp(t, `^asm_[0-9a-z]{20}$`, rec.ID)
	require.Equal(t, 1, rec.Version)
	require.Equal(t, civicspace.Draft, rec.Status)
	require.Zero(t, rec.PublishedVersion)
	require.Equal(t, "alice", rec.CreatedBy)
	require.Equal(t, "alice", rec.UpdatedBy)
	requireStamp(t, rec.CreatedAt, before, after)
	require.Equal(t, rec.CreatedAt, rec.UpdatedAt)
	require.Equal(t, *Fixture("NOR", "2025", civicspace.KindSelf), rec.Assessment)

	got, err := s.Assessment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, rec, got, "a read returns what the create returned")

	// The store keeps its own copy: later edits of the caller's value do
	// not reach it.
	a.Title = "edited after saving"
	a.Answers["ind-law"] = civicspace.Answer{Value: civicspace.BoolValue(false)}
	got, err = s.Assessment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, *Fixture("NOR", "2025", civicspace.KindSelf), got.Assessment)

	other, err := s.CreateAssessment(ctx, OrgFixture("Civicus", "2025-01-01/2025-06-30", civicspace.KindIndependent), "carol")
	require.NoError(t, err)
	require.NotEqual(t, rec.ID, other.ID)
	got, err = s.Assessment(ctx, other.ID)
	require.NoError(t, err)
	require.Equal(t, "2025-01-01/2025-06-30", got.Assessment.Period.String())
	require.Equal(t, "Civicus", got.Assessment.Subject.Organisation)

	_, err = s.Assessment(ctx, "asm_00000000000000000000")
	requireCode(t, civicspace.ENOTFOUND, err)
}

func testUpdate(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	rec, err := s.CreateAssessment(ctx, Fixture("KEN", "2025", civicspace.KindSelf), "alice")
	require.NoError(t, err)

	changed := Fixture("KEN", "2025", civicspace.KindSelf)
	changed.Answers["ind-level"] = civicspace.Answer{Value: civicspace.NumberValue(3)}
	before := time.Now()
	v2, err := s.UpdateAssessment(ctx, rec.ID, 1, changed, "bob", "raised the level")
	require.NoError(t, err)
	after := time.Now()
	require.Equal(t, 2, v2.Version)
	require.Equal(t, civicspace.Draft, v2.Status)
	require.Equal(t, *changed, v2.Assessment)
	require.Equal(t, "bob", v2.UpdatedBy)
	require.Equal(t, "alice", v2.CreatedBy)
	require.Equal(t, rec.CreatedAt, v2.CreatedAt)
	requireStamp(t, v2.UpdatedAt, before, after)
	got, err := s.Assessment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, v2, got)

	// A writer that read version 1 is refused and told the current one.
	stale := Fixture("KEN", "2025", civicspace.KindSelf)
	stale.Title = "stale edit"
	_, err = s.UpdateAssessment(ctx, rec.ID, 1, stale, "carol", "")
	requireCode(t, civicspace.ECONFLICT, err)
	require.Contains(t, civicspace.ErrorMessage(err), "version 2")
	_, err = s.UpdateAssessment(ctx, rec.ID, 3, stale, "carol", "")
	requireCode(t, civicspace.ECONFLICT, err, "a version from the future is stale too")
	got, err = s.Assessment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, v2, got, "a refused update changes nothing")

	// The subject, period and kind can change while a draft.
	moved := Fixture("UGA", "2024", civicspace.KindShadow)
	v3, err := s.UpdateAssessment(ctx, rec.ID, 2, moved, "bob", "")
	require.NoError(t, err)
	require.Equal(t, *moved, v3.Assessment)
	page, err := s.ListAssessments(ctx, civicspace.AssessmentFilter{Country: "UGA", Period: "2024", Kind: civicspace.KindShadow})
	require.NoError(t, err)
	require.Len(t, page.Records, 1)
	require.Equal(t, v3, page.Records[0])

	_, err = s.UpdateAssessment(ctx, "asm_00000000000000000000", 1, moved, "bob", "")
	requireCode(t, civicspace.ENOTFOUND, err)
}

func testRevisions(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	v1 := Fixture("GHA", "2025", civicspace.KindSelf)
	rec, err := s.CreateAssessment(ctx, v1, "alice")
	require.NoError(t, err)

	v2 := Fixture("GHA", "2025", civicspace.KindSelf)
	v2.Title = "Ghana 2025, second draft"
	v2.Answers["ind-registrations"] = civicspace.Answer{Value: civicspace.NumberValue(1300)}
	v2.Answers["ind-new/with~odd"] = civicspace.Answer{Status: civicspace.AnswerNotApplicable}
	delete(v2.Answers, "ind-consultation")
	rec, err = s.UpdateAssessment(ctx, rec.ID, 1, v2, "bob", "figures from the registry")
	require.NoError(t, err)
	rec, err = s.TransitionAssessment(ctx, rec.ID, 2, civicspace.ActionSubmit, "bob", "ready")
	require.NoError(t, err)
	rec, err = s.TransitionAssessment(ctx, rec.ID, 3, civicspace.ActionReturn, "rita", "check the evidence")
	require.NoError(t, err)
	v5 := Fixture("GHA", "2025", civicspace.KindSelf)
	rec, err = s.UpdateAssessment(ctx, rec.ID, 4, v5, "bob", "")
	require.NoError(t, err)
	require.Equal(t, 5, rec.Version)

	revs, err := s.Revisions(ctx, rec.ID)
	require.NoError(t, err)
	type summary struct {
		Version int
		Status  civicspace.AssessmentStatus
		Action  civicspace.Action
		Actor   string
		Note    string
		Changes []string
		Doc     *civicspace.Assessment
	}
	want := []summary{
		{1, civicspace.Draft, civicspace.ActionCreate, "alice", "", []string{""}, v1},
		{2, civicspace.Draft, civicspace.ActionUpdate, "bob", "figures from the registry",
			[]string{"/title", "/answers/ind-consultation", "/answers/ind-new~1with~0odd", "/answers/ind-registrations"}, v2},
		{3, civicspace.Submitted, civicspace.ActionSubmit, "bob", "ready", []string{}, v2},
		{4, civicspace.Draft, civicspace.ActionReturn, "rita", "check the evidence", []string{}, v2},
		{5, civicspace.Draft, civicspace.ActionUpdate, "bob", "",
			[]string{"/title", "/answers/ind-consultation", "/answers/ind-new~1with~0odd", "/answers/ind-registrations"}, v5},
	}
	require.Len(t, revs, len(want))
	for i, w := range want {
		r := revs[i]
		require.Equal(t, rec.ID, r.AssessmentID)
		require.Equal(t, w, summary{r.Version, r.Status, r.Action, r.Actor, r.Note, r.Changes, &r.Assessment}, "revision %d", i+1)
		require.Equal(t, time.UTC, r.At.Location())
		if i > 0 {
			require.False(t, r.At.Before(revs[i-1].At), "revisions are in time order")
		}
		one, err := s.Revision(ctx, rec.ID, w.Version)
		require.NoError(t, err)
		require.Equal(t, r, one, "Revision(%d) is the listed revision", w.Version)
	}
	require.Equal(t, rec.UpdatedAt, revs[4].At)

	_, err = s.Revision(ctx, rec.ID, 6)
	requireCode(t, civicspace.ENOTFOUND, err)
	_, err = s.Revision(ctx, rec.ID, 0)
	requireCode(t, civicspace.ENOTFOUND, err)
	_, err = s.Revision(ctx, "asm_00000000000000000000", 1)
	requireCode(t, civicspace.ENOTFOUND, err)
	_, err = s.Revisions(ctx, "asm_00000000000000000000")
	requireCode(t, civicspace.ENOTFOUND, err)
}

// lifecycleActions are the distinct actions of civicspace.Transitions.
func lifecycleActions() []civicspace.Action {
	var actions []civicspace.Action
	for _, tr := range civicspace.Transitions {
		if !slices.Contains(actions, tr.Action) {
			actions = append(actions, tr.Action)
		}
	}
	return actions
}

func testLifecycle(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	for _, from := range civicspace.AssessmentStatuses {
		for _, action := range lifecycleActions() {
			idx := slices.IndexFunc(civicspace.Transitions, func(tr civicspace.Transition) bool { return tr.From == from && tr.Action == action })
			t.Run(fmt.Sprintf("%s_%s", action, from), func(t *testing.T) {
				rec := createIn(ctx, t, s, Fixture("XAA", "2025", civicspace.KindSelf), from)
				got, err := s.TransitionAssessment(ctx, rec.ID, rec.Version, action, "rita", "note "+string(action))
				if idx < 0 {
					requireCode(t, civicspace.ESTATE, err)
					now, err := s.Assessment(ctx, rec.ID)
					require.NoError(t, err)
					require.Equal(t, rec, now, "a refused move changes nothing")
					return
				}
				require.NoError(t, err)
				to := civicspace.Transitions[idx].To
				require.Equal(t, to, got.Status)
				require.Equal(t, rec.Version+1, got.Version)
				require.Equal(t, rec.Assessment, got.Assessment, "a lifecycle move keeps the content")
				wantPublished := rec.PublishedVersion
				switch action {
				case civicspace.ActionPublish:
					wantPublished = got.Version
				case civicspace.ActionWithdraw:
					wantPublished = 0
				}
				require.Equal(t, wantPublished, got.PublishedVersion)
				now, err := s.Assessment(ctx, rec.ID)
				require.NoError(t, err)
				require.Equal(t, got, now)
				rev, err := s.Revision(ctx, rec.ID, got.Version)
				require.NoError(t, err)
				require.Equal(t, action, rev.Action)
				require.Equal(t, to, rev.Status)
				require.Equal(t, "rita", rev.Actor)
				require.Equal(t, "note "+string(action), rev.Note)
				require.Empty(t, rev.Changes)

				// The same move with the version read before it is stale.
				_, err = s.TransitionAssessment(ctx, rec.ID, rec.Version, action, "rita", "")
				requireCode(t, civicspace.ECONFLICT, err)
			})
		}
	}
	t.Run("unknown action", func(t *testing.T) {
		rec := createIn(ctx, t, s, Fixture("XAB", "2025", civicspace.KindSelf), civicspace.Draft)
		for _, action := range []civicspace.Action{"archive", civicspace.ActionCreate, civicspace.ActionUpdate, civicspace.ActionDelete} {
			_, err := s.TransitionAssessment(ctx, rec.ID, rec.Version, action, "rita", "")
			requireCode(t, civicspace.EINVALID, err, "action %q", action)
		}
		_, err := s.TransitionAssessment(ctx, "asm_00000000000000000000", 1, civicspace.ActionSubmit, "rita", "")
		requireCode(t, civicspace.ENOTFOUND, err)
	})
	t.Run("correction keeps the history", func(t *testing.T) {
		rec := createIn(ctx, t, s, Fixture("XAC", "2024", civicspace.KindSelf), civicspace.Published)
		require.Equal(t, 3, rec.PublishedVersion)
		rec = transition(ctx, t, s, rec, civicspace.ActionCorrect)
		require.Equal(t, civicspace.Draft, rec.Status)
		require.Equal(t, 3, rec.PublishedVersion, "the publication stays visible while the correction is drafted")
		fixed := Fixture("XAC", "2024", civicspace.KindSelf)
		fixed.Answers["ind-level"] = civicspace.Answer{Value: civicspace.NumberValue(1)}
		rec, err := s.UpdateAssessment(ctx, rec.ID, rec.Version, fixed, "alice", "corrected the level")
		require.NoError(t, err)
		require.Equal(t, 3, rec.PublishedVersion)
		rec = transition(ctx, t, s, rec, civicspace.ActionSubmit)
		rec = transition(ctx, t, s, rec, civicspace.ActionPublish)
		require.Equal(t, 7, rec.Version)
		require.Equal(t, 7, rec.PublishedVersion)
		revs, err := s.Revisions(ctx, rec.ID)
		require.NoError(t, err)
		var actions []civicspace.Action
		for _, r := range revs {
			actions = append(actions, r.Action)
		}
		require.Equal(t, []civicspace.Action{"create", "submit", "publish", "correct", "update", "submit", "publish"}, actions)
		first, err := s.Revision(ctx, rec.ID, 3)
		require.NoError(t, err)
		require.Equal(t, *Fixture("XAC", "2024", civicspace.KindSelf), first.Assessment, "the first publication is still readable")
		require.Equal(t, *fixed, rec.Assessment)
	})
}

func testUpdateOnlyDrafts(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	for _, status := range civicspace.AssessmentStatuses {
		t.Run(string(status), func(t *testing.T) {
			rec := createIn(ctx, t, s, Fixture("XAD", "2025", civicspace.KindSelf), status)
			edit := Fixture("XAD", "2025", civicspace.KindSelf)
			edit.Title = "edited"
			got, err := s.UpdateAssessment(ctx, rec.ID, rec.Version, edit, "alice", "")
			if status != civicspace.Draft {
				requireCode(t, civicspace.ESTATE, err)
				now, err := s.Assessment(ctx, rec.ID)
				require.NoError(t, err)
				require.Equal(t, rec, now)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "edited", got.Assessment.Title)
		})
	}
}

func testDelete(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	t.Run("draft", func(t *testing.T) {
		rec := createIn(ctx, t, s, Fixture("XBA", "2025", civicspace.KindSelf), civicspace.Draft)
		requireCode(t, civicspace.ECONFLICT, s.DeleteAssessment(ctx, rec.ID, rec.Version+1, "alice"))
		require.NoError(t, s.DeleteAssessment(ctx, rec.ID, rec.Version, "alice"))

		_, err := s.Assessment(ctx, rec.ID)
		requireCode(t, civicspace.ENOTFOUND, err)
		_, err = s.Revisions(ctx, rec.ID)
		requireCode(t, civicspace.ENOTFOUND, err)
		_, err = s.Revision(ctx, rec.ID, 1)
		requireCode(t, civicspace.ENOTFOUND, err)
		_, err = s.UpdateAssessment(ctx, rec.ID, 2, Fixture("XBA", "2025", civicspace.KindSelf), "alice", "")
		requireCode(t, civicspace.ENOTFOUND, err)
		_, err = s.TransitionAssessment(ctx, rec.ID, 2, civicspace.ActionSubmit, "alice", "")
		requireCode(t, civicspace.ENOTFOUND, err)
		requireCode(t, civicspace.ENOTFOUND, s.DeleteAssessment(ctx, rec.ID, 2, "alice"))
		page, err := s.ListAssessments(ctx, civicspace.AssessmentFilter{Country: "XBA"})
		require.NoError(t, err)
		require.Empty(t, page.Records)
		unscored, err := s.Unscored(ctx, "policy", 0)
		require.NoError(t, err)
		require.NotContains(t, refIDs(unscored), rec.ID)
	})
	t.Run("refused", func(t *testing.T) {
		corrected := createIn(ctx, t, s, Fixture("XBB", "2025", civicspace.KindSelf), civicspace.Published)
		corrected = transition(ctx, t, s, corrected, civicspace.ActionCorrect)
		reopened := createIn(ctx, t, s, Fixture("XBC", "2025", civicspace.KindSelf), civicspace.Withdrawn)
		reopened = transition(ctx, t, s, reopened, civicspace.ActionReopen)
		returned := createIn(ctx, t, s, Fixture("XBD", "2025", civicspace.KindSelf), civicspace.Submitted)
		returned = transition(ctx, t, s, returned, civicspace.ActionReturn)
		for name, rec := range map[string]*civicspace.Record{
			"submitted":                     createIn(ctx, t, s, Fixture("XBE", "2025", civicspace.KindSelf), civicspace.Submitted),
			"published":                     createIn(ctx, t, s, Fixture("XBF", "2025", civicspace.KindSelf), civicspace.Published),
			"withdrawn":                     createIn(ctx, t, s, Fixture("XBG", "2025", civicspace.KindSelf), civicspace.Withdrawn),
			"correction of a publication":   corrected,
			"reopened after its withdrawal": reopened,
		} {
			requireCode(t, civicspace.ESTATE, s.DeleteAssessment(ctx, rec.ID, rec.Version, "alice"), name)
			now, err := s.Assessment(ctx, rec.ID)
			require.NoError(t, err, name)
			require.Equal(t, rec, now, name)
		}
		// A draft returned from review was never published: it can go.
		require.NoError(t, s.DeleteAssessment(ctx, returned.ID, returned.Version, "alice"))
		requireCode(t, civicspace.ENOTFOUND, s.DeleteAssessment(ctx, "asm_00000000000000000000", 1, "alice"))
	})
}

func refIDs(refs []civicspace.RevisionRef) []string {
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.AssessmentID
	}
	return ids
}

// listAll pages through f with the given page size and returns the IDs.
func listAll(ctx context.Context, t *testing.T, s civicspace.AssessmentStore, f civicspace.AssessmentFilter, size int) []string {
	t.Helper()
	f.PageSize = size
	ids := []string{}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10000, "pagination does not end")
		page, err := s.ListAssessments(ctx, f)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Records), civicspace.ClampPageSize(size))
		for _, r := range page.Records {
			ids = append(ids, r.ID)
		}
		if page.NextPageToken == "" {
			return ids
		}
		require.NotEmpty(t, page.Records, "a page with a next token has records")
		f.PageToken = page.NextPageToken
	}
}

func testList(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	ids := map[string]string{}
	add := func(name string, a *civicspace.Assessment, status civicspace.AssessmentStatus) {
		ids[name] = createIn(ctx, t, s, a, status).ID
	}
	add("nor24", Fixture("NOR", "2024", civicspace.KindSelf), civicspace.Draft)
	add("nor25", Fixture("NOR", "2025", civicspace.KindSelf), civicspace.Published)
	add("swe25shadow", Fixture("SWE", "2025", civicspace.KindShadow), civicspace.Submitted)
	add("swe25", Fixture("SWE", "2025", civicspace.KindSelf), civicspace.Published)
	add("civicus", OrgFixture("Civicus", "2025", civicspace.KindIndependent), civicspace.Published)
	add("ken25", Fixture("KEN", "2025", civicspace.KindSelf), civicspace.Draft)
	add("deu25", Fixture("DEU", "2025-01-01/2025-12-31", civicspace.KindSelf), civicspace.Draft)
	add("nor23", Fixture("NOR", "2023", civicspace.KindSelf), civicspace.Withdrawn)
	add("ghana", OrgFixture("Ghana Civic Network", "2025", civicspace.KindShadow), civicspace.Draft)
	ken, err := s.Assessment(ctx, ids["ken25"])
	require.NoError(t, err)
	require.NoError(t, s.DeleteAssessment(ctx, ken.ID, ken.Version, "alice"))

	cases := []struct {
		name   string
		filter civicspace.AssessmentFilter
		want   []string
	}{
		{"all", civicspace.AssessmentFilter{}, []string{"nor24", "nor25", "swe25shadow", "swe25", "civicus", "deu25", "nor23", "ghana"}},
		{"country", civicspace.AssessmentFilter{Country: "NOR"}, []string{"nor24", "nor25", "nor23"}},
		{"organisation", civicspace.AssessmentFilter{Organisation: "Civicus"}, []string{"civicus"}},
		{"period", civicspace.AssessmentFilter{Period: "2025"}, []string{"nor25", "swe25shadow", "swe25", "civicus", "deu25", "ghana"}},
		// A filter holds a period's key (civicspace.Period.Key): the
		// range that covers 2025 is 2025.
		{"date range period", civicspace.AssessmentFilter{Period: civicspace.PeriodKey("2025-01-01/2025-12-31")}, []string{"nor25", "swe25shadow", "swe25", "civicus", "deu25", "ghana"}},
		{"kind", civicspace.AssessmentFilter{Kind: civicspace.KindShadow}, []string{"swe25shadow", "ghana"}},
		{"status", civicspace.AssessmentFilter{Status: civicspace.Draft}, []string{"nor24", "deu25", "ghana"}},
		{"withdrawn", civicspace.AssessmentFilter{Status: civicspace.Withdrawn}, []string{"nor23"}},
		{"published only", civicspace.AssessmentFilter{PublishedOnly: true}, []string{"nor25", "swe25", "civicus"}},
		{"subjects", civicspace.AssessmentFilter{Subjects: []string{"SWE", "org:Civicus", "org:Nobody"}}, []string{"swe25shadow", "swe25", "civicus"}},
		{"no subjects", civicspace.AssessmentFilter{Subjects: []string{}}, []string{}},
		{"combined", civicspace.AssessmentFilter{Country: "SWE", Period: "2025", Kind: civicspace.KindSelf, PublishedOnly: true}, []string{"swe25"}},
		{"nothing", civicspace.AssessmentFilter{Country: "FRA"}, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := []string{}
			for _, name := range tc.want {
				want = append(want, ids[name])
			}
			for _, size := range []int{1, 2, 3, 0} {
				require.Equal(t, want, listAll(ctx, t, s, tc.filter, size), "page size %d", size)
			}
		})
	}
	t.Run("records", func(t *testing.T) {
		page, err := s.ListAssessments(ctx, civicspace.AssessmentFilter{Country: "NOR", PageSize: 2})
		require.NoError(t, err)
		require.Len(t, page.Records, 2)
		require.NotEmpty(t, page.NextPageToken)
		for _, r := range page.Records {
			got, err := s.Assessment(ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, got, r, "a listed record is the full current record")
		}
	})
	t.Run("bad token", func(t *testing.T) {
		for _, token := range []string{"not a token", "AAAA", "LTE", "MA"} {
			_, err := s.ListAssessments(ctx, civicspace.AssessmentFilter{PageToken: token})
			requireCode(t, civicspace.EINVALID, err, "token %q", token)
		}
	})
	t.Run("default page size", func(t *testing.T) {
		for range civicspace.DefaultPageSize {
			_, err := s.CreateAssessment(ctx, Fixture("XCA", "2025", civicspace.KindSelf), "alice")
			require.NoError(t, err)
		}
		page, err := s.ListAssessments(ctx, civicspace.AssessmentFilter{})
		require.NoError(t, err)
		require.Len(t, page.Records, civicspace.DefaultPageSize)
		require.NotEmpty(t, page.NextPageToken)
		page, err = s.ListAssessments(ctx, civicspace.AssessmentFilter{Country: "XCA", PageSize: civicspace.MaxPageSize + 1})
		require.NoError(t, err)
		require.Len(t, page.Records, civicspace.DefaultPageSize)
		require.Empty(t, page.NextPageToken)
	})
}

// testListUnderConcurrentInserts pages through the store while other
// goroutines create assessments, letting inserts land between pages: every
// record that existed before paging started is seen exactly once, and what
// was seen is exactly the beginning of the final listing (no committed
// record slipped in behind the cursor).
// testListUnderCorrection checks that readers who see only publications
// (PublishedOnly) are listed the published view of an assessment whose
// correction is being drafted, filtered on it.
func testListUnderCorrection(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	rec := createIn(ctx, t, s, Fixture("NOR", "2024", civicspace.KindSelf), civicspace.Published)
	rec = transition(ctx, t, s, rec, civicspace.ActionCorrect)
	rec, err := s.UpdateAssessment(ctx, rec.ID, rec.Version, Fixture("SWE", "2025", civicspace.KindSelf), "bob", "wrong country")
	require.NoError(t, err)
	publishedAt := rec.PublishedVersion

	for _, tc := range []struct {
		name   string
		filter civicspace.AssessmentFilter
		want   []string
	}{
		{"published", civicspace.AssessmentFilter{Status: civicspace.Published}, []string{rec.ID}},
		{"draft", civicspace.AssessmentFilter{Status: civicspace.Draft}, []string{}},
		{"published country", civicspace.AssessmentFilter{Country: "NOR", Period: "2024"}, []string{rec.ID}},
		{"drafted country", civicspace.AssessmentFilter{Country: "SWE"}, []string{}},
		{"drafted period", civicspace.AssessmentFilter{Period: "2025"}, []string{}},
		{"published subject", civicspace.AssessmentFilter{Subjects: []string{"NOR"}}, []string{rec.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.filter.PublishedOnly = true
			require.Equal(t, tc.want, listAll(ctx, t, s, tc.filter, 0))
		})
	}
	page, err := s.ListAssessments(ctx, civicspace.AssessmentFilter{PublishedOnly: true})
	require.NoError(t, err)
	require.Len(t, page.Records, 1)
	got := page.Records[0]
	require.Equal(t, civicspace.Published, got.Status, "the published view")
	require.Equal(t, publishedAt, got.Version)
	require.Equal(t, "NOR", got.Assessment.Subject.Country, "the publication, not the correction")
	require.Equal(t, []string{rec.ID}, listAll(ctx, t, s, civicspace.AssessmentFilter{Country: "SWE", Status: civicspace.Draft}, 0),
		"those who may see drafts filter on the current state")
}

func testListUnderConcurrentInserts(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	var initial []string
	for i := range 40 {
		rec, err := s.CreateAssessment(ctx, Fixture(fmt.Sprintf("XD%c", 'A'+i%26), "2025", civicspace.KindSelf), "alice")
		require.NoError(t, err)
		initial = append(initial, rec.ID)
	}
	const writers, perWriter = 4, 50
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inserted int
		finished int
		grew     = sync.NewCond(&mu)
		errs     = make(chan error, writers)
	)
	for w := range writers {
		wg.Go(func() {
			defer func() {
				mu.Lock()
				finished++
				grew.Broadcast()
				mu.Unlock()
			}()
			for range perWriter {
				if _, err := s.CreateAssessment(ctx, Fixture("XDZ", "2026", civicspace.KindShadow), fmt.Sprintf("writer-%d", w)); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				inserted++
				grew.Broadcast()
				mu.Unlock()
			}
		})
	}
	var seen []string
	f := civicspace.AssessmentFilter{PageSize: 3}
	for pages := 1; ; pages++ {
		page, err := s.ListAssessments(ctx, f)
		require.NoError(t, err)
		for _, r := range page.Records {
			seen = append(seen, r.ID)
		}
		if page.NextPageToken == "" {
			break
		}
		f.PageToken = page.NextPageToken
		// Wait for another insert to commit before reading the next page.
		mu.Lock()
		for before := inserted; inserted == before && finished < writers; {
			grew.Wait()
		}
		mu.Unlock()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	counts := map[string]int{}
	for _, id := range seen {
		counts[id]++
		require.Equal(t, 1, counts[id], "%s listed twice", id)
	}
	require.Equal(t, initial, seen[:len(initial)], "every record created before paging is listed once, in creation order")
	final := listAll(ctx, t, s, civicspace.AssessmentFilter{}, civicspace.MaxPageSize)
	require.Len(t, final, len(initial)+writers*perWriter, "every created record is listed")
	require.Equal(t, final[:len(seen)], seen, "paging skipped a record committed before one it listed")
	require.Greater(t, len(seen), len(initial), "inserts landed while paging")
	t.Logf("listed %d records while %d were inserted", len(seen), writers*perWriter)
}

// testConcurrentUpdates has 50 writers update one assessment, each with the
// version it read, retrying on conflict until its own edit is in: exactly
// one writer wins each version, every win is a revision holding that
// writer's edit, and nothing is lost.
func testConcurrentUpdates(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	const writers = 50
	rec, err := s.CreateAssessment(ctx, Fixture("XEA", "2025", civicspace.KindSelf), "alice")
	require.NoError(t, err)

	type win struct {
		writer, stated, got int
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		wins      []win
		conflicts int
		errs      []error
		start     = make(chan struct{})
		ready     sync.WaitGroup
	)
	ready.Add(writers)
	for w := range writers {
		wg.Go(func() {
			edit := Fixture("XEA", "2025", civicspace.KindSelf)
			edit.Title = fmt.Sprintf("edit by writer %d", w)
			edit.Answers["ind-registrations"] = civicspace.Answer{Value: civicspace.NumberValue(float64(w))}
			cur, err := s.Assessment(ctx, rec.ID)
			ready.Done()
			<-start // everyone has read version 1: they all race for version 2
			for err == nil {
				var next *civicspace.Record
				next, err = s.UpdateAssessment(ctx, rec.ID, cur.Version, edit, fmt.Sprintf("writer-%d", w), "")
				if err == nil {
					mu.Lock()
					wins = append(wins, win{w, cur.Version, next.Version})
					mu.Unlock()
					return
				}
				if civicspace.ErrorCode(err) != civicspace.ECONFLICT {
					break
				}
				mu.Lock()
				conflicts++
				mu.Unlock()
				cur, err = s.Assessment(ctx, rec.ID)
			}
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		})
	}
	ready.Wait()
	close(start)
	wg.Wait()
	require.Empty(t, errs)
	require.Len(t, wins, writers, "every writer got its edit in")
	require.GreaterOrEqual(t, conflicts, writers-1, "the writers of version 1 all but one conflicted")

	byVersion := map[int]win{}
	for _, w := range wins {
		require.Equal(t, w.stated+1, w.got)
		_, dup := byVersion[w.got]
		require.False(t, dup, "two writers won version %d", w.got)
		byVersion[w.got] = w
	}
	revs, err := s.Revisions(ctx, rec.ID)
	require.NoError(t, err)
	require.Len(t, revs, writers+1, "every win is a revision")
	for _, r := range revs[1:] {
		w, ok := byVersion[r.Version]
		require.True(t, ok, "revision %d has no writer", r.Version)
		require.Equal(t, fmt.Sprintf("writer-%d", w.writer), r.Actor)
		require.Equal(t, fmt.Sprintf("edit by writer %d", w.writer), r.Assessment.Title, "revision %d holds its writer's edit", r.Version)
	}
	final, err := s.Assessment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, writers+1, final.Version)
	t.Logf("%d writers, %d conflicts", writers, conflicts)
}

// revKeys returns "id@version" for each revision.
func revKeys(revs []*civicspace.Revision) []string {
	keys := make([]string, len(revs))
	for i, r := range revs {
		keys[i] = fmt.Sprintf("%s@%d", r.AssessmentID, r.Version)
	}
	return keys
}

func key(rec *civicspace.Record, version int) string { return fmt.Sprintf("%s@%d", rec.ID, version) }

func testLatestPublished(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	latest := func(f civicspace.PublishedFilter) []string {
		t.Helper()
		revs, err := s.LatestPublished(ctx, f)
		require.NoError(t, err)
		for _, r := range revs {
			require.Equal(t, civicspace.Published, r.Status)
			require.Equal(t, civicspace.ActionPublish, r.Action)
		}
		return revKeys(revs)
	}
	nor24a := createIn(ctx, t, s, Fixture("NOR", "2024", civicspace.KindSelf), civicspace.Published)
	nor24b := createIn(ctx, t, s, Fixture("NOR", "2024", civicspace.KindSelf), civicspace.Submitted)
	nor25 := createIn(ctx, t, s, Fixture("NOR", "2025", civicspace.KindSelf), civicspace.Published)
	createIn(ctx, t, s, Fixture("SWE", "2025", civicspace.KindSelf), civicspace.Withdrawn)
	swe25shadow := createIn(ctx, t, s, Fixture("SWE", "2025", civicspace.KindShadow), civicspace.Published)
	civicus := createIn(ctx, t, s, OrgFixture("Civicus", "2025", civicspace.KindIndependent), civicspace.Published)
	createIn(ctx, t, s, Fixture("DEU", "2025", civicspace.KindSelf), civicspace.Draft)
	createIn(ctx, t, s, Fixture("FRA", "2025", civicspace.KindSelf), civicspace.Submitted)
	ken23 := createIn(ctx, t, s, Fixture("KEN", "2023", civicspace.KindSelf), civicspace.Published)

	// nor24b is published after nor24a: the most recently published wins.
	nor24b = transition(ctx, t, s, nor24b, civicspace.ActionPublish)
	all := []string{key(ken23, 3), key(nor24b, 3), key(nor25, 3), key(swe25shadow, 3), key(civicus, 3)}
	require.Equal(t, all, latest(civicspace.PublishedFilter{}), "ordered by subject, period, kind; drafts, submissions and withdrawn left out")

	// A correction in progress leaves the publication in place, even when
	// it moves the assessment to another period.
	nor25 = transition(ctx, t, s, nor25, civicspace.ActionCorrect)
	fixed := Fixture("NOR", "2026", civicspace.KindSelf)
	fixed.Title = "corrected"
	nor25, err := s.UpdateAssessment(ctx, nor25.ID, nor25.Version, fixed, "alice", "")
	require.NoError(t, err)
	require.Equal(t, all, latest(civicspace.PublishedFilter{}))
	revs, err := s.LatestPublished(ctx, civicspace.PublishedFilter{Countries: []string{"NOR"}, Period: "2025"})
	require.NoError(t, err)
	require.Len(t, revs, 1)
	require.Equal(t, *Fixture("NOR", "2025", civicspace.KindSelf), revs[0].Assessment, "readers see the publication, not the correction")

	cases := []struct {
		name   string
		filter civicspace.PublishedFilter
		want   []string
	}{
		{"countries", civicspace.PublishedFilter{Countries: []string{"NOR", "SWE"}}, []string{key(nor24b, 3), key(nor25, 3), key(swe25shadow, 3)}},
		{"unknown country", civicspace.PublishedFilter{Countries: []string{"XZZ"}}, []string{}},
		{"period", civicspace.PublishedFilter{Period: "2025"}, []string{key(nor25, 3), key(swe25shadow, 3), key(civicus, 3)}},
		{"period from", civicspace.PublishedFilter{PeriodFrom: 2024}, []string{key(nor24b, 3), key(nor25, 3), key(swe25shadow, 3), key(civicus, 3)}},
		{"period to", civicspace.PublishedFilter{PeriodTo: 2024}, []string{key(ken23, 3), key(nor24b, 3)}},
		{"period range", civicspace.PublishedFilter{PeriodFrom: 2024, PeriodTo: 2024}, []string{key(nor24b, 3)}},
		{"kind", civicspace.PublishedFilter{Kind: civicspace.KindShadow}, []string{key(swe25shadow, 3)}},
		{"kind and country", civicspace.PublishedFilter{Kind: civicspace.KindSelf, Countries: []string{"SWE"}}, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, latest(tc.filter))
		})
	}

	// Withdrawing the latest publication brings back the previous one.
	nor24b = transition(ctx, t, s, nor24b, civicspace.ActionWithdraw)
	require.Equal(t, []string{key(nor24a, 3)}, latest(civicspace.PublishedFilter{Countries: []string{"NOR"}, Period: "2024"}))
	// Republishing after a reopen makes it the latest again.
	nor24b = transition(ctx, t, s, nor24b, civicspace.ActionReopen)
	require.Equal(t, []string{key(nor24a, 3)}, latest(civicspace.PublishedFilter{Countries: []string{"NOR"}, Period: "2024"}))
	nor24b = transition(ctx, t, s, nor24b, civicspace.ActionSubmit)
	nor24b = transition(ctx, t, s, nor24b, civicspace.ActionPublish)
	require.Equal(t, []string{key(nor24b, 7)}, latest(civicspace.PublishedFilter{Countries: []string{"NOR"}, Period: "2024"}))

	// Publishing the correction moves it to its new period.
	nor25 = transition(ctx, t, s, nor25, civicspace.ActionSubmit)
	nor25 = transition(ctx, t, s, nor25, civicspace.ActionPublish)
	require.Equal(t, 7, nor25.PublishedVersion)
	require.Equal(t, []string{key(nor24b, 7), key(nor25, 7)}, latest(civicspace.PublishedFilter{Countries: []string{"NOR"}}))
	revs, err = s.LatestPublished(ctx, civicspace.PublishedFilter{Countries: []string{"NOR"}, Period: "2026"})
	require.NoError(t, err)
	require.Len(t, revs, 1)
	require.Equal(t, *fixed, revs[0].Assessment)
}

// observationsFor returns the observations of a score, their numbers
// derived from base.
func observationsFor(base float64) []civicspace.Observation {
	return []civicspace.Observation{
		{Level: civicspace.LevelRating, ItemID: civicspace.ObservationOverall, Score: civicspace.Float(base), Coverage: civicspace.Float(0.8), Status: civicspace.BandNarrowed},
		{Level: civicspace.LevelFramework, ItemID: "fw-un", Score: civicspace.Float(base + 1), Coverage: civicspace.Float(0.5), Status: civicspace.StatusPartiallyMet},
		{Level: civicspace.LevelRecommendation, ItemID: "rec-1", Score: nil, Coverage: civicspace.Float(0), Status: civicspace.StatusNotAssessed},
		{Level: civicspace.LevelRecommendation, ItemID: "rec-2", Score: civicspace.Float(base + 2), Coverage: civicspace.Float(1), Status: civicspace.StatusMet},
		{Level: civicspace.LevelIndicator, ItemID: "ind-law", Score: civicspace.Float(1), Coverage: nil, Status: "answered"},
	}
}

func storedScore(rec *civicspace.Record, version int, policy string, base float64) *civicspace.StoredScore {
	result, _ := json.Marshal(map[string]any{"rating": map[string]any{"band": civicspace.BandNarrowed, "score": base}, "version": version})
	return &civicspace.StoredScore{
		AssessmentID:  rec.ID,
		Version:       version,
		PolicyDigest:  policy,
		CatalogDigest: "sha256:catalog",
		ComputedAt:    time.Date(2026, 1, 2, 3, 4, 5, 678901234, time.UTC),
		Band:          civicspace.BandNarrowed,
		Score:         civicspace.Float(base),
		Result:        result,
		Observations:  observationsFor(base),
	}
}

func testObservations(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	const policy = "sha256:policy-a"
	nor := createIn(ctx, t, s, Fixture("NOR", "2025", civicspace.KindSelf), civicspace.Published)
	swe := createIn(ctx, t, s, Fixture("SWE", "2025", civicspace.KindShadow), civicspace.Published)
	org := createIn(ctx, t, s, OrgFixture("Civicus", "2024", civicspace.KindIndependent), civicspace.Published)
	ken := createIn(ctx, t, s, Fixture("KEN", "2025", civicspace.KindSelf), civicspace.Published)
	draft := createIn(ctx, t, s, Fixture("DEU", "2025", civicspace.KindSelf), civicspace.Draft)
	for _, sc := range []*civicspace.StoredScore{
		storedScore(nor, 3, policy, 50), storedScore(swe, 3, policy, 60), storedScore(org, 3, policy, 70),
		storedScore(ken, 3, policy, 80), storedScore(draft, 1, policy, 90), storedScore(nor, 3, "sha256:policy-b", 10),
	} {
		require.NoError(t, s.PutScore(ctx, sc))
	}
	// A correction of nor is drafted and scored: readers keep seeing the
	// published version's numbers.
	nor = transition(ctx, t, s, nor, civicspace.ActionCorrect)
	require.NoError(t, s.PutScore(ctx, storedScore(nor, 4, policy, 55)))
	// ken is withdrawn: its numbers leave the comparisons.
	transition(ctx, t, s, ken, civicspace.ActionWithdraw)

	want := func(rec *civicspace.Record, version int, a *civicspace.Assessment, base float64, levels ...string) []civicspace.Observation {
		var out []civicspace.Observation
		for _, o := range observationsFor(base) {
			if len(levels) > 0 && !slices.Contains(levels, o.Level) {
				continue
			}
			o.AssessmentID, o.Version = rec.ID, version
			o.Country, o.Organisation, o.Period, o.Kind = a.Subject.Country, a.Subject.Organisation, a.Period.String(), a.Kind
			out = append(out, o)
		}
		// The store orders by level, then item.
		slices.SortStableFunc(out, func(x, y civicspace.Observation) int {
			return strings.Compare(x.Level+"\x00"+x.ItemID, y.Level+"\x00"+y.ItemID)
		})
		return out
	}
	concat := func(lists ...[]civicspace.Observation) []civicspace.Observation {
		out := []civicspace.Observation{}
		for _, l := range lists {
			out = append(out, l...)
		}
		return out
	}
	norDoc, sweDoc, orgDoc := Fixture("NOR", "2025", civicspace.KindSelf), Fixture("SWE", "2025", civicspace.KindShadow), OrgFixture("Civicus", "2024", civicspace.KindIndependent)

	got, err := s.Observations(ctx, civicspace.PublishedFilter{}, policy)
	require.NoError(t, err)
	require.Equal(t, concat(want(nor, 3, norDoc, 50), want(swe, 3, sweDoc, 60), want(org, 3, orgDoc, 70)), got)

	got, err = s.Observations(ctx, civicspace.PublishedFilter{}, policy, civicspace.LevelRating)
	require.NoError(t, err)
	require.Equal(t, concat(want(nor, 3, norDoc, 50, "rating"), want(swe, 3, sweDoc, 60, "rating"), want(org, 3, orgDoc, 70, "rating")), got)

	got, err = s.Observations(ctx, civicspace.PublishedFilter{Countries: []string{"NOR", "SWE"}, Period: "2025"}, policy, civicspace.LevelRecommendation, civicspace.LevelFramework)
	require.NoError(t, err)
	require.Equal(t, concat(want(nor, 3, norDoc, 50, "recommendation", "framework"), want(swe, 3, sweDoc, 60, "recommendation", "framework")), got)

	got, err = s.Observations(ctx, civicspace.PublishedFilter{Items: []string{"rec-2", "fw-un"}}, policy, civicspace.LevelRecommendation)
	require.NoError(t, err)
	require.Equal(t, concat(want(nor, 3, norDoc, 50, "recommendation")[1:], want(swe, 3, sweDoc, 60, "recommendation")[1:], want(org, 3, orgDoc, 70, "recommendation")[1:]), got,
		"items narrow the levels' observations")
	got, err = s.Observations(ctx, civicspace.PublishedFilter{Items: []string{"rec-1", civicspace.ObservationOverall}, Countries: []string{"SWE"}}, policy)
	require.NoError(t, err)
	require.Equal(t, []civicspace.Observation{want(swe, 3, sweDoc, 60, "rating")[0], want(swe, 3, sweDoc, 60, "recommendation")[0]}, got)

	got, err = s.Observations(ctx, civicspace.PublishedFilter{Kind: civicspace.KindSelf}, "sha256:policy-b", civicspace.LevelRating)
	require.NoError(t, err)
	require.Equal(t, want(nor, 3, norDoc, 10, "rating"), got)

	got, err = s.Observations(ctx, civicspace.PublishedFilter{}, "sha256:unknown")
	require.NoError(t, err)
	require.Empty(t, got)
}

func testScores(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	rec := createIn(ctx, t, s, Fixture("NOR", "2025", civicspace.KindSelf), civicspace.Published)

	first := storedScore(rec, 3, "sha256:policy-a", 50)
	first.Result = json.RawMessage(`{ "rating": {"band": "narrowed", "score": 50} }`)
	require.NoError(t, s.PutScore(ctx, first))
	got, err := s.Score(ctx, rec.ID, 3, "sha256:policy-a")
	require.NoError(t, err)
	want := *first
	want.ComputedAt = first.ComputedAt.Truncate(time.Microsecond)
	want.Result = json.RawMessage(`{"rating":{"band":"narrowed","score":50}}`)
	want.Observations = nil
	require.Equal(t, &want, got, "the result is stored compact, the time in microseconds")

	// Storing the same score again is a no-op, whenever it was computed.
	again := *first
	again.ComputedAt = first.ComputedAt.Add(time.Hour)
	again.Result = json.RawMessage(`{"rating":{"band":"narrowed","score":50}}`)
	require.NoError(t, s.PutScore(ctx, &again))
	got, err = s.Score(ctx, rec.ID, 3, "sha256:policy-a")
	require.NoError(t, err)
	require.Equal(t, &want, got, "the first computation is kept")

	// A different result for the same revision and policy is refused.
	for name, change := range map[string]func(sc *civicspace.StoredScore){
		"band":     func(sc *civicspace.StoredScore) { sc.Band = civicspace.BandOpen },
		"score":    func(sc *civicspace.StoredScore) { sc.Score = civicspace.Float(51) },
		"no score": func(sc *civicspace.StoredScore) { sc.Score = nil },
		"result": func(sc *civicspace.StoredScore) {
			sc.Result = json.RawMessage(`{"rating":{"band":"narrowed","score":51}}`)
		},
		"catalog": func(sc *civicspace.StoredScore) { sc.CatalogDigest = "sha256:other-catalog" },
	} {
		other := *first
		change(&other)
		requireCode(t, civicspace.ESTATE, s.PutScore(ctx, &other), name)
	}
	got, err = s.Score(ctx, rec.ID, 3, "sha256:policy-a")
	require.NoError(t, err)
	require.Equal(t, &want, got, "a refused score changes nothing")

	// With no policy named, the most recently computed score.
	later := storedScore(rec, 3, "sha256:policy-b", 40)
	later.ComputedAt = first.ComputedAt.Add(time.Minute)
	later.Score = nil
	require.NoError(t, s.PutScore(ctx, later))
	got, err = s.Score(ctx, rec.ID, 3, "")
	require.NoError(t, err)
	require.Equal(t, "sha256:policy-b", got.PolicyDigest)
	require.Nil(t, got.Score)
	got, err = s.Score(ctx, rec.ID, 3, "sha256:policy-a")
	require.NoError(t, err)
	require.Equal(t, "sha256:policy-a", got.PolicyDigest)

	// A score without a computation time is stamped now.
	before := time.Now()
	unstamped := storedScore(rec, 2, "sha256:policy-a", 45)
	unstamped.ComputedAt = time.Time{}
	require.NoError(t, s.PutScore(ctx, unstamped))
	got, err = s.Score(ctx, rec.ID, 2, "")
	require.NoError(t, err)
	requireStamp(t, got.ComputedAt, before, time.Now())

	_, err = s.Score(ctx, rec.ID, 1, "")
	requireCode(t, civicspace.ENOTFOUND, err)
	_, err = s.Score(ctx, rec.ID, 3, "sha256:unknown")
	requireCode(t, civicspace.ENOTFOUND, err)
	_, err = s.Score(ctx, "asm_00000000000000000000", 1, "")
	requireCode(t, civicspace.ENOTFOUND, err)

	requireCode(t, civicspace.ENOTFOUND, s.PutScore(ctx, storedScore(rec, 9, "sha256:policy-a", 1)), "no such version")
	requireCode(t, civicspace.ENOTFOUND, s.PutScore(ctx, storedScore(&civicspace.Record{ID: "asm_00000000000000000000"}, 1, "sha256:policy-a", 1)))
	bad := storedScore(rec, 1, "sha256:policy-a", 1)
	bad.Result = json.RawMessage(`{"rating":`)
	requireCode(t, civicspace.EINVALID, s.PutScore(ctx, bad), "invalid JSON")
	bad = storedScore(rec, 1, "", 1)
	requireCode(t, civicspace.EINVALID, s.PutScore(ctx, bad), "no policy")
	bad = storedScore(rec, 1, "sha256:policy-a", 1)
	bad.Observations = append(bad.Observations, bad.Observations[0])
	requireCode(t, civicspace.EINVALID, s.PutScore(ctx, bad), "an observation twice")
	bad = storedScore(rec, 1, "sha256:policy-a", 1)
	bad.Observations[1].Version = 2
	requireCode(t, civicspace.EINVALID, s.PutScore(ctx, bad), "an observation of another version")
	_, err = s.Score(ctx, rec.ID, 1, "")
	requireCode(t, civicspace.ENOTFOUND, err, "a refused score stores nothing")

	// The scores of a deleted draft go with it.
	draft := createIn(ctx, t, s, Fixture("XFA", "2025", civicspace.KindSelf), civicspace.Draft)
	require.NoError(t, s.PutScore(ctx, storedScore(draft, 1, "sha256:policy-a", 5)))
	require.NoError(t, s.DeleteAssessment(ctx, draft.ID, 1, "alice"))
	_, err = s.Score(ctx, draft.ID, 1, "")
	requireCode(t, civicspace.ENOTFOUND, err)
	requireCode(t, civicspace.ENOTFOUND, s.PutScore(ctx, storedScore(draft, 1, "sha256:policy-b", 5)))
}

func testUnscored(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	const policy = "sha256:policy-a"
	draft := createIn(ctx, t, s, Fixture("XGA", "2025", civicspace.KindSelf), civicspace.Draft)
	corrected := createIn(ctx, t, s, Fixture("XGB", "2025", civicspace.KindSelf), civicspace.Published)
	corrected = transition(ctx, t, s, corrected, civicspace.ActionCorrect)
	published := createIn(ctx, t, s, Fixture("XGC", "2025", civicspace.KindSelf), civicspace.Published)
	deleted := createIn(ctx, t, s, Fixture("XGD", "2025", civicspace.KindSelf), civicspace.Draft)
	require.NoError(t, s.DeleteAssessment(ctx, deleted.ID, deleted.Version, "alice"))
	withdrawn := createIn(ctx, t, s, Fixture("XGE", "2025", civicspace.KindSelf), civicspace.Withdrawn)

	ref := func(rec *civicspace.Record, v int) civicspace.RevisionRef {
		return civicspace.RevisionRef{AssessmentID: rec.ID, Version: v}
	}
	all := []civicspace.RevisionRef{ref(draft, 1), ref(corrected, 3), ref(corrected, 4), ref(published, 3), ref(withdrawn, 4)}
	got, err := s.Unscored(ctx, policy, 0)
	require.NoError(t, err)
	require.Equal(t, all, got, "current and published versions of live assessments, in creation order")
	got, err = s.Unscored(ctx, policy, 2)
	require.NoError(t, err)
	require.Equal(t, all[:2], got)

	require.NoError(t, s.PutScore(ctx, storedScore(corrected, 3, policy, 1)))
	require.NoError(t, s.PutScore(ctx, storedScore(draft, 1, policy, 1)))
	require.NoError(t, s.PutScore(ctx, storedScore(published, 2, policy, 1)))
	got, err = s.Unscored(ctx, policy, 0)
	require.NoError(t, err)
	require.Equal(t, []civicspace.RevisionRef{ref(corrected, 4), ref(published, 3), ref(withdrawn, 4)}, got)

	got, err = s.Unscored(ctx, "sha256:policy-b", 100)
	require.NoError(t, err)
	require.Equal(t, all, got, "a new policy needs everything scored again")
}

func testPing(t *testing.T, s civicspace.AssessmentStore) {
	require.NoError(t, s.Ping(t.Context()))
}
