package web

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
)

var staticKey = regexp.MustCompile(`\.T "([^"]+)"`)

// TestMessages checks the message files against the templates: every key
// a template uses (directly, or built from a value the domain can give) is
// in English, and every other language has every English key.
func TestMessages(t *testing.T) {
	ls, err := loadLocales()
	if err != nil {
		t.Fatal(err)
	}
	en := ls.list[0].msgs
	var keys []string
	files, _ := fs.Glob(templateFiles, "templates/*.html")
	for _, f := range files {
		data, _ := fs.ReadFile(templateFiles, f)
		for _, m := range staticKey.FindAllStringSubmatch(string(data), -1) {
			keys = append(keys, m[1])
		}
	}
	for _, k := range civicspace.Kinds {
		keys = append(keys, "kind."+string(k))
	}
	for _, s := range civicspace.AssessmentStatuses {
		keys = append(keys, "status."+string(s))
	}
	for _, r := range civicspace.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, b := range append(civicspace.Bands, "not_rated") {
		keys = append(keys, "band."+b)
	}
	for _, r := range civicspace.KeyRoles {
		keys = append(keys, "keyrole."+string(r))
	}
	for _, ind := range civicspace.DefaultCatalog().Indicators() {
		keys = append(keys, "topic."+ind.Topic)
	}
	for _, k := range []string{"flag.low_coverage", "flag.missing", "q.status.not_applicable", "q.status.unknown", "q.type.count", "q.type.percentage",
		"done.saved", "done.submitted", "done.published", "done.returned", "done.created"} {
		keys = append(keys, k)
	}
	for _, e := range []string{"internal", "csrf", "notfound", "unauthorized", "forbidden", "invalid", "conflict"} {
		keys = append(keys, "error."+e, "error."+e+".help")
	}
	for _, k := range keys {
		if _, ok := en[k]; !ok {
			t.Errorf("en.yaml lacks %q, which a template uses", k)
		}
	}
	for _, l := range ls.list[1:] {
		if l.Name == "" || (l.Dir != "ltr" && l.Dir != "rtl") {
			t.Errorf("%s: name %q dir %q", l.Tag, l.Name, l.Dir)
		}
		for k := range en {
			if _, ok := l.msgs[k]; !ok {
				t.Errorf("%s.yaml lacks %q", l.Tag, k)
			}
		}
		for k := range l.msgs {
			if _, ok := en[k]; !ok {
				t.Errorf("%s.yaml has %q, which English has not", l.Tag, k)
			}
		}
	}
}
