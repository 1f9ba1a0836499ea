package api

import (
	"net/http"
	"strings"

	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"
)

// WithBasePath serves the API under a path prefix such as "/civicspace",
// for a reverse proxy that publishes it there: the Location and Link
// headers the API writes and the links of the /docs page carry the prefix.
// Requests may come with the prefix (it is stripped) or without it (a
// proxy that strips it itself). StripBasePath does the stripping for a
// handler in front of the API, such as the web app.
func WithBasePath(prefix string) Option {
	return func(s *Server) { s.basePath = cleanBasePath(prefix) }
}

// cleanBasePath is prefix with one leading slash and no trailing one ("" for
// the root).
func cleanBasePath(prefix string) string {
	prefix = strings.Trim(prefix, "/")
	if prefix == "" {
		return ""
	}
	return "/" + prefix
}

// StripBasePath removes prefix from the path of requests that carry it,
// and passes the others on as they are.
func StripBasePath(prefix string, next http.Handler) http.Handler {
	prefix = cleanBasePath(prefix)
	if prefix == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok || (rest != "" && rest[0] != '/') {
			next.ServeHTTP(w, r)
			return
		}
		if rest == "" {
			rest = "/"
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = rest
		if r.URL.RawPath != "" {
			r2.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, prefix)
			if r2.URL.RawPath == "" {
				r2.URL.RawPath = "/"
			}
		}
		next.ServeHTTP(w, r2)
	})
}

// docsHandler is the Swagger UI page, its links under the base path.
func docsHandler(title, basePath string) http.Handler {
	return v5emb.NewHandlerWithConfig(swgui.Config{
		Title:            title,
		SwaggerJSON:      basePath + "/openapi.yaml",
		BasePath:         basePath + "/docs",
		InternalBasePath: "/docs",
	})
}

// withBasePath strips the prefix from requests that carry it and puts it
// in front of the paths of the Location and Link headers of responses.
func withBasePath(prefix string, next http.Handler) http.Handler {
	if prefix == "" {
		return next
	}
	strip := StripBasePath(prefix, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		strip.ServeHTTP(&basePathWriter{ResponseWriter: w, prefix: prefix}, r)
	})
}

type basePathWriter struct {
	http.ResponseWriter
	prefix  string
	started bool
}

func (w *basePathWriter) WriteHeader(status int) {
	if !w.started {
		w.started = true
		h := w.Header()
		if loc := h.Get("Location"); strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") {
			h.Set("Location", w.prefix+loc)
		}
		if links := h.Values("Link"); len(links) > 0 {
			h.Del("Link")
			for _, l := range links {
				h.Add("Link", strings.ReplaceAll(l, "</", "<"+w.prefix+"/"))
			}
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *basePathWriter) Write(b []byte) (int, error) {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *basePathWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *basePathWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
