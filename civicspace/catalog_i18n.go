package civicspace

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// CatalogTranslation is the text of the catalog in one language other
// than English: civicspace's own translations, keyed by item ID, holding
// the same translatable fields (with the same names) as the English
// catalog files. English stays the reference: a field a translation lacks
// is shown in English.
type CatalogTranslation struct {
	// Language is a BCP 47 tag: "fr", "es".
	Language        string                                `yaml:"language"`
	Frameworks      map[string]*FrameworkTranslation      `yaml:"frameworks"`
	Groups          map[string]*GroupTranslation          `yaml:"groups"`
	Recommendations map[string]*RecommendationTranslation `yaml:"recommendations"`
	Indicators      map[string]*IndicatorTranslation      `yaml:"indicators"`
}

// FrameworkTranslation holds a framework's translatable fields.
type FrameworkTranslation struct {
	Title       string `yaml:"title"`
	ShortTitle  string `yaml:"short_title"`
	Description string `yaml:"description"`
}

// GroupTranslation holds a group's translatable fields.
type GroupTranslation struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
}

// RecommendationTranslation holds a recommendation's translatable fields.
type RecommendationTranslation struct {
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
}

// IndicatorTranslation holds an indicator's translatable fields. Scale
// levels are keyed by their value, options by their ID.
type IndicatorTranslation struct {
	Question string                        `yaml:"question"`
	Guidance string                        `yaml:"guidance"`
	Scale    map[int]*LevelTranslation     `yaml:"scale"`
	Options  map[string]*OptionTranslation `yaml:"options"`
	RedFlag  *RedFlagTranslation           `yaml:"red_flag"`
}

// LevelTranslation holds a scale level's translatable fields.
type LevelTranslation struct {
	Label       string `yaml:"label"`
	Description string `yaml:"description"`
}

// OptionTranslation holds an option's translatable field.
type OptionTranslation struct {
	Label string `yaml:"label"`
}

// RedFlagTranslation holds a red flag's translatable fields.
type RedFlagTranslation struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
}

//go:embed data/i18n/*.yaml
var builtinTranslations embed.FS

// CatalogLanguages lists the languages the built-in catalog is translated
// into, besides English (the reference).
func CatalogLanguages() []string {
	entries, err := fs.ReadDir(builtinTranslations, "data/i18n")
	if err != nil {
		panic(err)
	}
	var langs []string
	for _, e := range entries {
		name := e.Name()
		if lang, ok := strings.CutPrefix(strings.TrimSuffix(name, ".yaml"), "catalog."); ok {
			langs = append(langs, lang)
		}
	}
	return langs
}

// BuiltinCatalogTranslation returns the embedded translation of the
// built-in catalog into lang, ENOTFOUND if there is none.
func BuiltinCatalogTranslation(lang string) (*CatalogTranslation, error) {
	name := path.Join("data/i18n", "catalog."+lang+".yaml")
	data, err := fs.ReadFile(builtinTranslations, name)
	if err != nil {
		return nil, Errorf(ENOTFOUND, "no catalog translation into %q", lang)
	}
	return ParseCatalogTranslation(CatalogFile{Name: path.Base(name), Data: data})
}

// ParseCatalogTranslation decodes a translation file. Unknown fields are
// refused (a misspelt key would silently leave English text).
func ParseCatalogTranslation(f CatalogFile) (*CatalogTranslation, error) {
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	dec.KnownFields(true)
	var t CatalogTranslation
	if err := dec.Decode(&t); err != nil && !errors.Is(err, io.EOF) {
		return nil, WrapError(EINVALID, err, "catalog translation %s is not valid", f.Name)
	}
	if t.Language == "" {
		return nil, Errorf(EINVALID, "catalog translation %s names no language", f.Name)
	}
	return &t, nil
}

// localized caches the built-in catalog's localised copies by language.
var localized sync.Map // map[string]*Catalog

// Localized returns a copy of the built-in catalog (c must be it, or an
// extension of it) with its text in lang where civicspace has a
// translation, English otherwise, field by field. IDs, numbers, scoring,
// version and digest are c's: a localised catalog is the same methodology.
// An unknown language, or English, returns c itself.
func (c *Catalog) Localized(lang string) *Catalog {
	key := lang + "\x00" + c.digest
	if v, ok := localized.Load(key); ok {
		return v.(*Catalog)
	}
	t, err := BuiltinCatalogTranslation(lang)
	if err != nil {
		return c
	}
	lc, err := c.Translate(t)
	if err != nil {
		return c
	}
	localized.Store(key, lc)
	return lc
}

// Translate returns a copy of c with t's text in place of the English text
// wherever t has it (per field).
func (c *Catalog) Translate(t *CatalogTranslation) (*Catalog, error) {
	fws := make([]*Framework, len(c.frameworks))
	for i, f := range c.frameworks {
		cp, err := cloneFramework(f)
		if err != nil {
			return nil, err
		}
		fws[i] = cp
	}
	inds := make([]*Indicator, len(c.indicators))
	for i, ind := range c.indicators {
		cp := *ind
		cp.Recommendations = slices.Clone(ind.Recommendations)
		if ind.Scale != nil {
			s := *ind.Scale
			s.Levels = slices.Clone(ind.Scale.Levels)
			cp.Scale = &s
		}
		cp.Options = slices.Clone(ind.Options)
		if ind.RedFlag != nil {
			rf := *ind.RedFlag
			cp.RedFlag = &rf
		}
		inds[i] = &cp
	}
	for _, f := range fws {
		t.applyFramework(f)
	}
	for _, ind := range inds {
		t.applyIndicator(ind)
	}
	lc := &Catalog{version: c.version, title: c.title, frameworks: fws, indicators: inds, warnings: c.warnings}
	if ps := lc.index(origins{}); len(ps) > 0 {
		return nil, &Error{Code: EINVALID, Message: catalogErrorMessage(ps), Problems: ps}
	}
	lc.digest = c.digest
	return lc, nil
}

// set replaces *dst with s when s is not blank.
func set(dst *string, s string) {
	if strings.TrimSpace(s) != "" {
		*dst = s
	}
}

func (t *CatalogTranslation) applyFramework(f *Framework) {
	if ft := t.Frameworks[f.ID]; ft != nil {
		set(&f.Title, ft.Title)
		set(&f.ShortTitle, ft.ShortTitle)
		set(&f.Description, ft.Description)
	}
	walkGroups(f.Groups, func(g *Group) {
		if gt := t.Groups[g.ID]; gt != nil {
			set(&g.Title, gt.Title)
			set(&g.Description, gt.Description)
		}
		for _, r := range g.Recommendations {
			if rt := t.Recommendations[r.ID]; rt != nil {
				set(&r.Title, rt.Title)
				set(&r.Text, rt.Text)
			}
		}
	})
}

func (t *CatalogTranslation) applyIndicator(ind *Indicator) {
	it := t.Indicators[ind.ID]
	if it == nil {
		return
	}
	set(&ind.Question, it.Question)
	set(&ind.Guidance, it.Guidance)
	if ind.Scale != nil {
		for i := range ind.Scale.Levels {
			if lt := it.Scale[ind.Scale.Levels[i].Value]; lt != nil {
				set(&ind.Scale.Levels[i].Label, lt.Label)
				set(&ind.Scale.Levels[i].Description, lt.Description)
			}
		}
	}
	for i := range ind.Options {
		if ot := it.Options[ind.Options[i].ID]; ot != nil {
			set(&ind.Options[i].Label, ot.Label)
		}
	}
	if ind.RedFlag != nil && it.RedFlag != nil {
		set(&ind.RedFlag.Title, it.RedFlag.Title)
		set(&ind.RedFlag.Description, it.RedFlag.Description)
	}
}

// Untranslated lists the translatable fields of c that t leaves in English,
// as "kind id field" ("indicator ati-guarantee scale.2.description"), and
// the entries of t that name no item of c (as "unknown kind id"), so that
// a translator knows what is left and what is stale.
func (c *Catalog) Untranslated(t *CatalogTranslation) []string {
	var out []string
	miss := func(kind, id, field, english, tr string) {
		if strings.TrimSpace(english) != "" && strings.TrimSpace(tr) == "" {
			out = append(out, kind+" "+id+" "+field)
		}
	}
	for _, f := range c.frameworks {
		ft := t.Frameworks[f.ID]
		if ft == nil {
			ft = &FrameworkTranslation{}
		}
		miss("framework", f.ID, "title", f.Title, ft.Title)
		miss("framework", f.ID, "short_title", f.ShortTitle, ft.ShortTitle)
		miss("framework", f.ID, "description", f.Description, ft.Description)
		walkGroups(f.Groups, func(g *Group) {
			gt := t.Groups[g.ID]
			if gt == nil {
				gt = &GroupTranslation{}
			}
			miss("group", g.ID, "title", g.Title, gt.Title)
			miss("group", g.ID, "description", g.Description, gt.Description)
			for _, r := range g.Recommendations {
				rt := t.Recommendations[r.ID]
				if rt == nil {
					rt = &RecommendationTranslation{}
				}
				miss("recommendation", r.ID, "title", r.Title, rt.Title)
				miss("recommendation", r.ID, "text", r.Text, rt.Text)
			}
		})
	}
	for _, ind := range c.indicators {
		untranslatedIndicator(ind, t.Indicators[ind.ID], miss)
	}
	out = append(out, c.staleTranslations(t)...)
	return out
}

func untranslatedIndicator(ind *Indicator, it *IndicatorTranslation, miss func(kind, id, field, english, tr string)) {
	if it == nil {
		it = &IndicatorTranslation{}
	}
	miss("indicator", ind.ID, "question", ind.Question, it.Question)
	miss("indicator", ind.ID, "guidance", ind.Guidance, it.Guidance)
	if ind.Scale != nil {
		for _, l := range ind.Scale.Levels {
			lt := it.Scale[l.Value]
			if lt == nil {
				lt = &LevelTranslation{}
			}
			v := strconv.Itoa(l.Value)
			miss("indicator", ind.ID, "scale."+v+".label", l.Label, lt.Label)
			miss("indicator", ind.ID, "scale."+v+".description", l.Description, lt.Description)
		}
	}
	for _, o := range ind.Options {
		ot := it.Options[o.ID]
		if ot == nil {
			ot = &OptionTranslation{}
		}
		miss("indicator", ind.ID, "options."+o.ID+".label", o.Label, ot.Label)
	}
	if ind.RedFlag != nil {
		rt := it.RedFlag
		if rt == nil {
			rt = &RedFlagTranslation{}
		}
		miss("indicator", ind.ID, "red_flag.title", ind.RedFlag.Title, rt.Title)
		miss("indicator", ind.ID, "red_flag.description", ind.RedFlag.Description, rt.Description)
	}
}

// staleTranslations lists the entries of t that name no item of c.
func (c *Catalog) staleTranslations(t *CatalogTranslation) []string {
	var out []string
	stale := func(kind string, ids []string, known func(string) bool) {
		for _, id := range ids {
			if !known(id) {
				out = append(out, fmt.Sprintf("unknown %s %s", kind, id))
			}
		}
	}
	stale("framework", translationIDs(t.Frameworks), func(id string) bool { return c.frameworkByID[id] != nil })
	stale("group", translationIDs(t.Groups), func(id string) bool { return c.groupByID[id] != nil })
	stale("recommendation", translationIDs(t.Recommendations), func(id string) bool { return c.recByID[id] != nil })
	stale("indicator", translationIDs(t.Indicators), func(id string) bool { return c.indicatorByID[id] != nil })
	return out
}

func translationIDs[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
