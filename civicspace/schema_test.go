package civicspace_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

// The published JSON Schema of the assessment exchange form.
const assessmentSchemaFile = "../docs/assessment.schema.json"

func compileAssessmentSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(assessmentSchemaFile)
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource("assessment.schema.json", doc))
	s, err := c.Compile("assessment.schema.json")
	require.NoError(t, err)
	return s
}

func schemaValidate(t *testing.T, s *jsonschema.Schema, doc []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	require.NoError(t, err)
	return s.Validate(inst)
}

// TestAssessmentSchemaMatchesTheTypes keeps docs/assessment.schema.json in
// step with civicspace.Assessment: the same properties at every level, and
// the same vocabularies (roles, kinds, answer statuses).
func TestAssessmentSchemaMatchesTheTypes(t *testing.T) {
	b, err := os.ReadFile(assessmentSchemaFile)
	require.NoError(t, err)
	var schema map[string]any
	require.NoError(t, json.Unmarshal(b, &schema))
	defs := schema["$defs"].(map[string]any)
	props := func(node any) map[string]any { return node.(map[string]any)["properties"].(map[string]any) }

	cases := []struct {
		name string
		typ  reflect.Type
		node any
	}{
		{"assessment", reflect.TypeFor[civicspace.Assessment](), schema},
		{"subject", reflect.TypeFor[civicspace.Subject](), props(schema)["subject"]},
		{"answer", reflect.TypeFor[civicspace.Answer](), defs["answer"]},
		{"evidence", reflect.TypeFor[civicspace.Evidence](), defs["evidence"]},
	}
	for _, c := range cases {
		require.Equal(t, jsonFieldNames(c.typ), sortedKeys(props(c.node)), "the schema's %s properties differ from civicspace.%s's JSON fields", c.name, c.typ.Name())
		require.Equal(t, false, c.node.(map[string]any)["additionalProperties"], "%s: unknown fields are errors when decoding", c.name)
	}

	enum := func(node any) []string {
		var out []string
		for _, v := range node.(map[string]any)["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	var roles, kinds []string
	for _, r := range civicspace.Roles {
		roles = append(roles, string(r))
	}
	for _, k := range civicspace.Kinds {
		kinds = append(kinds, string(k))
	}
	require.Equal(t, roles, enum(defs["role"]))
	require.Equal(t, kinds, enum(props(schema)["kind"]))
	require.Equal(t, []string{string(civicspace.AnswerNotApplicable), string(civicspace.AnswerUnknown)}, enum(props(defs["answer"])["status"]))
}

// jsonFieldNames lists the JSON names of a struct's fields, sorted.
func jsonFieldNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestAssessmentSchemaAcceptsWhatDecodes: the example assessments and an
// encoded assessment with every kind of answer satisfy the schema.
func TestAssessmentSchemaAcceptsWhatDecodes(t *testing.T) {
	s := compileAssessmentSchema(t)
	files, err := filepath.Glob("../examples/assessments/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		require.NoError(t, schemaValidate(t, s, b), file)
	}

	a := &civicspace.Assessment{
		Subject: civicspace.Subject{Organisation: "Open Watch"},
		Roles:   []civicspace.Role{civicspace.RoleDonor, civicspace.RoleHost},
		Period:  civicspace.MustPeriod("2024-07-01/2025-06-30"),
		Kind:    civicspace.KindShadow,
		Author:  "Open Watch",
		Title:   "Mid-term review",
		Answers: map[string]civicspace.Answer{
			"a.bool":   {Value: civicspace.BoolValue(true), Evidence: []civicspace.Evidence{{Title: "Act", URL: "https://example.org/act", Date: "2024-02-29", Excerpt: "…"}}},
			"a.number": {Value: civicspace.NumberValue(12.5), Comment: "estimated"},
			"a-choice": {Value: civicspace.OptionValue("partial")},
			"a.na":     {Status: civicspace.AnswerNotApplicable},
			"a.unk":    {Status: civicspace.AnswerUnknown, Comment: "no data"},
		},
	}
	b, err := json.Marshal(a)
	require.NoError(t, err)
	require.NoError(t, schemaValidate(t, s, b), string(b))
}

// TestAssessmentSchemaRejectsWhatDecodeRejects: documents the decoder or
// Validate refuse for their shape are refused by the schema too.
func TestAssessmentSchemaRejectsWhatDecodeRejects(t *testing.T) {
	s := compileAssessmentSchema(t)
	base := `{"subject": {"country": "XAA"}, "roles": ["domestic"], "period": "2025", "kind": "self", "author": "Ministry", "answers": {}}`
	require.NoError(t, schemaValidate(t, s, []byte(base)))
	edit := func(fn func(m map[string]any)) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(base), &m))
		fn(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return b
	}
	answer := func(v any) func(m map[string]any) {
		return func(m map[string]any) { m["answers"] = map[string]any{"x.y": v} }
	}
	tests := map[string][]byte{
		"unknown field":             edit(func(m map[string]any) { m["score"] = 3 }),
		"no subject":                edit(func(m map[string]any) { delete(m, "subject") }),
		"country and organisation":  edit(func(m map[string]any) { m["subject"] = map[string]any{"country": "XAA", "organisation": "Watch"} }),
		"lower-case country":        edit(func(m map[string]any) { m["subject"] = map[string]any{"country": "xaa"} }),
		"no roles":                  edit(func(m map[string]any) { m["roles"] = []any{} }),
		"unknown role":              edit(func(m map[string]any) { m["roles"] = []any{"pirate"} }),
		"a role twice":              edit(func(m map[string]any) { m["roles"] = []any{"donor", "donor"} }),
		"a period that is no year":  edit(func(m map[string]any) { m["period"] = "25" }),
		"unknown kind":              edit(func(m map[string]any) { m["kind"] = "audit" }),
		"blank author":              edit(func(m map[string]any) { m["author"] = "  " }),
		"a value and a status":      edit(answer(map[string]any{"value": true, "status": "unknown"})),
		"neither value nor status":  edit(answer(map[string]any{"comment": "?"})),
		"a null value":              edit(answer(map[string]any{"value": nil})),
		"an array value":            edit(answer(map[string]any{"value": []any{1}})),
		"unknown status":            edit(answer(map[string]any{"status": "maybe"})),
		"evidence without title":    edit(answer(map[string]any{"value": 1, "evidence": []any{map[string]any{"url": "https://example.org"}}})),
		"evidence with a bad date":  edit(answer(map[string]any{"value": 1, "evidence": []any{map[string]any{"title": "t", "date": "2025-13-01"}}})),
		"evidence with an ftp link": edit(answer(map[string]any{"value": 1, "evidence": []any{map[string]any{"title": "t", "url": "ftp://example.org/x"}}})),
		"an ill-formed indicator id": edit(func(m map[string]any) {
			m["answers"] = map[string]any{"Bad ID": map[string]any{"value": 1}}
		}),
	}
	names := make([]string, 0, len(tests))
	for name := range tests {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			require.Error(t, schemaValidate(t, s, tests[name]), string(tests[name]))
		})
	}
}
