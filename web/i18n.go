package web

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

//go:embed i18n/*.yaml
var messageFiles embed.FS

// locale is a language the app speaks: its tag, its writing direction
// ("ltr" or "rtl", from the message file, so a right-to-left language
// needs no template change) and its messages.
type locale struct {
	Tag  string
	Name string // the language's own name, for the switch
	Dir  string
	msgs map[string]string
}

// messageFile is the shape of web/i18n/<tag>.yaml.
type messageFile struct {
	Language string            `yaml:"language"`
	Name     string            `yaml:"name"`
	Dir      string            `yaml:"dir"`
	Messages map[string]string `yaml:"messages"`
}

// locales is the set of languages, English (the reference) first.
type locales struct {
	list    []*locale
	matcher language.Matcher
}

// loadLocales reads the embedded message files, English first.
func loadLocales(extra ...*locale) (*locales, error) {
	entries, err := fs.ReadDir(messageFiles, "i18n")
	if err != nil {
		return nil, err
	}
	var list []*locale
	for _, e := range entries {
		data, err := fs.ReadFile(messageFiles, path.Join("i18n", e.Name()))
		if err != nil {
			return nil, err
		}
		var mf messageFile
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&mf); err != nil {
			return nil, fmt.Errorf("web: i18n/%s: %w", e.Name(), err)
		}
		if mf.Dir == "" {
			mf.Dir = "ltr"
		}
		list = append(list, &locale{Tag: mf.Language, Name: mf.Name, Dir: mf.Dir, msgs: mf.Messages})
	}
	list = append(list, extra...)
	slices.SortStableFunc(list, func(a, b *locale) int {
		switch {
		case a.Tag == "en":
			return -1
		case b.Tag == "en":
			return 1
		}
		return 0
	})
	if len(list) == 0 || list[0].Tag != "en" {
		return nil, fmt.Errorf("web: no English messages (i18n/en.yaml)")
	}
	tags := make([]language.Tag, len(list))
	for i, l := range list {
		t, err := language.Parse(l.Tag)
		if err != nil {
			return nil, fmt.Errorf("web: locale %q: %w", l.Tag, err)
		}
		tags[i] = t
	}
	return &locales{list: list, matcher: language.NewMatcher(tags)}, nil
}

// langCookie holds the language chosen with the switch.
const langCookie = "cs_lang"

// pick returns the locale of r: the one chosen with the switch (a cookie),
// else the best match of Accept-Language, else English.
func (ls *locales) pick(r *http.Request) *locale {
	if c, err := r.Cookie(langCookie); err == nil {
		if l := ls.byTag(c.Value); l != nil {
			return l
		}
	}
	return ls.match(r.Header.Get("Accept-Language"))
}

// match returns the best locale for an Accept-Language header.
func (ls *locales) match(accept string) *locale {
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return ls.list[0]
	}
	_, i, conf := ls.matcher.Match(tags...)
	if conf == language.No {
		return ls.list[0]
	}
	return ls.list[i]
}

func (ls *locales) byTag(tag string) *locale {
	for _, l := range ls.list {
		if l.Tag == tag {
			return l
		}
	}
	return nil
}

// T returns the message key in l, formatted with args (fmt verbs), falling
// back to English, then to the key itself (which the tests rule out).
func (ls *locales) T(l *locale, key string, args ...any) string {
	msg, ok := l.msgs[key]
	if !ok {
		msg, ok = ls.list[0].msgs[key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}
