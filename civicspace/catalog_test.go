package civicspace_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// seedFiles are the source documents the built-in catalog may cite
// (../shared/seeds/README.md).
var seedFiles = []string{
	"000_4b4b777f333f05fa.txt",
	"001_8ca33501762bb9f9.txt",
	"002_e940bab4f1c821c4.txt",
	"003_ad58e0bc1bb431e0.txt",
	"004_bf7dd80bb82cf714.txt",
}

func TestBuiltinCatalogCounts(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	// Each count comes from the seed document named in the comment.
	tests := []struct {
		group string
		want  int
	}{
		{"sdg.goal-16", 5},                 // 001: targets 16.4, 16.5, 16.6, 16.7, 16.10
		{"sdg.goal-17", 1},                 // 001: target 17.17
		{"cndsi.focus-1", 5},               // 004: recommendations 1-5
		{"cndsi.focus-2", 6},               // 004: recommendations 6-11
		{"cndsi.focus-3", 5},               // 004: recommendations 12-16
		{"cndsi.focus-4", 4},               // 004: recommendations 17-20
		{"un2020.partnership", 16},         // 001 lines 43-89
		{"un2020.protection", 10},          // 001 lines 93-121
		{"un2020.promotion", 22},           // 001 lines 125-190
		{"exile.barriers", 9},              // 002 lines 7-15
		{"civic-charter.needs", 3},         // 003 line 27
		{"civic-charter.areas-of-work", 3}, // 003 lines 31-33
	}
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			_, ok := cat.Group(tt.group)
			require.True(t, ok, "group %s missing", tt.group)
			require.Len(t, cat.GroupRecommendations(tt.group), tt.want)
		})
	}

	frameworks := []struct {
		id     string
		groups int
		kind   string
	}{
		{"sdg", 2, "goal"},
		{"oecd-dac", 3, "pillar"},
		{"cndsi", 4, "focus"},
		{"un2020", 3, "role"},
		{"s4d-cohort", 6, "workstream"},
		{"exile", 1, "area"},
		{"civic-charter", 2, ""},
	}
	for _, f := range frameworks {
		t.Run(f.id, func(t *testing.T) {
			fw, ok := cat.Framework(f.id)
			require.True(t, ok)
			require.Len(t, fw.Groups, f.groups)
			for _, g := range fw.Groups {
				if f.kind != "" {
					require.Equal(t, f.kind, g.Kind, g.ID)
				}
			}
		})
	}
	require.Len(t, cat.Frameworks(), len(frameworks), "one framework per seed framework")
}

func TestCNDSINumbering(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	recs := cat.FrameworkRecommendations("cndsi")
	require.Len(t, recs, 20)
	for i, r := range recs {
		require.Equal(t, strconv.Itoa(i+1), r.Number, r.ID)
		require.Equal(t, "004_bf7dd80bb82cf714.txt", r.Source.File)
	}
}

func TestSDGTargets(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	for _, target := range []string{"16.10", "16.4", "16.5", "16.6", "16.7", "17.17"} {
		r, ok := cat.Recommendation("sdg." + strings.ReplaceAll(target, ".", "-"))
		require.True(t, ok, target)
		require.Equal(t, target, r.Number)
		require.NotNil(t, r.Official, target)
		require.NotEmpty(t, r.Official.Wording, target)
	}
	r, _ := cat.Recommendation("sdg.16-10")
	codes := map[string]bool{}
	for _, oi := range r.Official.Indicators {
		codes[oi.Code] = true
	}
	require.True(t, codes["16.10.1"] && codes["16.10.2"], "16.10 carries its official indicators")
	// 16.10.1 and 16.10.2 are also measured by catalog indicators.
	sdgInds := map[string]bool{}
	for _, ind := range cat.Indicators() {
		sdgInds[ind.SDGIndicator] = true
	}
	require.True(t, sdgInds["16.10.1"] && sdgInds["16.10.2"])
}

func TestCohortWorkstreamsAndFollowUp(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	fw, _ := cat.Framework("s4d-cohort")
	leads := map[string]string{}
	for _, g := range fw.Groups {
		require.NotNil(t, g.Lead, g.ID)
		leads[g.Number] = g.Lead.Status
		n := len(cat.GroupRecommendations(g.ID))
		require.True(t, n >= 1 && n <= 3, "%s: the seed aims at 1-3 recommendations per workstream, got %d", g.ID, n)
	}
	require.Equal(t, map[string]string{"1": "leading", "2": "yet_to_be_confirmed", "3": "leading", "4": "leading", "5": "signalled_interest", "6": "leading"}, leads)
	var ids []string
	for _, f := range fw.FollowUp {
		ids = append(ids, f.ID)
	}
	require.ElementsMatch(t, []string{"cod", "ogp", "oecd"}, ids)
}

func TestOECDDACMarksUnconfirmedProvisions(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	confirmedNumbers := map[string]bool{"I.9": true, "II.4": true, "II.8": true, "III.7": true}
	for _, r := range cat.FrameworkRecommendations("oecd-dac") {
		require.Contains(t, r.Addressees, civicspace.RoleDonor, r.ID)
		numbered := confirmedNumbers[r.Number] || confirmedNumbers[strings.ToUpper(r.Number)]
		if !numbered {
			require.Contains(t, []civicspace.Confidence{civicspace.Unconfirmed, civicspace.Inferred}, r.Confidence,
				"%s (number %q) is not confirmed from the final text and must say so", r.ID, r.Number)
			require.NotEmpty(t, r.Note, r.ID)
		}
	}
}

// referenceFiles are the reference notes a recommendation cites when the
// seed lines name the framework but do not contain the provision itself
// (../shared/reference/).
var referenceFiles = []string{"reference/oecd-dac.md", "reference/frameworks.md"}

func TestEveryRecommendationCitesASeed(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	shared := filepath.Join("..", "..", "shared")
	_, err := os.Stat(filepath.Join(shared, "seeds"))
	haveSeeds := err == nil
	lineCounts := map[string]int{}
	if haveSeeds {
		for _, f := range seedFiles {
			data, err := os.ReadFile(filepath.Join(shared, "seeds", f))
			require.NoError(t, err)
			lineCounts[f] = bytes.Count(data, []byte("\n")) + 1
		}
		for _, f := range referenceFiles {
			data, err := os.ReadFile(filepath.Join(shared, f))
			require.NoError(t, err)
			lineCounts[f] = bytes.Count(data, []byte("\n")) + 1
		}
	} else {
		t.Logf("%s not found: checking file names only", shared)
	}
	cited := append(slices.Clone(seedFiles), referenceFiles...)
	for _, r := range cat.Recommendations() {
		require.Contains(t, cited, r.Source.File, "%s cites an unknown source", r.ID)
		if haveSeeds && r.Source.Lines != "" {
			from, to, _ := strings.Cut(r.Source.Lines, "-")
			if to == "" {
				to = from
			}
			a, errA := strconv.Atoi(from)
			b, errB := strconv.Atoi(to)
			require.NoError(t, errA, r.ID)
			require.NoError(t, errB, r.ID)
			require.True(t, a >= 1 && a <= b && b <= lineCounts[r.Source.File], "%s: lines %s outside %s", r.ID, r.Source.Lines, r.Source.File)
		}
	}
	// The OECD DAC provisions are not in seed 000, which names only the
	// instrument: they cite the reference note that holds them.
	for _, r := range cat.FrameworkRecommendations("oecd-dac") {
		if r.Number != "II.8" {
			require.Equal(t, "reference/oecd-dac.md", r.Source.File, r.ID)
		}
	}
}

func TestStateActionableRecommendationsHaveIndicators(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	for _, r := range cat.Recommendations() {
		if r.StateActionable() {
			require.NotEmpty(t, cat.IndicatorsFor(r.ID), "%s is addressed to a state but no indicator measures it", r.ID)
		}
	}
}

func TestIndicatorTypesAndRedFlags(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	types := map[civicspace.IndicatorType]int{}
	flags := 0
	for _, ind := range cat.Indicators() {
		types[ind.Type]++
		if ind.RedFlag != nil {
			flags++
		}
	}
	for _, typ := range civicspace.IndicatorTypes {
		require.Positive(t, types[typ], "no %s indicator", typ)
	}
	require.GreaterOrEqual(t, flags, 2)
	// The foreign-agent question is graded on the features the field
	// looks at: the worse the feature, the lower the cap.
	fal, ok := cat.Indicator("foreign-agent-law")
	require.True(t, ok)
	require.Equal(t, civicspace.TypeChoice, fal.Type)
	require.NotNil(t, fal.RedFlag)
	require.Greater(t, fal.RedFlag.CapFor(civicspace.OptionValue("stigmatising_label")), fal.RedFlag.CapFor(civicspace.OptionValue("criminal_penalties")))
	// Every indicator asks about at least one role, and every percentage
	// has a documented target.
	for _, ind := range cat.Indicators() {
		require.NotEmpty(t, ind.Roles, "%s states no roles", ind.ID)
		if ind.Type == civicspace.TypePercentage {
			require.NotNil(t, ind.Percentage, "%s has no target", ind.ID)
			require.NotEmpty(t, ind.Percentage.Reason, "%s: the target's reason", ind.ID)
		}
	}
}

func TestBrokenCatalogFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string // substrings of the error, each naming file and item
	}{
		{"duplicate-id.yaml", []string{"duplicate-id.yaml#/frameworks/0/groups/0/recommendations/1/id", `duplicate id "fw.r1"`}},
		{"unknown-mapping.yaml", []string{"unknown-mapping.yaml#/indicators/0/recommendations/1", `indicator "law" maps to unknown recommendation "fw.r9"`}},
		{"unmapped-indicator.yaml", []string{"unmapped-indicator.yaml#/indicators/1/recommendations", `indicator "orphan" maps to no recommendation`}},
		{"undescribed-level.yaml", []string{"undescribed-level.yaml#/indicators/0/scale/levels/1/description", `indicator "level": scale level 1 has no description`, "scale level 2 has no description"}},
		{"unknown-field.yaml", []string{"unknown-field.yaml#", "field groupz not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			files, err := civicspace.LoadCatalogFiles(os.DirFS("testdata/catalog"), tt.file)
			require.NoError(t, err)
			_, err = civicspace.ParseCatalog(files...)
			require.Error(t, err)
			require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
			var all strings.Builder
			for _, p := range civicspace.ErrorProblems(err) {
				all.WriteString(p.String() + "\n")
			}
			for _, w := range tt.want {
				require.Contains(t, all.String(), w)
			}
		})
	}
}

func TestExtendReplacesAndAdds(t *testing.T) {
	base, err := civicspace.ParseCatalog(readCatalogFile(t, "base.yaml"))
	require.NoError(t, err)

	replacement := civicspace.CatalogFile{Name: "mine.yaml", Data: []byte(`
version: "mine.2"
frameworks:
  - id: fw
    title: Replaced framework
    source: {file: official.txt}
    groups:
      - id: fw.g1
        kind: focus
        title: Group one
        recommendations:
          - {id: fw.r1, number: "1", title: First, text: One., addressees: [domestic], source: {file: official.txt}}
indicators:
  - {id: extra, question: "Extra?", type: percentage, direction: higher_is_better, weight: 1, evidence_required: false, recommendations: [fw.r1]}
`)}
	ext, err := base.Extend(replacement)
	require.NoError(t, err)
	require.Equal(t, "test.1+mine.2", ext.Version())
	require.NotEqual(t, base.Digest(), ext.Digest())
	fw, _ := ext.Framework("fw")
	require.Equal(t, "Replaced framework", fw.Title)
	_, gone := ext.Recommendation("fw.r2")
	require.False(t, gone)
	level, _ := ext.Indicator("level")
	require.Equal(t, []string{"fw.r1"}, level.Recommendations, "mapping to the vanished fw.r2 is dropped")
	require.Len(t, ext.Warnings(), 1)
	require.Len(t, ext.IndicatorsFor("fw.r1"), 3)
	// The base catalog is untouched.
	baseLevel, _ := base.Indicator("level")
	require.Equal(t, []string{"fw.r1", "fw.r2"}, baseLevel.Recommendations)

	// A user file is validated like the built-in one, its problems naming it.
	_, err = base.Extend(civicspace.CatalogFile{Name: "bad.yaml", Data: []byte(`
indicators:
  - {id: law, question: "Dup?", type: boolean, direction: higher_is_better, weight: 1, evidence_required: false, recommendations: [fw.nope]}
`)})
	require.Error(t, err)
	require.Contains(t, err.Error(), `bad.yaml#/indicators/0/recommendations/0`)

	// Removing every mapping of an existing indicator is a load error.
	_, err = base.Extend(civicspace.CatalogFile{Name: "shrink.yaml", Data: []byte(`
frameworks:
  - id: fw
    title: Shrunk
    source: {file: x.txt}
    groups:
      - id: fw.g9
        kind: focus
        title: Other
        recommendations:
          - {id: fw.r9, number: "9", title: Nine, text: Nine., addressees: [domestic], source: {file: x.txt}}
indicators:
  - {id: nine, question: "Nine?", type: boolean, direction: higher_is_better, weight: 1, evidence_required: false, recommendations: [fw.r9]}
`)})
	require.Error(t, err)
	require.Contains(t, err.Error(), `indicator "law" maps to no recommendation`)
}

func TestDigestIsContentAddressed(t *testing.T) {
	a, err := civicspace.ParseCatalog(readCatalogFile(t, "base.yaml"))
	require.NoError(t, err)
	b, err := civicspace.ParseCatalog(readCatalogFile(t, "base.yaml"))
	require.NoError(t, err)
	require.Equal(t, a.Digest(), b.Digest())
	require.True(t, strings.HasPrefix(a.Digest(), "sha256:"))
	changed := readCatalogFile(t, "base.yaml")
	changed.Data = bytes.Replace(changed.Data, []byte("Do the first thing."), []byte("Do the first thing well."), 1)
	c, err := civicspace.ParseCatalog(changed)
	require.NoError(t, err)
	require.NotEqual(t, a.Digest(), c.Digest())
}

func TestCrosswalk(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	links, err := cat.Crosswalk("sdg", "cndsi")
	require.NoError(t, err)
	for _, l := range links {
		from, _ := cat.Recommendation(l.From)
		to, _ := cat.Recommendation(l.To)
		require.Equal(t, "sdg", from.Framework().ID)
		require.Equal(t, "cndsi", to.Framework().ID)
		for _, id := range l.Indicators {
			ind, _ := cat.Indicator(id)
			require.Contains(t, ind.Recommendations, l.From)
			require.Contains(t, ind.Recommendations, l.To)
		}
	}
	_, err = cat.Crosswalk("sdg", "nope")
	require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))

	base, err := civicspace.ParseCatalog(readCatalogFile(t, "base.yaml"))
	require.NoError(t, err)
	self, err := base.Crosswalk("fw", "fw")
	require.NoError(t, err)
	require.Equal(t, []civicspace.CrosswalkLink{{From: "fw.r1", To: "fw.r2", Indicators: []string{"level"}}, {From: "fw.r2", To: "fw.r1", Indicators: []string{"level"}}}, self)
}

func TestLookups(t *testing.T) {
	cat, err := civicspace.ParseCatalog(readCatalogFile(t, "base.yaml"))
	require.NoError(t, err)
	r, ok := cat.Recommendation("fw.r2")
	require.True(t, ok)
	require.Equal(t, "fw", r.Framework().ID)
	require.Equal(t, "fw.g1", r.Group().ID)
	require.False(t, r.AppliesTo([]civicspace.Role{civicspace.RoleDomestic}))
	require.True(t, r.AppliesTo([]civicspace.Role{civicspace.RoleDonor}))
	var ids []string
	for _, ind := range cat.IndicatorsFor("fw.r1") {
		ids = append(ids, ind.ID)
	}
	require.Equal(t, []string{"law", "level"}, ids)
	ids = nil
	for _, rec := range cat.RecommendationsFor("level") {
		ids = append(ids, rec.ID)
	}
	require.Equal(t, []string{"fw.r1", "fw.r2"}, ids)
	require.Nil(t, cat.RecommendationsFor("nope"))
}

// TestCatalogExportGolden pins the public JSON export of the built-in
// catalog; run with -update after an intended catalog change.
func TestCatalogExportGolden(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	got, err := json.MarshalIndent(cat, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	golden := filepath.Join("testdata", "catalog-export.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./civicspace -run TestCatalogExportGolden -update")
	require.Equal(t, string(want), string(got))

	// The contract scripts rely on.
	var export struct {
		Version    string `json:"version"`
		Digest     string `json:"digest"`
		Frameworks []struct {
			ID     string            `json:"id"`
			Title  string            `json:"title"`
			Groups []json.RawMessage `json:"groups"`
		} `json:"frameworks"`
		Indicators []struct {
			ID              string   `json:"id"`
			Question        string   `json:"question"`
			Type            string   `json:"type"`
			Weight          float64  `json:"weight"`
			Recommendations []string `json:"recommendations"`
			Direction       string   `json:"direction"`
		} `json:"indicators"`
	}
	require.NoError(t, json.Unmarshal(got, &export))
	require.Equal(t, cat.Version(), export.Version)
	require.Equal(t, cat.Digest(), export.Digest)
	require.Len(t, export.Frameworks, len(cat.Frameworks()))
	for _, ind := range export.Indicators {
		require.Contains(t, []string{"boolean", "scale", "count", "percentage", "choice"}, ind.Type)
		require.Contains(t, []string{"higher_is_better", "lower_is_better"}, ind.Direction)
		require.NotEmpty(t, ind.Recommendations)
	}
}

func TestCatalogFilesCiteSources(t *testing.T) {
	// Facts from outside the seeds must be checkable: every data file opens
	// with a comment naming its sources.
	for _, f := range civicspace.BuiltinCatalogFiles() {
		sc := bufio.NewScanner(bytes.NewReader(f.Data))
		sc.Scan()
		require.True(t, strings.HasPrefix(sc.Text(), "#"), "%s must open with a comment citing its sources", f.Name)
	}
}

func readCatalogFile(t *testing.T, name string) civicspace.CatalogFile {
	t.Helper()
	files, err := civicspace.LoadCatalogFiles(os.DirFS("testdata/catalog"), name)
	require.NoError(t, err)
	return files[0]
}

func TestRolesVocabulary(t *testing.T) {
	require.True(t, slices.Contains(civicspace.Roles, civicspace.RoleHost))
	require.False(t, civicspace.Role("martian").Valid())
}
