package opa_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestMethodologyWorkedExample scores the worked example of
// docs/methodology.md and checks every field its result block quotes.
func TestMethodologyWorkedExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/methodology.md")
	require.NoError(t, err)
	block := func(name string) []byte {
		re := regexp.MustCompile("(?s)<!-- worked-example: " + name + " -->\\s*```[a-z]*\\n(.*?)```")
		m := re.FindSubmatch(doc)
		require.NotNil(t, m, "docs/methodology.md has no worked-example %s block", name)
		return m[1]
	}
	cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "methodology.md", Data: block("catalog")})
	require.NoError(t, err)
	a, err := civicspace.ParseAssessment(block("assessment"))
	require.NoError(t, err)
	r := score(t, newScorer(t, cat), a)

	var got, want any
	require.NoError(t, json.Unmarshal(encodeResult(t, r), &got))
	dec := json.NewDecoder(bytes.NewReader(block("result")))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&want))
	var mismatches []string
	subset(want, got, "", &mismatches)
	require.Empty(t, mismatches, "docs/methodology.md quotes numbers the scorer does not produce")
}

// subset records where want (a partial document) differs from got:
// objects match key by key, arrays element by element with equal length.
func subset(want, got any, path string, out *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: want an object, got %v", path, got))
			return
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok {
				*out = append(*out, fmt.Sprintf("%s/%s: missing", path, k))
				continue
			}
			subset(v, gv, path+"/"+k, out)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*out = append(*out, fmt.Sprintf("%s: want %d elements, got %v", path, len(w), got))
			return
		}
		for i := range w {
			subset(w[i], g[i], fmt.Sprintf("%s/%d", path, i), out)
		}
	case json.Number:
		wf, _ := w.Float64()
		if gf, ok := got.(float64); !ok || gf != wf {
			*out = append(*out, fmt.Sprintf("%s: want %v, got %v", path, w, got))
		}
	default:
		if want != got {
			*out = append(*out, fmt.Sprintf("%s: want %v, got %v", path, want, got))
		}
	}
}
