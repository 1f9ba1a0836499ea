package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/civicspace/civicspace/civicspace"
)

// codeMethodNotAllowed is the problem code of a 405: the path exists, the
// method does not.
const codeMethodNotAllowed = "method_not_allowed"

// checkedHeaders are the request headers whose values the server reads
// (or a store may keep): they must be valid UTF-8. Go's server already
// refuses NUL in any header value.
var checkedHeaders = []string{
	"Authorization", "If-Match", "If-None-Match", "Accept", "Accept-Language",
	"Accept-Encoding", "Content-Type", "Origin", "X-Forwarded-For", "Forwarded",
}

// edge refuses text that no store can keep, before anything reaches a
// handler: a NUL character or invalid UTF-8 in the path, a query
// parameter, a header the server reads, or a string of a JSON body
// (including the escape \u0000, and so every file name and content of a
// policy pack). PostgreSQL cannot store NUL in text or jsonb at all, and
// SQLite would keep it silently; both are answered 400 here. A JSON body
// that does not parse is answered 400 with the line and column of the
// fault.
func edge(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := edgeProblem(r); p != nil {
			writeError(w, r, &httpError{status: http.StatusBadRequest, code: civicspace.EINVALID,
				detail: "the request contains text the server does not accept", problems: []civicspace.Problem{*p}})
			return
		}
		if isJSON(r.Header.Get("Content-Type")) && r.Body != nil && r.Body != http.NoBody {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				writeError(w, r, err) // over the limit: 413
				return
			}
			if err := checkJSONText(body); err != nil {
				writeError(w, r, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

// edgeProblem is the first bad piece of text in r's path, query or
// headers, or nil.
func edgeProblem(r *http.Request) *civicspace.Problem {
	if reason := badText(r.URL.Path); reason != "" {
		return &civicspace.Problem{Pointer: "/path", Detail: "the path " + reason}
	}
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return &civicspace.Problem{Pointer: "/query", Detail: "the query string is not valid URL encoding"}
		}
		names := make([]string, 0, len(q))
		for name := range q {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if reason := badText(name); reason != "" {
				return &civicspace.Problem{Pointer: "/query", Detail: "a parameter name " + reason}
			}
			for _, v := range q[name] {
				if reason := badText(v); reason != "" {
					return &civicspace.Problem{Pointer: "/query/" + civicspace.EncodePointer(name), Detail: "the value " + reason}
				}
			}
		}
	}
	for _, name := range checkedHeaders {
		for _, v := range r.Header.Values(name) {
			if reason := badText(v); reason != "" {
				return &civicspace.Problem{Pointer: "/header/" + name, Detail: "the value " + reason}
			}
		}
	}
	return nil
}

// badText says what is wrong with s ("" when nothing is).
func badText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL character"
	}
	return ""
}

// isJSON reports whether a Content-Type is JSON (application/json or a
// +json type such as application/merge-patch+json).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// checkJSONText refuses a JSON body that is not valid UTF-8, does not
// parse, or holds a NUL character in any string (written \u0000: a raw
// NUL byte does not parse). It scans bytes; only a refused body is
// decoded again, to say where the fault is.
func checkJSONText(body []byte) error {
	bad := func(pointer, detail string) error {
		return &httpError{status: http.StatusBadRequest, code: civicspace.EINVALID,
			detail: "the request body is not acceptable JSON", problems: []civicspace.Problem{{Pointer: pointer, Detail: detail}}}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil // an empty body: the operation decides whether it needs one
	}
	if !utf8.Valid(body) {
		off := validUTF8Prefix(body)
		return bad("", fmt.Sprintf("invalid UTF-8 at %s", position(body, off)))
	}
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return bad("", fmt.Sprintf("invalid JSON at %s: %s", position(body, int(se.Offset)), se.Error()))
		}
		return bad("", "invalid JSON")
	}
	if !hasEscapedNUL(body) {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return bad("", "invalid JSON")
	}
	pointer := nulPointer(v, "")
	if pointer == "\x00" {
		pointer = ""
	}
	return bad(pointer, "contains a NUL character (\\u0000)")
}

// hasEscapedNUL reports whether body (valid JSON) holds the escape \u0000
// inside a string: a backslash that is not itself escaped, then u0000.
func hasEscapedNUL(body []byte) bool {
	for i := 0; ; {
		j := bytes.Index(body[i:], []byte(`u0000`))
		if j < 0 {
			return false
		}
		at := i + j
		slashes := 0
		for k := at - 1; k >= 0 && body[k] == '\\'; k-- {
			slashes++
		}
		if slashes%2 == 1 {
			return true
		}
		i = at + 1
	}
}

// nulPointer is the JSON Pointer of the first member name or string in v
// (in key order) holding a NUL; prefix is v's own pointer.
func nulPointer(v any, prefix string) string {
	switch v := v.(type) {
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			return prefix
		}
	case []any:
		for i, e := range v {
			if p := nulPointer(e, prefix+"/"+strconv.Itoa(i)); p != "\x00" {
				return p
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.IndexByte(k, 0) >= 0 {
				return prefix
			}
			if p := nulPointer(v[k], prefix+"/"+civicspace.EncodePointer(k)); p != "\x00" {
				return p
			}
		}
	}
	return "\x00" // not here
}

// validUTF8Prefix is the length of the longest valid UTF-8 prefix of b.
func validUTF8Prefix(b []byte) int {
	n := 0
	for n < len(b) {
		r, size := utf8.DecodeRune(b[n:])
		if r == utf8.RuneError && size <= 1 {
			return n
		}
		n += size
	}
	return n
}

// position describes byte offset off of body as "line L, column C (byte
// B)", lines and columns counted from 1, columns in bytes.
func position(body []byte, off int) string {
	off = min(max(off, 0), len(body))
	line := 1 + bytes.Count(body[:off], []byte("\n"))
	col := off + 1
	if i := bytes.LastIndexByte(body[:off], '\n'); i >= 0 {
		col = off - i
	}
	return fmt.Sprintf("line %d, column %d (byte %d)", line, col, off)
}
