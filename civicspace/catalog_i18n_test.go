package civicspace_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
)

// TestCatalogTranslations checks every built-in translation file: it
// parses, names only items of the catalog, and reports (with -v) which
// fields are still in English, so a translator sees what is left.
func TestCatalogTranslations(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	langs := civicspace.CatalogLanguages()
	if !slices.Contains(langs, "fr") || !slices.Contains(langs, "es") {
		t.Fatalf("CatalogLanguages() = %v, want fr and es", langs)
	}
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			tr, err := civicspace.BuiltinCatalogTranslation(lang)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Language != lang {
				t.Errorf("catalog.%s.yaml says language %q", lang, tr.Language)
			}
			var missing int
			for _, line := range cat.Untranslated(tr) {
				if strings.HasPrefix(line, "unknown ") {
					t.Errorf("catalog.%s.yaml: %s (no such item in the catalog)", lang, line)
					continue
				}
				missing++
				t.Logf("still in English: %s", line)
			}
			t.Logf("catalog.%s.yaml: %d fields still in English", lang, missing)
		})
	}
}

func TestLocalized(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	fr := cat.Localized("fr")
	if fr == cat {
		t.Fatal("Localized(fr) returned the English catalog")
	}
	if fr.Digest() != cat.Digest() || fr.Version() != cat.Version() {
		t.Errorf("localised catalog digest/version %s %s, want %s %s", fr.Digest(), fr.Version(), cat.Digest(), cat.Version())
	}
	tests := []struct {
		name, got, want string
	}{
		{"translated question", question(t, fr, "ati-guarantee"), "L'État dispose-t-il d'une garantie constitutionnelle, législative ou réglementaire de l'accès du public à l'information ?"},
		{"English catalog unchanged", question(t, cat, "ati-guarantee"), "Does the state have a constitutional, statutory or policy guarantee of public access to information?"},
		{"scale level", level(t, fr, "sdg-16-10-2-adoption", 0), "Moins de 1"},
		{"option label", option(t, fr, "ati-guarantee", "no"), "Aucune garantie"},
		{"recommendation text", rec(t, fr, "cndsi.r1"), "Co-construire avec la société civile les engagements de solidarité internationale de la France"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	// Per-field English fallback, checked on a partial translation so that
	// it holds however complete the built-in files become.
	partial, err := civicspace.ParseCatalogTranslation(civicspace.CatalogFile{Name: "partial.yaml", Data: []byte(
		"language: fr\nindicators:\n  ati-guarantee:\n    question: \"Garantie ?\"\n")})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := cat.Translate(partial)
	if err != nil {
		t.Fatal(err)
	}
	if got := question(t, pc, "ati-guarantee"); got != "Garantie ?" {
		t.Errorf("partial translation: question %q, want the translated one", got)
	}
	ati, _ := pc.Indicator("ati-guarantee")
	atiEN, _ := cat.Indicator("ati-guarantee")
	for _, f := range []struct{ name, got, want string }{
		{"untranslated field of a translated indicator", ati.Guidance, atiEN.Guidance},
		{"untranslated indicator", question(t, pc, "sdg-16-10-1-cases"), question(t, cat, "sdg-16-10-1-cases")},
	} {
		if f.got != f.want {
			t.Errorf("English fallback, %s: got %q, want %q", f.name, f.got, f.want)
		}
	}
	if cat.Localized("en") != cat || cat.Localized("zz") != cat {
		t.Error("English or an unknown language should return the catalog itself")
	}
	if cat.Localized("fr") != fr {
		t.Error("Localized should cache its copy")
	}
}

func TestParseCatalogTranslation(t *testing.T) {
	tests := []struct {
		name, data, wantErr string
	}{
		{"misspelt field", "language: fr\nindicators:\n  ati-guarantee:\n    questoin: \"x\"\n", "questoin"},
		{"no language", "indicators: {}\n", "names no language"},
		{"valid", "language: de\n", ""},
	}
	for _, tt := range tests {
		_, err := civicspace.ParseCatalogTranslation(civicspace.CatalogFile{Name: "t.yaml", Data: []byte(tt.data)})
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestUntranslatedNamesStaleAndMissing(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	tr, err := civicspace.ParseCatalogTranslation(civicspace.CatalogFile{Name: "t.yaml", Data: []byte(
		"language: de\nindicators:\n  no-such-indicator:\n    question: \"x\"\n  ati-guarantee:\n    question: \"Gibt es?\"\n")})
	if err != nil {
		t.Fatal(err)
	}
	got := cat.Untranslated(tr)
	for _, want := range []string{"unknown indicator no-such-indicator", "indicator ati-guarantee guidance", "framework cndsi title"} {
		if !slices.Contains(got, want) {
			t.Errorf("Untranslated lacks %q", want)
		}
	}
	if slices.Contains(got, "indicator ati-guarantee question") {
		t.Error("Untranslated lists a translated field")
	}
}

func question(t *testing.T, c *civicspace.Catalog, id string) string {
	ind, ok := c.Indicator(id)
	if !ok {
		t.Fatalf("no indicator %s", id)
	}
	return ind.Question
}

func level(t *testing.T, c *civicspace.Catalog, id string, v int) string {
	ind, _ := c.Indicator(id)
	for _, l := range ind.Scale.Levels {
		if l.Value == v {
			return l.Label
		}
	}
	t.Fatalf("indicator %s has no level %d", id, v)
	return ""
}

func option(t *testing.T, c *civicspace.Catalog, id, opt string) string {
	ind, _ := c.Indicator(id)
	o, ok := ind.Option(opt)
	if !ok {
		t.Fatalf("indicator %s has no option %s", id, opt)
	}
	return o.Label
}

func rec(t *testing.T, c *civicspace.Catalog, id string) string {
	r, ok := c.Recommendation(id)
	if !ok {
		t.Fatalf("no recommendation %s", id)
	}
	return r.Title
}

func ExampleCatalog_Localized() {
	fr := civicspace.DefaultCatalog().Localized("fr")
	ind, _ := fr.Indicator("ati-guarantee")
	o, _ := ind.Option("yes")
	fmt.Println(o.Label)
	// Output: Oui : une garantie est en vigueur
}
