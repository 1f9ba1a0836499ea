package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

var funcs = template.FuncMap{
	// dict passes several values to a sub-template: dict "Q" q "P" page.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	// score shows a score to one decimal, or a dash for none.
	"score": func(p *float64) string {
		if p == nil {
			return "–"
		}
		return strconv.FormatFloat(civicspace.Round1(*p), 'f', -1, 64)
	},
	// pct shows a 0-1 fraction as a whole percentage.
	"pct": func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + " %" },
	"pctp": func(p *float64) string {
		if p == nil {
			return "–"
		}
		return strconv.Itoa(int(*p*100+0.5)) + " %"
	},
	"itoa":  strconv.Itoa,
	"upper": strings.ToUpper,
	"join":  strings.Join,
	"add":   func(a, b int) int { return a + b },
	"ratio": func(a, b int) int {
		if b == 0 {
			return 0
		}
		return a * 100 / b
	},
	"has": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
	"hasRole": func(list []civicspace.Role, s civicspace.Role) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
	"levelValue": func(v int) string { return strconv.Itoa(v) },
	"fieldID":    func(parts ...string) string { return strings.NewReplacer(".", "-").Replace(strings.Join(parts, "-")) },
}
