package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// Cache-Control of the public reads (anonymous requests; a request with
// a key is answered "private, no-cache": what it sees may be more).
const (
	// The catalog and the country table change only with the server's
	// version.
	cacheCatalog = "public, max-age=3600"
	// A revision never changes; a day bounds how long a withdrawn one
	// stays in shared caches.
	cacheRevision = "public, max-age=86400, immutable"
	// Scores and comparisons change when an assessment is published,
	// corrected or rescored.
	cacheScores  = "public, max-age=60"
	cachePrivate = "private, no-cache"
)

// cachePolicies maps route patterns to the Cache-Control of their 200s.
var cachePolicies = map[string]string{
	"GET /v1/catalog":                            cacheCatalog,
	"GET /v1/catalog/export":                     cacheCatalog,
	"GET /v1/frameworks":                         cacheCatalog,
	"GET /v1/frameworks/{frameworkId}":           cacheCatalog,
	"GET /v1/recommendations/{recommendationId}": cacheCatalog,
	"GET /v1/indicators":                         cacheCatalog,
	"GET /v1/indicators/{indicatorId}":           cacheCatalog,
	"GET /v1/crosswalk":                          cacheCatalog,
	"GET /v1/countries":                          cacheCatalog,
	"GET /v1/countries/{alpha3}":                 cacheCatalog,
	"GET /openapi.yaml":                          cacheCatalog,

	"GET /v1/assessments/{id}/revisions/{version}": cacheRevision,

	"GET /v1/assessments/{id}/score":                 cacheScores,
	"GET /v1/assessments/{id}/scorecard":             cacheScores,
	"GET /v1/comparisons/ranking":                    cacheScores,
	"GET /v1/comparisons/trend/{country}":            cacheScores,
	"GET /v1/comparisons/regions":                    cacheScores,
	"GET /v1/comparisons/gap/{country}/{period}":     cacheScores,
	"GET /v1/commitments/summary/countries/{alpha3}": cacheScores,
	"GET /v1/commitments/summary/workstreams":        cacheScores,
	"GET /v1/commitments/summary/follow-up":          cacheScores,
}

// httpCache gives the 200s of GET and HEAD requests a strong ETag and
// answers a matching If-None-Match with 304 Not Modified: for the routes
// of cachePolicies, the ETag is a digest of the body, and Cache-Control
// is set; elsewhere an ETag the handler set (a stored revision's) is
// compared. It must run inside the mux's reach: it reads r.Pattern, which
// the mux sets on the request it is given, when the response starts.
func httpCache(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		cw := &cacheWriter{ResponseWriter: w, r: r}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// cacheWriter holds a cacheable 200 back until it is complete, to digest
// it; everything else passes through.
type cacheWriter struct {
	http.ResponseWriter
	r       *http.Request
	started bool
	buffer  bool // holding a cacheable 200
	status  int
	body    bytes.Buffer
	// notModified: the 304 was sent, the body is dropped.
	notModified bool
}

func (w *cacheWriter) WriteHeader(status int) {
	if w.started {
		return
	}
	w.started = true
	w.status = status
	h := w.Header()
	if status != http.StatusOK {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	policy, cacheable := cachePolicies[w.r.Pattern]
	if cacheable {
		if w.r.Header.Get("Authorization") != "" {
			policy = cachePrivate
		}
		h.Set("Cache-Control", policy)
		if h.Get("ETag") == "" {
			w.buffer = true
			return
		}
	}
	if etag := h.Get("ETag"); etag != "" && noneMatch(w.r.Header.Get("If-None-Match"), etag) {
		w.notModified = true
		writeNotModified(w.ResponseWriter)
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *cacheWriter) Write(b []byte) (int, error) {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	switch {
	case w.notModified:
		return len(b), nil
	case w.buffer:
		return w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush passes a flush on, unless the response is held back.
func (w *cacheWriter) Flush() {
	if w.buffer || w.notModified {
		return
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *cacheWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish sends a held-back 200 with its digest as ETag, or a 304.
func (w *cacheWriter) finish() {
	if !w.buffer {
		return
	}
	sum := sha256.Sum256(w.body.Bytes())
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if noneMatch(w.r.Header.Get("If-None-Match"), etag) {
		writeNotModified(w.ResponseWriter)
		return
	}
	w.ResponseWriter.WriteHeader(w.status)
	if w.r.Method != http.MethodHead {
		_, _ = w.ResponseWriter.Write(w.body.Bytes())
	}
}

// writeNotModified sends 304 with the validators and caching headers of
// the 200 it stands for (RFC 9110, 15.4.5), and no content headers.
func writeNotModified(w http.ResponseWriter) {
	h := w.Header()
	for _, k := range []string{"Content-Type", "Content-Length", "Content-Disposition", "Content-Language"} {
		h.Del(k)
	}
	w.WriteHeader(http.StatusNotModified)
}

// noneMatch reports whether an If-None-Match header matches etag: "*", or
// one of its entity tags equal to etag by the weak comparison RFC 9110
// prescribes for If-None-Match.
func noneMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	etag = strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == etag {
			return true
		}
	}
	return false
}
