package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// RunCommitments runs the conformance suite of a CommitmentStore. open
// must return a new, empty store for each call and clean up what it
// created with t.Cleanup.
func RunCommitments(t *testing.T, open func(t *testing.T) civicspace.CommitmentStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s civicspace.CommitmentStore)
	}{
		{"CreateAndRead", testCommitmentCreateAndRead},
		{"Update", testCommitmentUpdate},
		{"Revisions", testCommitmentRevisions},
		{"Lifecycle", testCommitmentLifecycle},
		{"UpdateOnlyDrafts", testCommitmentUpdateOnlyDrafts},
		{"List", testCommitmentList},
		{"Published", testPublishedCommitments},
		{"ListUnderCorrection", testCommitmentListUnderCorrection},
		{"Reports", testProgressReports},
		{"ConcurrentReports", testConcurrentReports},
		{"ConcurrentUpdates", testConcurrentCommitmentUpdates},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// CommitmentFixture returns a commitment of the given countries (one, or
// several for a joint one) with two milestones. The store keeps documents
// as given, so the catalog IDs need not exist.
func CommitmentFixture(countries ...string) *civicspace.Commitment {
	return &civicspace.Commitment{
		Subject:         civicspace.CommitmentSubject{Countries: countries},
		Occasion:        civicspace.Occasion{Kind: civicspace.OccasionSummit, Name: "Second Summit for Democracy", Date: "2023-03-29"},
		Title:           "Protect defenders in exile",
		Text:            "We will ease visas for human rights defenders at risk and protect them once here.",
		Recommendations: []string{"rec-visa", "rec-safety"},
		Indicators:      []string{"ind-visas"},
		FollowUp:        "ogp",
		Milestones: []civicspace.Milestone{
			{ID: "law-drafted", Title: "Draft the visa law", Due: "2024-06-30"},
			{ID: "law-passed", Title: "Pass the visa law", Due: "2025-06-30", Done: "2025-05-01"},
		},
	}
}

// ReportFixture returns a progress report of a reporter kind at a level.
func ReportFixture(kind civicspace.ReporterKind, level civicspace.CompletionLevel, date string) *civicspace.ProgressReport {
	org := "Ministry of Foreign Affairs"
	if kind == civicspace.ReporterIndependent {
		org = "Independent Reporting Mechanism"
	}
	return &civicspace.ProgressReport{
		Level:          level,
		Date:           date,
		Reporter:       civicspace.Reporter{Kind: kind, Organisation: org},
		Evidence:       []civicspace.Evidence{{Title: "Visa statistics", URL: "https://example.org/visas", Date: date}},
		MilestonesDone: []string{"law-drafted"},
		Comment:        "as of " + date,
	}
}

// commitmentIn creates c and makes the lifecycle moves given.
func commitmentIn(ctx context.Context, t *testing.T, s civicspace.CommitmentStore, c *civicspace.Commitment, actions ...civicspace.Action) *civicspace.CommitmentRecord {
	t.Helper()
	rec, err := s.CreateCommitment(ctx, c, "alice")
	require.NoError(t, err)
	for _, a := range actions {
		rec, err = s.TransitionCommitment(ctx, rec.ID, rec.Version, a, "rita", "")
		require.NoError(t, err, "%s %s at version %d", a, rec.ID, rec.Version)
	}
	return rec
}

// commitmentPath lists the moves that bring a new draft to status.
func commitmentPath(status civicspace.AssessmentStatus) []civicspace.Action {
	switch status {
	case civicspace.Published:
		return []civicspace.Action{civicspace.ActionPublish}
	case civicspace.Withdrawn:
		return []civicspace.Action{civicspace.ActionPublish, civicspace.ActionWithdraw}
	}
	return nil
}

func testCommitmentCreateAndRead(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	c := CommitmentFixture("NOR")
	before := time.Now()
	rec, err := s.CreateCommitment(ctx, c, "alice")
	require.NoError(t, err)
	after := time.Now()

	require.Regexp(t, `^cmt_[0-9a-z]{20}$`, rec.ID)
	require.Equal(t, 1, rec.Version)
	require.Equal(t, civicspace.Draft, rec.Status)
	require.Zero(t, rec.PublishedVersion)
	require.Equal(t, "alice", rec.CreatedBy)
	require.Equal(t, "alice", rec.UpdatedBy)
	requireStamp(t, rec.CreatedAt, before, after)
	require.Equal(t, rec.CreatedAt, rec.UpdatedAt)
	require.Equal(t, *CommitmentFixture("NOR"), rec.Commitment)

	got, err := s.Commitment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, rec, got, "a read returns what the create returned")

	// The store keeps its own copy.
	c.Text = "edited after saving"
	c.Milestones[0].Done = "2024-01-01"
	got, err = s.Commitment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, *CommitmentFixture("NOR"), got.Commitment)

	joint, err := s.CreateCommitment(ctx, CommitmentFixture("NOR", "SWE", "CZE"), "carol")
	require.NoError(t, err)
	require.NotEqual(t, rec.ID, joint.ID)
	require.Equal(t, []string{"NOR", "SWE", "CZE"}, joint.Commitment.Subject.Countries, "the countries keep their order")

	_, err = s.Commitment(ctx, "cmt_00000000000000000000")
	requireCode(t, civicspace.ENOTFOUND, err)
	_, err = s.CreateCommitment(ctx, nil, "alice")
	requireCode(t, civicspace.EINVALID, err)
}

func testCommitmentUpdate(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	rec, err := s.CreateCommitment(ctx, CommitmentFixture("KEN"), "alice")
	require.NoError(t, err)

	changed := CommitmentFixture("KEN")
	changed.FollowUp = "cod"
	before := time.Now()
	v2, err := s.UpdateCommitment(ctx, rec.ID, 1, changed, "bob", "the CoD follows it up")
	require.NoError(t, err)
	after := time.Now()
	require.Equal(t, 2, v2.Version)
	require.Equal(t, civicspace.Draft, v2.Status)
	require.Equal(t, *changed, v2.Commitment)
	require.Equal(t, "bob", v2.UpdatedBy)
	require.Equal(t, "alice", v2.CreatedBy)
	require.Equal(t, rec.CreatedAt, v2.CreatedAt)
	requireStamp(t, v2.UpdatedAt, before, after)
	got, err := s.Commitment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, v2, got)

	stale := CommitmentFixture("KEN")
	stale.Text = "stale edit"
	_, err = s.UpdateCommitment(ctx, rec.ID, 1, stale, "carol", "")
	requireCode(t, civicspace.ECONFLICT, err)
	require.Contains(t, civicspace.ErrorMessage(err), "version 2")
	_, err = s.UpdateCommitment(ctx, rec.ID, 3, stale, "carol", "")
	requireCode(t, civicspace.ECONFLICT, err, "a version from the future is stale too")
	got, err = s.Commitment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, v2, got, "a refused update changes nothing")

	_, err = s.UpdateCommitment(ctx, "cmt_00000000000000000000", 1, stale, "bob", "")
	requireCode(t, civicspace.ENOTFOUND, err)
	_, err = s.UpdateCommitment(ctx, rec.ID, 2, nil, "bob", "")
	requireCode(t, civicspace.EINVALID, err)
}

func testCommitmentRevisions(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	v1 := CommitmentFixture("GHA")
	rec, err := s.CreateCommitment(ctx, v1, "alice")
	require.NoError(t, err)
	v2 := CommitmentFixture("GHA")
	v2.Text = "We will ease visas."
	v2.Milestones = v2.Milestones[:1]
	rec, err = s.UpdateCommitment(ctx, rec.ID, 1, v2, "bob", "shorter")
	require.NoError(t, err)
	rec, err = s.TransitionCommitment(ctx, rec.ID, 2, civicspace.ActionPublish, "rita", "made at the summit")
	require.NoError(t, err)
	rec, err = s.TransitionCommitment(ctx, rec.ID, 3, civicspace.ActionCorrect, "bob", "fix the date")
	require.NoError(t, err)
	v5 := CommitmentFixture("GHA")
	v5.Occasion.Date = "2023-03-30"
	rec, err = s.UpdateCommitment(ctx, rec.ID, 4, v5, "bob", "")
	require.NoError(t, err)
	rec, err = s.TransitionCommitment(ctx, rec.ID, 5, civicspace.ActionPublish, "rita", "")
	require.NoError(t, err)
	require.Equal(t, 6, rec.Version)
	require.Equal(t, 6, rec.PublishedVersion)

	revs, err := s.CommitmentRevisions(ctx, rec.ID)
	require.NoError(t, err)
	type summary struct {
		Version int
		Status  civicspace.AssessmentStatus
		Action  civicspace.Action
		Actor   string
		Note    string
		Changes []string
		Doc     *civicspace.Commitment
	}
	want := []summary{
		{1, civicspace.Draft, civicspace.ActionCreate, "alice", "", []string{""}, v1},
		{2, civicspace.Draft, civicspace.ActionUpdate, "bob", "shorter", []string{"/text", "/milestones/1"}, v2},
		{3, civicspace.Published, civicspace.ActionPublish, "rita", "made at the summit", []string{}, v2},
		{4, civicspace.Draft, civicspace.ActionCorrect, "bob", "fix the date", []string{}, v2},
		{5, civicspace.Draft, civicspace.ActionUpdate, "bob", "", []string{"/occasion", "/text", "/milestones/1"}, v5},
		{6, civicspace.Published, civicspace.ActionPublish, "rita", "", []string{}, v5},
	}
	require.Len(t, revs, len(want))
	for i, w := range want {
		r := revs[i]
		require.Equal(t, rec.ID, r.CommitmentID)
		require.Equal(t, w, summary{r.Version, r.Status, r.Action, r.Actor, r.Note, r.Changes, &r.Commitment}, "revision %d", i+1)
		require.Equal(t, time.UTC, r.At.Location())
		if i > 0 {
			require.False(t, r.At.Before(revs[i-1].At), "revisions are in time order")
		}
		one, err := s.CommitmentRevision(ctx, rec.ID, w.Version)
		require.NoError(t, err)
		require.Equal(t, r, one)
	}
	_, err = s.CommitmentRevision(ctx, rec.ID, 7)
	requireCode(t, civicspace.ENOTFOUND, err)
	_, err = s.CommitmentRevision(ctx, "cmt_00000000000000000000", 1)
	requireCode(t, civicspace.ENOTFOUND, err)
	_, err = s.CommitmentRevisions(ctx, "cmt_00000000000000000000")
	requireCode(t, civicspace.ENOTFOUND, err)
}

// testCommitmentLifecycle tries every action from every status: the moves
// of CommitmentTransitions succeed and set the published version, every
// other is refused without a change.
func testCommitmentLifecycle(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	actions := []civicspace.Action{civicspace.ActionPublish, civicspace.ActionCorrect, civicspace.ActionWithdraw, civicspace.ActionReopen}
	for _, from := range civicspace.CommitmentStatuses {
		for _, action := range actions {
			t.Run(fmt.Sprintf("%s from %s", action, from), func(t *testing.T) {
				rec := commitmentIn(ctx, t, s, CommitmentFixture("XAA"), commitmentPath(from)...)
				want, allowed := civicspace.CommitmentTransitionFor(from, action)
				got, err := s.TransitionCommitment(ctx, rec.ID, rec.Version, action, "rita", "note "+string(action))
				if allowed != nil {
					requireCode(t, civicspace.ESTATE, err)
					now, err := s.Commitment(ctx, rec.ID)
					require.NoError(t, err)
					require.Equal(t, rec, now, "a refused move changes nothing")
					return
				}
				require.NoError(t, err)
				require.Equal(t, want.To, got.Status)
				require.Equal(t, rec.Version+1, got.Version)
				wantPublished := rec.PublishedVersion
				switch action {
				case civicspace.ActionPublish:
					wantPublished = got.Version
				case civicspace.ActionWithdraw:
					wantPublished = 0
				}
				require.Equal(t, wantPublished, got.PublishedVersion)
				require.Equal(t, rec.Commitment, got.Commitment, "a move does not change the content")
				now, err := s.Commitment(ctx, rec.ID)
				require.NoError(t, err)
				require.Equal(t, got, now)
				rev, err := s.CommitmentRevision(ctx, rec.ID, got.Version)
				require.NoError(t, err)
				require.Equal(t, action, rev.Action)
				require.Equal(t, want.To, rev.Status)
				require.Equal(t, "note "+string(action), rev.Note)
				require.Empty(t, rev.Changes)

				_, err = s.TransitionCommitment(ctx, rec.ID, rec.Version, action, "rita", "")
				requireCode(t, civicspace.ECONFLICT, err, "the same move from the version read before it is stale")
			})
		}
	}
	t.Run("not a commitment move", func(t *testing.T) {
		rec := commitmentIn(ctx, t, s, CommitmentFixture("XAB"))
		for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionReturn, civicspace.ActionDelete, "archive"} {
			_, err := s.TransitionCommitment(ctx, rec.ID, rec.Version, action, "rita", "")
			requireCode(t, civicspace.EINVALID, err, "action %q", action)
		}
		_, err := s.TransitionCommitment(ctx, "cmt_00000000000000000000", 1, civicspace.ActionPublish, "rita", "")
		requireCode(t, civicspace.ENOTFOUND, err)
	})
}

func testCommitmentUpdateOnlyDrafts(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	for _, status := range civicspace.CommitmentStatuses {
		t.Run(string(status), func(t *testing.T) {
			rec := commitmentIn(ctx, t, s, CommitmentFixture("XAD"), commitmentPath(status)...)
			edit := CommitmentFixture("XAD")
			edit.Title = "edited"
			got, err := s.UpdateCommitment(ctx, rec.ID, rec.Version, edit, "alice", "")
			if status != civicspace.Draft {
				requireCode(t, civicspace.ESTATE, err)
				now, err := s.Commitment(ctx, rec.ID)
				require.NoError(t, err)
				require.Equal(t, rec, now)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "edited", got.Commitment.Title)
		})
	}
}

// listCommitments pages through f with the given page size and returns
// the IDs.
func listCommitments(ctx context.Context, t *testing.T, s civicspace.CommitmentStore, f civicspace.CommitmentFilter, size int) []string {
	t.Helper()
	f.PageSize = size
	ids := []string{}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 1000, "pagination does not end")
		page, err := s.ListCommitments(ctx, f)
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

func testCommitmentList(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	ids := map[string]string{}
	add := func(name string, c *civicspace.Commitment, actions ...civicspace.Action) {
		ids[name] = commitmentIn(ctx, t, s, c, actions...).ID
	}
	inWorkstream := func(c *civicspace.Commitment, ws string) *civicspace.Commitment {
		c.Occasion = civicspace.Occasion{Kind: civicspace.OccasionWorkstream, Name: "Cohort workstream", WorkstreamID: ws, Date: "2023-01-15"}
		return c
	}
	followedBy := func(c *civicspace.Commitment, fu string) *civicspace.Commitment {
		c.FollowUp = fu
		return c
	}
	add("nor", CommitmentFixture("NOR"), civicspace.ActionPublish)
	add("joint", inWorkstream(CommitmentFixture("CZE", "NOR", "SWE"), "ws-3"), civicspace.ActionPublish)
	add("swe", followedBy(CommitmentFixture("SWE"), "cod"))
	add("ken", inWorkstream(followedBy(CommitmentFixture("KEN"), "other:African Union"), "ws-3"), civicspace.ActionPublish, civicspace.ActionWithdraw)
	add("nor2", inWorkstream(followedBy(CommitmentFixture("NOR"), "oecd"), "ws-6"))

	cases := []struct {
		name   string
		filter civicspace.CommitmentFilter
		want   []string
	}{
		{"all", civicspace.CommitmentFilter{}, []string{"nor", "joint", "swe", "ken", "nor2"}},
		{"country, joint included", civicspace.CommitmentFilter{Country: "NOR"}, []string{"nor", "joint", "nor2"}},
		{"country in a joint one only", civicspace.CommitmentFilter{Country: "CZE"}, []string{"joint"}},
		{"workstream", civicspace.CommitmentFilter{Workstream: "ws-3"}, []string{"joint", "ken"}},
		{"follow-up", civicspace.CommitmentFilter{FollowUp: "ogp"}, []string{"nor", "joint"}},
		{"other follow-up", civicspace.CommitmentFilter{FollowUp: "other:African Union"}, []string{"ken"}},
		{"status", civicspace.CommitmentFilter{Status: civicspace.Draft}, []string{"swe", "nor2"}},
		{"withdrawn", civicspace.CommitmentFilter{Status: civicspace.Withdrawn}, []string{"ken"}},
		{"published only", civicspace.CommitmentFilter{PublishedOnly: true}, []string{"nor", "joint"}},
		{"combined", civicspace.CommitmentFilter{Country: "NOR", Workstream: "ws-6", FollowUp: "oecd", Status: civicspace.Draft}, []string{"nor2"}},
		{"nothing", civicspace.CommitmentFilter{Country: "FRA"}, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := []string{}
			for _, name := range tc.want {
				want = append(want, ids[name])
			}
			for _, size := range []int{1, 2, 0} {
				require.Equal(t, want, listCommitments(ctx, t, s, tc.filter, size), "page size %d", size)
			}
		})
	}
	t.Run("records", func(t *testing.T) {
		page, err := s.ListCommitments(ctx, civicspace.CommitmentFilter{Country: "NOR", PageSize: 2})
		require.NoError(t, err)
		require.Len(t, page.Records, 2)
		require.NotEmpty(t, page.NextPageToken)
		for _, r := range page.Records {
			got, err := s.Commitment(ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, got, r, "a listed record is the full current record")
		}
	})
	t.Run("bad token", func(t *testing.T) {
		for _, token := range []string{"not a token", "AAAA", "LTE", "MA"} {
			_, err := s.ListCommitments(ctx, civicspace.CommitmentFilter{PageToken: token})
			requireCode(t, civicspace.EINVALID, err, "token %q", token)
		}
	})
}

// testCommitmentListUnderCorrection checks that readers who see only
// publications (PublishedOnly) are listed the published view of a
// commitment whose correction is being drafted, filtered on it: the
// draft's status and content do not show through the filters.
func testCommitmentListUnderCorrection(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	pub := commitmentIn(ctx, t, s, CommitmentFixture("NOR"), civicspace.ActionPublish, civicspace.ActionCorrect)
	fixed := CommitmentFixture("DNK")
	fixed.FollowUp = "cod"
	pub, err := s.UpdateCommitment(ctx, pub.ID, pub.Version, fixed, "bob", "it was Denmark's")
	require.NoError(t, err)
	require.Equal(t, civicspace.Draft, pub.Status)
	draft := commitmentIn(ctx, t, s, CommitmentFixture("NOR"))

	for _, tc := range []struct {
		name   string
		filter civicspace.CommitmentFilter
		want   []string
	}{
		{"published", civicspace.CommitmentFilter{Status: civicspace.Published}, []string{pub.ID}},
		{"draft", civicspace.CommitmentFilter{Status: civicspace.Draft}, []string{}},
		{"published country", civicspace.CommitmentFilter{Country: "NOR"}, []string{pub.ID}},
		{"drafted country", civicspace.CommitmentFilter{Country: "DNK"}, []string{}},
		{"drafted follow-up", civicspace.CommitmentFilter{FollowUp: "cod"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.filter.PublishedOnly = true
			require.Equal(t, tc.want, listCommitments(ctx, t, s, tc.filter, 0))
		})
	}
	page, err := s.ListCommitments(ctx, civicspace.CommitmentFilter{PublishedOnly: true})
	require.NoError(t, err)
	require.Len(t, page.Records, 1)
	got := page.Records[0]
	require.Equal(t, civicspace.Published, got.Status, "the published view")
	require.Equal(t, 2, got.Version)
	require.Equal(t, 2, got.PublishedVersion)
	require.Equal(t, *CommitmentFixture("NOR"), got.Commitment, "the publication, not the correction")
	require.Equal(t, "rita", got.UpdatedBy, "stamped by who published it")

	// Those who may see drafts still filter on the current state.
	require.Equal(t, []string{pub.ID, draft.ID}, listCommitments(ctx, t, s, civicspace.CommitmentFilter{Status: civicspace.Draft}, 0))
	require.Equal(t, []string{pub.ID}, listCommitments(ctx, t, s, civicspace.CommitmentFilter{Country: "DNK"}, 0))
}

// testPublishedCommitments checks that readers see published revisions:
// a correction being drafted does not show, nor is it what the filters
// match; a withdrawn commitment drops out.
func testPublishedCommitments(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	draft := commitmentIn(ctx, t, s, CommitmentFixture("NOR"))
	first := commitmentIn(ctx, t, s, CommitmentFixture("NOR"), civicspace.ActionPublish)
	joint := commitmentIn(ctx, t, s, CommitmentFixture("SWE", "NOR"), civicspace.ActionPublish)
	gone := commitmentIn(ctx, t, s, CommitmentFixture("NOR"), civicspace.ActionPublish, civicspace.ActionWithdraw)

	corr, err := s.TransitionCommitment(ctx, first.ID, first.Version, civicspace.ActionCorrect, "bob", "")
	require.NoError(t, err)
	fixed := CommitmentFixture("DNK")
	fixed.FollowUp = "cod"
	corr, err = s.UpdateCommitment(ctx, corr.ID, corr.Version, fixed, "bob", "it was Denmark's")
	require.NoError(t, err)
	require.Equal(t, 2, corr.PublishedVersion)

	keys := func(revs []*civicspace.CommitmentRevision) []string {
		out := []string{}
		for _, r := range revs {
			out = append(out, fmt.Sprintf("%s@%d", r.CommitmentID, r.Version))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		filter civicspace.CommitmentFilter
		want   []string
	}{
		{"all", civicspace.CommitmentFilter{}, []string{first.ID + "@2", joint.ID + "@2"}},
		{"published country", civicspace.CommitmentFilter{Country: "NOR"}, []string{first.ID + "@2", joint.ID + "@2"}},
		{"drafted country", civicspace.CommitmentFilter{Country: "DNK"}, []string{}},
		{"published follow-up", civicspace.CommitmentFilter{FollowUp: "ogp"}, []string{first.ID + "@2", joint.ID + "@2"}},
		{"drafted follow-up", civicspace.CommitmentFilter{FollowUp: "cod"}, []string{}},
		{"ignores status and paging", civicspace.CommitmentFilter{Status: civicspace.Draft, PageSize: 1}, []string{first.ID + "@2", joint.ID + "@2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			revs, err := s.PublishedCommitments(ctx, tc.filter)
			require.NoError(t, err)
			require.Equal(t, tc.want, keys(revs))
		})
	}
	revs, err := s.PublishedCommitments(ctx, civicspace.CommitmentFilter{})
	require.NoError(t, err)
	require.Equal(t, *CommitmentFixture("NOR"), revs[0].Commitment, "the publication, not the correction")
	require.Equal(t, civicspace.ActionPublish, revs[0].Action)
	for _, r := range revs {
		require.NotEqual(t, draft.ID, r.CommitmentID)
		require.NotEqual(t, gone.ID, r.CommitmentID)
	}

	_, err = s.TransitionCommitment(ctx, corr.ID, corr.Version, civicspace.ActionPublish, "rita", "")
	require.NoError(t, err)
	revs, err = s.PublishedCommitments(ctx, civicspace.CommitmentFilter{Country: "DNK"})
	require.NoError(t, err)
	require.Equal(t, []string{first.ID + "@5"}, keys(revs), "the correction once published")
}

func testProgressReports(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	draft := commitmentIn(ctx, t, s, CommitmentFixture("NOR"))
	_, err := s.AddProgressReport(ctx, draft.ID, ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-01-10"), "gov")
	requireCode(t, civicspace.ESTATE, err, "a draft takes no report")
	_, err = s.AddProgressReport(ctx, "cmt_00000000000000000000", ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-01-10"), "gov")
	requireCode(t, civicspace.ENOTFOUND, err)

	rec := commitmentIn(ctx, t, s, CommitmentFixture("NOR"), civicspace.ActionPublish)
	_, err = s.AddProgressReport(ctx, rec.ID, nil, "gov")
	requireCode(t, civicspace.EINVALID, err)
	in := ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-01-10")
	before := time.Now()
	r1, err := s.AddProgressReport(ctx, rec.ID, in, "gov")
	require.NoError(t, err)
	after := time.Now()
	require.Equal(t, rec.ID, r1.CommitmentID)
	require.Equal(t, 1, r1.Seq)
	require.Equal(t, 2, r1.CommitmentVersion, "the report is on the published revision")
	require.Equal(t, "gov", r1.CreatedBy)
	requireStamp(t, r1.CreatedAt, before, after)
	want := *ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-01-10")
	want.CommitmentID, want.Seq, want.CommitmentVersion, want.CreatedAt, want.CreatedBy = rec.ID, 1, 2, r1.CreatedAt, "gov"
	require.Equal(t, &want, r1)
	require.Zero(t, in.Seq, "the caller's report is not changed")
	in.Comment = "edited after filing"

	r2, err := s.AddProgressReport(ctx, rec.ID, ReportFixture(civicspace.ReporterIndependent, civicspace.CompletionNotStarted, "2024-02-01"), "irm")
	require.NoError(t, err)
	require.Equal(t, 2, r2.Seq)

	// A correction is drafted: reports go on, on the published revision.
	corr, err := s.TransitionCommitment(ctx, rec.ID, rec.Version, civicspace.ActionCorrect, "bob", "")
	require.NoError(t, err)
	fix := ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionNotStarted, "2024-01-10")
	fix.Corrects = 1
	r3, err := s.AddProgressReport(ctx, rec.ID, fix, "gov")
	require.NoError(t, err)
	require.Equal(t, 3, r3.Seq)
	require.Equal(t, 2, r3.CommitmentVersion)
	require.Equal(t, 1, r3.Corrects)
	corr, err = s.TransitionCommitment(ctx, corr.ID, corr.Version, civicspace.ActionPublish, "rita", "")
	require.NoError(t, err)
	r4, err := s.AddProgressReport(ctx, rec.ID, ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionSubstantial, "2024-06-01"), "gov")
	require.NoError(t, err)
	require.Equal(t, corr.Version, r4.CommitmentVersion, "reports follow the new publication")

	other := commitmentIn(ctx, t, s, CommitmentFixture("SWE"), civicspace.ActionPublish)
	o1, err := s.AddProgressReport(ctx, other.ID, ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionComplete, "2024-03-01"), "gov")
	require.NoError(t, err)
	require.Equal(t, 1, o1.Seq, "sequence numbers are per commitment")

	got, err := s.ProgressReports(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, []*civicspace.ProgressReport{r1, r2, r3, r4}, got)
	got, err = s.ProgressReports(ctx, other.ID, "cmt_00000000000000000000", rec.ID)
	require.NoError(t, err)
	require.Equal(t, []*civicspace.ProgressReport{o1, r1, r2, r3, r4}, got, "by commitment in the order given, then by sequence")
	got, err = s.ProgressReports(ctx)
	require.NoError(t, err)
	require.Empty(t, got)
	got, err = s.ProgressReports(ctx, draft.ID)
	require.NoError(t, err)
	require.Empty(t, got)

	// A withdrawn commitment takes no more reports; its reports stay.
	_, err = s.TransitionCommitment(ctx, other.ID, other.Version, civicspace.ActionWithdraw, "rita", "")
	require.NoError(t, err)
	_, err = s.AddProgressReport(ctx, other.ID, ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionComplete, "2024-04-01"), "gov")
	requireCode(t, civicspace.ESTATE, err)
	got, err = s.ProgressReports(ctx, other.ID)
	require.NoError(t, err)
	require.Equal(t, []*civicspace.ProgressReport{o1}, got)
}

// testConcurrentReports files reports on one commitment from many
// goroutines at once: each gets its own sequence number, none is lost.
func testConcurrentReports(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	const reporters = 20
	rec := commitmentIn(ctx, t, s, CommitmentFixture("XBA"), civicspace.ActionPublish)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seqs []int
		errs []error
	)
	for i := range reporters {
		wg.Go(func() {
			r := ReportFixture(civicspace.ReporterIndependent, civicspace.CompletionLimited, "2024-05-01")
			r.Comment = fmt.Sprintf("reporter %d", i)
			got, err := s.AddProgressReport(ctx, rec.ID, r, fmt.Sprintf("reporter-%d", i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			seqs = append(seqs, got.Seq)
		})
	}
	wg.Wait()
	require.Empty(t, errs)
	slices.Sort(seqs)
	want := make([]int, reporters)
	for i := range want {
		want[i] = i + 1
	}
	require.Equal(t, want, seqs)
	got, err := s.ProgressReports(ctx, rec.ID)
	require.NoError(t, err)
	require.Len(t, got, reporters)
	for i, r := range got {
		require.Equal(t, i+1, r.Seq)
		require.Equal(t, r.CreatedBy, "reporter-"+r.Comment[len("reporter "):], "report %d keeps its own content", r.Seq)
	}
}

// testConcurrentCommitmentUpdates has writers update one commitment from
// the same version at once: exactly one wins, the others conflict.
func testConcurrentCommitmentUpdates(t *testing.T, s civicspace.CommitmentStore) {
	ctx := t.Context()
	const writers = 20
	rec := commitmentIn(ctx, t, s, CommitmentFixture("XBB"))
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		winners   []int
		conflicts int
		errs      []error
		start     = make(chan struct{})
	)
	for w := range writers {
		wg.Go(func() {
			edit := CommitmentFixture("XBB")
			edit.Title = fmt.Sprintf("edit by writer %d", w)
			<-start
			_, err := s.UpdateCommitment(ctx, rec.ID, 1, edit, fmt.Sprintf("writer-%d", w), "")
			mu.Lock()
			defer mu.Unlock()
			switch civicspace.ErrorCode(err) {
			case "":
				winners = append(winners, w)
			case civicspace.ECONFLICT:
				conflicts++
			default:
				errs = append(errs, err)
			}
		})
	}
	close(start)
	wg.Wait()
	require.Empty(t, errs)
	require.Len(t, winners, 1, "exactly one writer wins version 2")
	require.Equal(t, writers-1, conflicts)
	revs, err := s.CommitmentRevisions(ctx, rec.ID)
	require.NoError(t, err)
	require.Len(t, revs, 2)
	require.Equal(t, fmt.Sprintf("edit by writer %d", winners[0]), revs[1].Commitment.Title)
	require.Equal(t, fmt.Sprintf("writer-%d", winners[0]), revs[1].Actor)
}

// BenchPublishedCommitments measures what every commitment summary, and
// every commitment view's aim check, reads: all published commitments
// and their reports. It seeds 400 published commitments of 40 countries,
// a fifth of them joint, with two reports each.
func BenchPublishedCommitments(b *testing.B, open func(b *testing.B) civicspace.CommitmentStore) {
	s := open(b)
	ctx := b.Context()
	countries := benchCountries(40)
	const n = 400
	for i := range n {
		c := CommitmentFixture(countries[i%len(countries)])
		if i%5 == 0 {
			c.Subject.Countries = append(c.Subject.Countries, countries[(i+1)%len(countries)])
		}
		rec, err := s.CreateCommitment(ctx, c, "bench")
		if err == nil {
			rec, err = s.TransitionCommitment(ctx, rec.ID, rec.Version, civicspace.ActionPublish, "bench", "")
		}
		for _, r := range []*civicspace.ProgressReport{
			ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionSubstantial, "2024-06-01"),
			ReportFixture(civicspace.ReporterIndependent, civicspace.CompletionLimited, "2024-07-01"),
		} {
			if err == nil {
				_, err = s.AddProgressReport(ctx, rec.ID, r, "bench")
			}
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			revs, err := s.PublishedCommitments(ctx, civicspace.CommitmentFilter{})
			if err != nil || len(revs) != n {
				b.Fatal(len(revs), err)
			}
			ids := make([]string, len(revs))
			for i, r := range revs {
				ids[i] = r.CommitmentID
			}
			reports, err := s.ProgressReports(ctx, ids...)
			if err != nil || len(reports) != 2*n {
				b.Fatal(len(reports), err)
			}
		}
	})
	b.Run("country", func(b *testing.B) {
		for b.Loop() {
			revs, err := s.PublishedCommitments(ctx, civicspace.CommitmentFilter{Country: countries[7]})
			if err != nil || len(revs) == 0 {
				b.Fatal(len(revs), err)
			}
		}
	})
}
