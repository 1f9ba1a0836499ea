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

// TestMethodologyWorkedExample scores every worked example of
// docs/methodology.md and checks every field its result block quotes. An
// example NAME has an assessment block and either a result block (the
// fields the scorer must produce) or a problems block (the pointers
// validation must refuse it with); it uses its own catalog block when it
// has one, else the main example's.
func TestMethodologyWorkedExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/methodology.md")
	require.NoError(t, err)
	blocks := map[string][]byte{}
	re := regexp.MustCompile("(?s)<!-- worked-example: ([a-z-]+) (catalog|assessment|result|problems) -->\\s*```[a-z]*\\n(.*?)```")
	var names []string
	for _, m := range re.FindAllSubmatch(doc, -1) {
		key := string(m[1]) + " " + string(m[2])
		require.NotContains(t, blocks, key, "docs/methodology.md has two %s blocks", key)
		blocks[key] = m[3]
		if string(m[2]) == "assessment" {
			names = append(names, string(m[1]))
		}
	}
	require.GreaterOrEqual(t, len(names), 5, "a worked example per rule")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			catBlock, ok := blocks[name+" catalog"]
			if !ok {
				catBlock = blocks["main catalog"]
			}
			cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "methodology.md", Data: catBlock})
			require.NoError(t, err)
			a, err := civicspace.ParseAssessment(blocks[name+" assessment"])
			require.NoError(t, err)
			s := newScorer(t, cat)
			if want, ok := blocks[name+" problems"]; ok {
				var pointers []string
				require.NoError(t, json.Unmarshal(want, &pointers))
				_, err := s.Score(t.Context(), a)
				var got []string
				for _, p := range civicspace.ErrorProblems(err) {
					got = append(got, p.Pointer)
				}
				require.Equal(t, pointers, got, "docs/methodology.md quotes problems validation does not give")
				return
			}
			r := score(t, s, a)
			var got, want any
			require.NoError(t, json.Unmarshal(encodeResult(t, r), &got))
			resBlock, ok := blocks[name+" result"]
			require.True(t, ok, "worked example %s has no result block", name)
			dec := json.NewDecoder(bytes.NewReader(resBlock))
			dec.UseNumber()
			require.NoError(t, dec.Decode(&want))
			var mismatches []string
			subset(want, got, "", &mismatches)
			require.Empty(t, mismatches, "docs/methodology.md quotes numbers the scorer does not produce")
		})
	}
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
