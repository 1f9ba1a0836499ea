package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCatalogLanguage: the catalog operations answer in the language of
// Accept-Language where civicspace has a translation, English field by
// field otherwise, and say which in Content-Language.
func TestCatalogLanguage(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	tests := []struct {
		path, accept, lang, want string
	}{
		{"/v1/indicators/ati-guarantee", "", "en", "Does the state have a constitutional"},
		{"/v1/indicators/ati-guarantee", "fr-FR, fr;q=0.9, en;q=0.5", "fr", "L'État dispose-t-il"},
		{"/v1/indicators/ati-guarantee", "es-AR", "es", "¿Tiene el Estado"},
		{"/v1/indicators/ati-guarantee", "de, ja", "en", "Does the state have"},
		{"/v1/indicators/ati-guarantee", "not a language;;", "en", "Does the state have"},
		// The per-field English fallback is tested on a partial translation
		// in civicspace's TestLocalized: the built-in French is complete.
		{"/v1/indicators/sdg-16-10-1-cases", "fr", "fr", "Combien de cas avérés"},
		{"/v1/frameworks/cndsi", "fr", "fr", "Créer un environnement favorable"},
		{"/v1/frameworks", "fr", "fr", "Rapport du CNDSI (France)"},
		{"/v1/indicators?framework=sdg", "fr", "fr", "L'État dispose-t-il"},
		{"/v1/recommendations/cndsi.r1", "fr", "fr", "Co-construire avec la société civile"},
		{"/v1/catalog/export", "es", "es", "Crear un entorno propicio"},
	}
	for _, tt := range tests {
		var hs []header
		if tt.accept != "" {
			hs = append(hs, header{"Accept-Language", tt.accept})
		}
		r := e.do(http.MethodGet, tt.path, nil, hs...)
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", tt.path, r.body)
		require.Equal(t, tt.lang, r.Header.Get("Content-Language"), "%s %q", tt.path, tt.accept)
		require.Contains(t, r.Header.Get("Vary"), "Accept-Language")
		require.True(t, strings.Contains(string(r.body), tt.want), "%s %q: body lacks %q", tt.path, tt.accept, tt.want)
	}
}
