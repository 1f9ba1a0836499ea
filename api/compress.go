package api

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// compressible are the media types worth compressing: text the API writes
// (PNG and the like are compressed already).
var compressible = map[string]bool{
	"application/json":         true,
	"application/problem+json": true,
	"application/yaml":         true,
	"text/csv":                 true,
	"image/svg+xml":            true,
	"text/html":                true,
	"text/css":                 true,
	"application/javascript":   true,
	"text/plain":               true, // the Prometheus text format
}

var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	return zw
}}

// compress gzips the compressible responses of clients that accept gzip,
// and marks every compressible response Vary: Accept-Encoding so that
// caches keep the two forms apart. An ETag stays as the handler set it:
// it names the content, in whichever coding it travels (both codings carry
// Vary, so a cache never answers one with the other).
func compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &compressWriter{ResponseWriter: w, accepts: acceptsGzip(r.Header.Get("Accept-Encoding")), head: r.Method == http.MethodHead}
		defer cw.close()
		next.ServeHTTP(cw, r)
	})
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip (or
// *) with a non-zero quality.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		if q > 0 {
			return true
		}
	}
	return false
}

type compressWriter struct {
	http.ResponseWriter
	accepts bool
	head    bool
	started bool
	zw      *gzip.Writer
}

func (w *compressWriter) WriteHeader(status int) {
	if w.started {
		return
	}
	w.started = true
	h := w.Header()
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if compressible[mt] {
		h.Add("Vary", "Accept-Encoding")
		if w.accepts && h.Get("Content-Encoding") == "" && status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified {
			h.Set("Content-Encoding", "gzip")
			h.Del("Content-Length")
			if !w.head {
				w.zw = gzipWriters.Get().(*gzip.Writer)
				w.zw.Reset(w.ResponseWriter)
			}
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if !w.started {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.zw != nil {
		return w.zw.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what was compressed so far.
func (w *compressWriter) Flush() {
	if w.zw != nil {
		_ = w.zw.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *compressWriter) close() {
	if w.zw == nil {
		return
	}
	_ = w.zw.Close()
	w.zw.Reset(io.Discard)
	gzipWriters.Put(w.zw)
	w.zw = nil
}
