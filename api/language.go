package api

import (
	"sync"

	"github.com/civicspace/civicspace/civicspace"
	"golang.org/x/text/language"
)

// varyLanguage is the Vary header of an answer whose language follows
// Accept-Language.
const varyLanguage = "Accept-Language"

// catalogMatcher matches Accept-Language against English (the reference,
// first: the fallback) and the catalog's translations.
var catalogMatcher = sync.OnceValues(func() (language.Matcher, []string) {
	langs := append([]string{"en"}, civicspace.CatalogLanguages()...)
	tags := make([]language.Tag, len(langs))
	for i, l := range langs {
		tags[i] = language.Make(l)
	}
	return language.NewMatcher(tags), langs
})

// localCatalog returns the catalog in the language accept prefers, and
// that language's tag for Content-Language.
func (s *Server) localCatalog(accept AcceptLanguage) (*civicspace.Catalog, string) {
	tags, _, err := language.ParseAcceptLanguage(string(accept))
	if err != nil || len(tags) == 0 {
		return s.svc.Catalog, "en"
	}
	m, langs := catalogMatcher()
	_, i, conf := m.Match(tags...)
	if conf == language.No || langs[i] == "en" {
		return s.svc.Catalog, "en"
	}
	return s.svc.Catalog.Localized(langs[i]), langs[i]
}
