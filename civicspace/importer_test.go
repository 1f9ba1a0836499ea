package civicspace_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

func TestReadAssessments(t *testing.T) {
	one, err := os.ReadFile(filepath.Join("..", "examples", "assessments", "open-xaa.json"))
	require.NoError(t, err)
	var compact json.RawMessage
	require.NoError(t, json.Unmarshal(one, &compact))
	line, err := json.Marshal(compact)
	require.NoError(t, err)
	tests := []struct {
		name    string
		data    string
		sources []string
		errs    []bool
		pointer string // of the first error's first problem
	}{
		{name: "one pretty-printed document", data: string(one), sources: []string{"f"}, errs: []bool{false}},
		{name: "with a byte-order mark", data: "\uFEFF" + string(one), sources: []string{"f"}, errs: []bool{false}},
		{name: "array", data: "[" + string(one) + ",\n" + string(line) + "]", sources: []string{"f#/0", "f#/1"}, errs: []bool{false, false}},
		{name: "array with a bad element", data: `[` + string(line) + `, {"kind": 3}]`, sources: []string{"f#/0", "f#/1"}, errs: []bool{false, true}, pointer: "/kind"},
		{name: "ndjson with a blank and a broken line", data: string(line) + "\n\n{\"subject\":\n" + string(line) + "\n", sources: []string{"f:1", "f:3", "f:4"}, errs: []bool{false, true, false}},
		{name: "not json", data: "subject,period\n", sources: []string{"f"}, errs: []bool{true}},
		{name: "empty", data: " \n", sources: []string{"f"}, errs: []bool{true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := civicspace.ReadAssessments([]byte(tt.data), "f")
			var sources []string
			var errs []bool
			for _, it := range items {
				sources = append(sources, it.Source)
				errs = append(errs, it.Err != nil)
				require.Equal(t, it.Err == nil, it.Assessment != nil, it.Source)
			}
			require.Equal(t, tt.sources, sources)
			require.Equal(t, tt.errs, errs)
			if tt.pointer != "" {
				for _, it := range items {
					if it.Err != nil {
						require.Equal(t, tt.pointer, civicspace.ErrorProblems(it.Err)[0].Pointer)
						break
					}
				}
			}
		})
	}
}

func TestImportAssessmentsIdempotent(t *testing.T) {
	svc, _ := newTestService(t, defaultScorer(t))
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	read := func(names ...string) []civicspace.ImportItem {
		var items []civicspace.ImportItem
		for _, n := range names {
			data, err := os.ReadFile(filepath.Join("..", "examples", "assessments", n))
			require.NoError(t, err)
			items = append(items, civicspace.ReadAssessments(data, n)...)
		}
		return items
	}
	names := []string{"open-xaa.json", "restrictive-xab.json", "host-donor-xac.json"}
	var calls int
	report, err := svc.ImportAssessments(ctx, read(names...), func(done int, _ civicspace.ImportResult) { calls = done })
	require.NoError(t, err)
	require.Equal(t, 3, calls)
	require.Equal(t, [4]int{3, 0, 0, 0}, [4]int{report.Created, report.Updated, report.Unchanged, report.Refused}, report.Results)

	again, err := svc.ImportAssessments(ctx, read(names...), nil)
	require.NoError(t, err)
	require.Equal(t, [4]int{0, 0, 3, 0}, [4]int{again.Created, again.Updated, again.Unchanged, again.Refused}, again.Results)
	for i := range again.Results {
		require.Equal(t, report.Results[i].ID, again.Results[i].ID)
		require.Equal(t, 1, again.Results[i].Version)
	}

	// A changed file updates the draft: a new revision, the old one kept.
	changed := read("open-xaa.json")
	changed[0].Assessment.Title = "changed"
	upd, err := svc.ImportAssessments(ctx, changed, nil)
	require.NoError(t, err)
	require.Equal(t, civicspace.ImportUpdated, upd.Results[0].Outcome)
	require.Equal(t, 2, upd.Results[0].Version)
	revs, err := svc.Revisions(ctx, upd.Results[0].ID)
	require.NoError(t, err)
	require.Len(t, revs, 2)

	// Once submitted, a different file is refused and changes nothing; the
	// same content is still unchanged.
	id := upd.Results[0].ID
	_, _, err = svc.Transition(ctx, id, 2, civicspace.ActionSubmit, "")
	require.NoError(t, err)
	refused, err := svc.ImportAssessments(ctx, read("open-xaa.json"), nil)
	require.NoError(t, err)
	require.Equal(t, civicspace.ImportRefused, refused.Results[0].Outcome)
	require.Equal(t, civicspace.ESTATE, refused.Results[0].Code)
	rec, _, err := svc.Assessment(ctx, id)
	require.NoError(t, err)
	require.Equal(t, 3, rec.Version)
	require.Equal(t, "changed", rec.Assessment.Title)
	same, err := svc.ImportAssessments(ctx, changed, nil)
	require.NoError(t, err)
	require.Equal(t, civicspace.ImportUnchanged, same.Results[0].Outcome)
}

func TestImportAssessmentsRefusals(t *testing.T) {
	svc, _ := newTestService(t, defaultScorer(t))
	assessor := &civicspace.Principal{KeyID: "k1", Role: civicspace.RoleAssessor, Subjects: []string{"XAB"}, Organisation: "Restrictia Ministry (demo)"}
	ctx := civicspace.NewContextWithPrincipal(context.Background(), assessor)
	good := exampleAssessment(t, "open-xaa.json")
	noAuthor := exampleAssessment(t, "open-xaa.json")
	noAuthor.Author = ""
	badAnswer := exampleAssessment(t, "restrictive-xab.json")
	badAnswer.Kind, badAnswer.Author = civicspace.KindSelf, "Restrictia Ministry (demo)"
	badAnswer.Answers["no-such-indicator"] = civicspace.Answer{Value: civicspace.BoolValue(true)}
	items := []civicspace.ImportItem{
		{Source: "xaa.json", Assessment: good},
		{Source: "no-author.json", Assessment: noAuthor},
		{Source: "broken.json", Err: civicspace.Errorf(civicspace.EINVALID, "broken")},
		{Source: "xab.json", Assessment: badAnswer},
	}
	report, err := svc.ImportAssessments(ctx, items, nil)
	require.NoError(t, err)
	got := map[string]civicspace.ImportResult{}
	for _, r := range report.Results {
		got[r.Source] = r
	}
	// Another subject than the key's: refused by the same rule as a single
	// create, naming the field.
	require.Equal(t, civicspace.ImportRefused, got["xaa.json"].Outcome)
	require.Equal(t, civicspace.EFORBIDDEN, got["xaa.json"].Code)
	require.Equal(t, "/subject", got["xaa.json"].Problems[0].Pointer)
	require.Equal(t, civicspace.ImportRefused, got["no-author.json"].Outcome)
	require.Equal(t, "/author", got["no-author.json"].Problems[0].Pointer)
	require.Equal(t, civicspace.ImportRefused, got["broken.json"].Outcome)
	// A draft's work in progress is created with its problems.
	require.Equal(t, civicspace.ImportCreated, got["xab.json"].Outcome)
	require.Equal(t, "/answers/no-such-indicator", got["xab.json"].Problems[0].Pointer)
	require.Equal(t, [4]int{1, 0, 0, 3}, [4]int{report.Created, report.Updated, report.Unchanged, report.Refused})
	page, err := svc.ListAssessments(ctx, civicspace.AssessmentFilter{})
	require.NoError(t, err)
	require.Len(t, page.Records, 1)

	// Without a key nothing is imported.
	_, err = svc.ImportAssessments(context.Background(), items[:1], nil)
	require.Equal(t, civicspace.EUNAUTHORIZED, civicspace.ErrorCode(err))
}

// TestImportAssessmentsPeriodKey: a year and the range that covers it are
// one period, so the range updates the draft imported as the year.
func TestImportAssessmentsPeriodKey(t *testing.T) {
	svc, _ := newTestService(t, defaultScorer(t))
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	year := exampleAssessment(t, "open-xaa.json")
	ranged := exampleAssessment(t, "open-xaa.json")
	ranged.Period = civicspace.MustPeriod("2025-01-01/2025-12-31")
	first, err := svc.ImportAssessments(ctx, []civicspace.ImportItem{{Source: "year", Assessment: year}}, nil)
	require.NoError(t, err)
	require.Equal(t, civicspace.ImportCreated, first.Results[0].Outcome)
	second, err := svc.ImportAssessments(ctx, []civicspace.ImportItem{{Source: "range", Assessment: ranged}}, nil)
	require.NoError(t, err)
	require.Equal(t, civicspace.ImportUpdated, second.Results[0].Outcome)
	require.Equal(t, first.Results[0].ID, second.Results[0].ID)

	// In one import, the second of one identity is refused.
	both, err := svc.ImportAssessments(ctx, []civicspace.ImportItem{{Source: "year", Assessment: year}, {Source: "range", Assessment: ranged}}, nil)
	require.NoError(t, err)
	require.Equal(t, civicspace.ECONFLICT, both.Results[1].Code)
	require.Contains(t, both.Results[1].Message, "as year in this import")
}
