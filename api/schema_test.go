package api_test

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// TestSchemasMatchDomainTypes checks that the schemas of openapi.yaml have
// exactly the JSON members of the domain types whose JSON form they
// describe, at every depth: a field added to civicspace.Result (or removed
// from it) without the spec following fails here, not in a client.
func TestSchemasMatchDomainTypes(t *testing.T) {
	spec, err := api.LoadSpec()
	require.NoError(t, err)
	for name, v := range map[string]any{
		"Assessment":  civicspace.Assessment{},
		"Result":      civicspace.Result{},
		"StoredScore": civicspace.StoredScore{},
		"Revision":    civicspace.Revision{},
		"Framework":   civicspace.Framework{},
		"Indicator":   civicspace.Indicator{},
		"Country":     civicspace.Country{},
		"CountryList": struct {
			Regions []civicspace.RegionSummary `json:"regions"`
			Sources []civicspace.DataSource    `json:"sources"`
			// Countries are checked as Country.
			Countries []string `json:"countries"`
		}{},
		"Crosswalk": struct {
			Links []civicspace.CrosswalkLink `json:"links"`
			From  string                     `json:"from"`
			To    string                     `json:"to"`
		}{},
		"ProblemDetail": civicspace.Problem{},
	} {
		t.Run(name, func(t *testing.T) {
			ref := spec.Components.Schemas[name]
			require.NotNil(t, ref, "no schema %s", name)
			matchSchema(t, name, ref.Value, reflect.TypeOf(v), map[visit]bool{})
		})
	}
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// visit is a (schema, type) pair already compared: recursive types
// (groups of groups) are compared once.
type visit struct {
	s   *openapi3.Schema
	typ reflect.Type
}

func matchSchema(t *testing.T, path string, s *openapi3.Schema, typ reflect.Type, seen map[visit]bool) {
	t.Helper()
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if seen[visit{s, typ}] {
		return
	}
	seen[visit{s, typ}] = true
	if typ.Implements(marshalerType) || reflect.PointerTo(typ).Implements(marshalerType) ||
		typ.Implements(textMarshalerType) || typ.Kind() != reflect.Struct && typ.Kind() != reflect.Slice && typ.Kind() != reflect.Map {
		return // a value with its own JSON form, or a scalar
	}
	switch typ.Kind() {
	case reflect.Slice:
		if typ.Elem().Kind() == reflect.Uint8 {
			return
		}
		require.Equal(t, "array", typeOf(s), "%s is an array", path)
		matchSchema(t, path+"[]", s.Items.Value, typ.Elem(), seen)
	case reflect.Map:
		require.NotNil(t, s.AdditionalProperties.Schema, "%s is a map", path)
		matchSchema(t, path+"{}", s.AdditionalProperties.Schema.Value, typ.Elem(), seen)
	case reflect.Struct:
		props := properties(s)
		fields := jsonFields(typ)
		var want, got []string
		for name := range fields {
			want = append(want, name)
		}
		for name := range props {
			got = append(got, name)
		}
		slices.Sort(want)
		slices.Sort(got)
		require.Equal(t, want, got, "%s: the schema's members differ from %s's JSON form", path, typ)
		for name, ft := range fields {
			matchSchema(t, path+"."+name, props[name], ft, seen)
		}
	}
}

func typeOf(s *openapi3.Schema) string {
	if s.Type == nil || len(*s.Type) == 0 {
		return ""
	}
	return (*s.Type)[0]
}

// properties merges a schema's properties with those of its allOf parts.
func properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	for name, p := range s.Properties {
		out[name] = p.Value
	}
	for _, part := range s.AllOf {
		for name, p := range properties(part.Value) {
			out[name] = p
		}
	}
	return out
}

// jsonFields returns the JSON members of a struct type, with embedded
// structs' members promoted as encoding/json does.
func jsonFields(typ reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
