package civicspace_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

func testCatalog(t testing.TB) *civicspace.Catalog {
	t.Helper()
	cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "base.yaml", Data: []byte(testCatalogYAML)})
	require.NoError(t, err)
	return cat
}

// testCatalogYAML is a small catalog with one indicator of each type.
const testCatalogYAML = `
version: "test.1"
frameworks:
  - id: fw
    title: Test framework
    source: {file: test.txt}
    groups:
      - id: fw.g1
        kind: focus
        title: Group one
        recommendations:
          - {id: fw.r1, number: "1", title: First, text: One., addressees: [domestic], source: {file: test.txt}}
          - {id: fw.r2, number: "2", title: Second, text: Two., addressees: [donor], source: {file: test.txt}}
indicators:
  - {id: law, question: "Law?", type: boolean, direction: higher_is_better, weight: 1, evidence_required: true, recommendations: [fw.r1]}
  - id: level
    question: "Level?"
    type: scale
    direction: higher_is_better
    weight: 2
    evidence_required: false
    recommendations: [fw.r1]
    scale: {min: 0, max: 2, levels: [{value: 0, description: None.}, {value: 1, description: Some.}, {value: 2, description: All.}]}
  - {id: cases, question: "Cases?", type: count, direction: lower_is_better, weight: 1, evidence_required: false, recommendations: [fw.r1], count: {worst: 10}}
  - {id: share, question: "Share?", type: percentage, direction: higher_is_better, weight: 1, evidence_required: false, recommendations: [fw.r2]}
  - id: regime
    question: "Regime?"
    type: choice
    direction: higher_is_better
    weight: 1
    evidence_required: false
    recommendations: [fw.r2]
    options: [{id: none, label: None, points: 100}, {id: permit, label: Permit, points: 0}]
`

func validAssessmentJSON() string {
	return `{
  "subject": {"country": "XAA"},
  "roles": ["domestic", "donor"],
  "period": "2025",
  "kind": "self",
  "author": "Ministry of Justice of Demo",
  "answers": {
    "law": {"value": true, "evidence": [{"title": "Access to Information Act", "url": "https://example.org/act", "date": "2024-05-01"}]},
    "level": {"value": 2},
    "cases": {"value": 0},
    "share": {"value": 12.5},
    "regime": {"value": "none", "comment": "notification only"}
  }
}`
}

func TestDecodeAndValidateValidAssessment(t *testing.T) {
	a, err := civicspace.ParseAssessment([]byte(validAssessmentJSON()))
	require.NoError(t, err)
	require.Empty(t, a.Validate(testCatalog(t), civicspace.DefaultCountries()))
	require.Equal(t, 2025, a.Period.Year())
	v, ok := a.Answers["share"].Value.Number()
	require.True(t, ok)
	require.Equal(t, 12.5, v)
}

func TestValidateReportsEveryProblem(t *testing.T) {
	doc := `{
  "subject": {"country": "ABC"},
  "roles": ["domestic", "martian", "domestic"],
  "period": "2025-12-31/2025-01-01",
  "kind": "selfie",
  "author": " ",
  "answers": {
    "law": {"value": "yes"},
    "level": {"value": 3},
    "cases": {"value": -1},
    "share": {"value": 120},
    "regime": {"value": "ban"},
    "nope": {"value": 1},
    "a/b": {"status": "not_applicable"},
    "law~x": {"status": "maybe"}
  }
}`
	a, err := civicspace.ParseAssessment([]byte(doc))
	require.NoError(t, err)
	got := map[string]string{}
	for _, p := range a.Validate(testCatalog(t), civicspace.DefaultCountries()) {
		got[p.Pointer] += p.Detail
	}
	want := map[string]string{
		"/subject/country":      "unknown country code",
		"/roles/1":              "unknown role",
		"/roles/2":              "listed twice",
		"/period":               "reversed",
		"/kind":                 "kind must be",
		"/author":               "author",
		"/answers/law/value":    "takes true or false",
		"/answers/law":          "",
		"/answers/level/value":  "out of range",
		"/answers/cases/value":  "cannot be negative",
		"/answers/share/value":  "out of range 0-100",
		"/answers/regime/value": `"ban" is not an option`,
		"/answers/nope":         "unknown indicator",
		"/answers/a~1b":         "unknown indicator",
		"/answers/law~0x":       "unknown indicator",
	}
	for ptr, detail := range want {
		if detail == "" {
			continue
		}
		require.Contains(t, got, ptr)
		require.Contains(t, got[ptr], detail, ptr)
	}
	require.Contains(t, got["/answers/law/evidence"], "requires evidence")
}

func TestValidateEvidenceAndStatuses(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		name    string
		answer  string
		pointer string
		detail  string
	}{
		{"missing required evidence", `{"value": true}`, "/answers/law/evidence", "requires evidence"},
		{"bad evidence URL", `{"value": true, "evidence": [{"title": "x", "url": "ftp://x"}]}`, "/answers/law/evidence/0/url", "http(s)"},
		{"bad evidence date", `{"value": true, "evidence": [{"title": "x", "date": "May 2024"}]}`, "/answers/law/evidence/0/date", "YYYY-MM-DD"},
		{"untitled evidence", `{"value": true, "evidence": [{"url": "https://x.org"}]}`, "/answers/law/evidence/0/title", "title"},
		{"value and status", `{"value": true, "status": "unknown"}`, "/answers/law", "not both"},
		{"empty answer", `{}`, "/answers/law", "neither a value nor a status"},
		{"number for a boolean", `{"value": 1, "evidence": [{"title": "x"}]}`, "/answers/law/value", "true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(validAssessmentJSON(), `"law": {"value": true, "evidence": [{"title": "Access to Information Act", "url": "https://example.org/act", "date": "2024-05-01"}]}`, `"law": `+tt.answer, 1)
			a, err := civicspace.ParseAssessment([]byte(doc))
			require.NoError(t, err)
			ps := a.Validate(cat, civicspace.DefaultCountries())
			require.Len(t, ps, 1, "%v", ps)
			require.Equal(t, tt.pointer, ps[0].Pointer)
			require.Contains(t, ps[0].Detail, tt.detail)
		})
	}

	// Explicit not-applicable and unknown answers need no evidence; not
	// applicable needs a reason and is refused for a question about a role
	// assessed.
	doc := strings.Replace(validAssessmentJSON(), `"level": {"value": 2}`, `"level": {"status": "unknown"}`, 1)
	doc = strings.Replace(doc, `"roles": ["domestic", "donor"]`, `"roles": ["donor"]`, 1)
	doc = strings.Replace(doc, `"law": {"value": true, "evidence": [{"title": "Access to Information Act", "url": "https://example.org/act", "date": "2024-05-01"}]}`, `"law": {"status": "not_applicable", "reason": "a domestic question; the donor role is assessed"}`, 1)
	a, err := civicspace.ParseAssessment([]byte(doc))
	require.NoError(t, err)
	require.Empty(t, a.Validate(cat, civicspace.DefaultCountries()))
	require.False(t, a.Answers["law"].Answered())

	for name, tt := range map[string]struct {
		roles, answer string
		want          []string
	}{
		"no reason":          {`["donor"]`, `{"status": "not_applicable"}`, []string{"/answers/law/reason"}},
		"a role assessed":    {`["domestic"]`, `{"status": "not_applicable", "reason": "we say so"}`, []string{"/answers/law/status"}},
		"both":               {`["domestic", "donor"]`, `{"status": "not_applicable", "reason": " "}`, []string{"/answers/law/reason", "/answers/law/status"}},
		"unknown is allowed": {`["domestic"]`, `{"status": "unknown"}`, nil},
	} {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(validAssessmentJSON(), `"roles": ["domestic", "donor"]`, `"roles": `+tt.roles, 1)
			doc = strings.Replace(doc, `"law": {"value": true, "evidence": [{"title": "Access to Information Act", "url": "https://example.org/act", "date": "2024-05-01"}]}`, `"law": `+tt.answer, 1)
			a, err := civicspace.ParseAssessment([]byte(doc))
			require.NoError(t, err)
			var got []string
			for _, p := range a.Validate(cat, civicspace.DefaultCountries()) {
				got = append(got, p.Pointer)
			}
			require.Equal(t, tt.want, got)
		})
	}
}

// TestValidateContradictions: answers that cannot both be true are refused,
// naming both, whatever the roles.
func TestValidateContradictions(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	ev := []civicspace.Evidence{{Title: "Report"}}
	for name, tt := range map[string]struct {
		answers map[string]civicspace.Value
		want    string
	}{
		"no guarantee, adoption score":    {map[string]civicspace.Value{"ati-guarantee": civicspace.OptionValue("no"), "sdg-16-10-2-adoption": civicspace.NumberValue(4)}, "/answers/sdg-16-10-2-adoption"},
		"no killing, a response":          {map[string]civicspace.Value{"hrd-killings": civicspace.NumberValue(0), "hrd-killings-response": civicspace.OptionValue("convicted")}, "/answers/hrd-killings-response"},
		"killings, no killing response":   {map[string]civicspace.Value{"hrd-killings": civicspace.NumberValue(2), "hrd-killings-response": civicspace.OptionValue("no_killing")}, "/answers/hrd-killings-response"},
		"guarantee and adoption agree":    {map[string]civicspace.Value{"ati-guarantee": civicspace.OptionValue("yes"), "sdg-16-10-2-adoption": civicspace.NumberValue(3.4)}, ""},
		"killings and response agree":     {map[string]civicspace.Value{"hrd-killings": civicspace.NumberValue(1), "hrd-killings-response": civicspace.OptionValue("prosecuted")}, ""},
		"unrounded UNESCO score accepted": {map[string]civicspace.Value{"sdg-16-10-2-implementation": civicspace.NumberValue(2.8)}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			a := &civicspace.Assessment{Subject: civicspace.Subject{Country: "XAA"}, Roles: []civicspace.Role{civicspace.RoleDomestic},
				Period: civicspace.MustPeriod("2025"), Kind: civicspace.KindShadow, Author: "Watch", Answers: map[string]civicspace.Answer{}}
			for id, v := range tt.answers {
				a.Answers[id] = civicspace.Answer{Value: v, Evidence: ev}
			}
			ps := a.Validate(cat, civicspace.DefaultCountries())
			if tt.want == "" {
				require.Empty(t, ps)
				return
			}
			require.Len(t, ps, 1, "%v", ps)
			require.Equal(t, tt.want, ps[0].Pointer)
			require.Contains(t, ps[0].Detail, "contradicts")
		})
	}
}

func TestValidateSubjects(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		subject string
		problem string
	}{
		{`{"country": "NOR"}`, ""},
		{`{"country": "XZZ"}`, ""},
		{`{"organisation": "UN Women"}`, ""},
		{`{"country": "nor"}`, "/subject/country"},
		{`{}`, "/subject"},
		{`{"country": "NOR", "organisation": "x"}`, "/subject"},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			doc := strings.Replace(validAssessmentJSON(), `{"country": "XAA"}`, tt.subject, 1)
			a, err := civicspace.ParseAssessment([]byte(doc))
			require.NoError(t, err)
			ps := a.Validate(cat, civicspace.DefaultCountries())
			if tt.problem == "" {
				require.Empty(t, ps)
				return
			}
			require.Len(t, ps, 1)
			require.Equal(t, tt.problem, ps[0].Pointer)
		})
	}
}

func TestParseAssessmentStructuralErrors(t *testing.T) {
	tests := []struct {
		name, doc, pointer, detail string
	}{
		{"unknown field", `{"subject": {"country": "XAA"}, "colour": "red"}`, "", `unknown field "colour"`},
		{"roles not array", `{"roles": "domestic"}`, "/roles", "must be an array"},
		{"kind not string", `{"kind": 7}`, "/kind", "kind must be a string, not number"},
		{"answers not object", `{"answers": []}`, "/answers", "must be an object"},
		{"syntax", `{"subject": `, "", "ends unexpectedly"},
		{"trailing", `{} {}`, "", "trailing data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := civicspace.ParseAssessment([]byte(tt.doc))
			require.Error(t, err)
			require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
			ps := civicspace.ErrorProblems(err)
			require.Len(t, ps, 1)
			require.Equal(t, tt.pointer, ps[0].Pointer)
			require.Contains(t, ps[0].Detail, tt.detail)
		})
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in   string
		year int
		err  string
	}{
		{"2025", 2025, ""},
		{"2024-07-01/2025-06-30", 2025, ""},
		{"2025-01-01/2025-01-01", 2025, ""},
		{"2025-12-31/2025-01-01", 0, "reversed"},
		{"25", 0, "neither a year"},
		{"2025-13-01/2025-12-31", 0, "not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := civicspace.ParsePeriod(tt.in)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.year, p.Year())
			require.Equal(t, tt.in, p.String())
		})
	}
}

func TestPeriodKey(t *testing.T) {
	tests := []struct{ in, key string }{
		{"2025", "2025"},
		{"2025-01-01/2025-12-31", "2025"},
		{"2024-01-01/2024-12-31", "2024"}, // a leap year
		{"2024-01-01/2025-12-31", "2024-01-01/2025-12-31"},
		{"2025-01-01/2025-12-30", "2025-01-01/2025-12-30"},
		{"2025-01-02/2025-12-31", "2025-01-02/2025-12-31"},
		{"2024-07-01/2025-06-30", "2024-07-01/2025-06-30"},
		{"not a period", "not a period"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			require.Equal(t, tt.key, civicspace.PeriodKey(tt.in))
			if p, err := civicspace.ParsePeriod(tt.in); err == nil {
				require.Equal(t, tt.key, p.Key())
				require.Equal(t, tt.in, p.String(), "the period keeps its text")
			}
		})
	}
}

func TestAssessmentJSONRoundTripIsStable(t *testing.T) {
	a, err := civicspace.ParseAssessment([]byte(validAssessmentJSON()))
	require.NoError(t, err)
	first, err := json.Marshal(a)
	require.NoError(t, err)
	b, err := civicspace.ParseAssessment(first)
	require.NoError(t, err)
	second, err := json.Marshal(b)
	require.NoError(t, err)
	require.JSONEq(t, validAssessmentJSON(), string(first))
	require.Equal(t, string(first), string(second))
	require.Contains(t, string(first), `"share":{"value":12.5}`)
}

func TestChangedPointers(t *testing.T) {
	a, _ := civicspace.ParseAssessment([]byte(validAssessmentJSON()))
	b, _ := civicspace.ParseAssessment([]byte(validAssessmentJSON()))
	require.Empty(t, civicspace.ChangedPointers(a, b))
	b.Answers["level"] = civicspace.Answer{Value: civicspace.NumberValue(1)}
	delete(b.Answers, "cases")
	b.Answers["a/b"] = civicspace.Answer{Status: civicspace.AnswerUnknown}
	b.Author = "Someone else"
	require.Equal(t, []string{"/author", "/answers/a~1b", "/answers/cases", "/answers/level"}, civicspace.ChangedPointers(a, b))
}

func TestTransitionFor(t *testing.T) {
	tests := []struct {
		from   civicspace.AssessmentStatus
		action civicspace.Action
		to     civicspace.AssessmentStatus
		code   string
	}{
		{civicspace.Draft, civicspace.ActionSubmit, civicspace.Submitted, ""},
		{civicspace.Submitted, civicspace.ActionPublish, civicspace.Published, ""},
		{civicspace.Submitted, civicspace.ActionReturn, civicspace.Draft, ""},
		{civicspace.Published, civicspace.ActionWithdraw, civicspace.Withdrawn, ""},
		{civicspace.Published, civicspace.ActionCorrect, civicspace.Draft, ""},
		{civicspace.Withdrawn, civicspace.ActionReopen, civicspace.Draft, ""},
		{civicspace.Draft, civicspace.ActionPublish, "", civicspace.ESTATE},
		{civicspace.Published, civicspace.ActionSubmit, "", civicspace.ESTATE},
		{civicspace.Withdrawn, civicspace.ActionPublish, "", civicspace.ESTATE},
		{civicspace.Draft, "explode", "", civicspace.EINVALID},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"/"+string(tt.action), func(t *testing.T) {
			tr, err := civicspace.TransitionFor(tt.from, tt.action)
			if tt.code != "" {
				require.Equal(t, tt.code, civicspace.ErrorCode(err))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.to, tr.To)
		})
	}
}

func TestValidateScaleNeedsWholeLevel(t *testing.T) {
	doc := strings.Replace(validAssessmentJSON(), `"level": {"value": 2}`, `"level": {"value": 1.5}`, 1)
	a, err := civicspace.ParseAssessment([]byte(doc))
	require.NoError(t, err)
	ps := a.Validate(testCatalog(t), civicspace.DefaultCountries())
	require.Equal(t, []civicspace.Problem{{Pointer: "/answers/level/value", Detail: `indicator "level" takes an integer level 0-2, not the number 1.5`}}, ps)
}
