package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// publishedAssessment stores fullAssessment(country), submits and
// publishes it, and returns its path.
func publishedAssessment(t *testing.T, e *env, country string) string {
	t.Helper()
	res := e.do("POST", "/v1/assessments", fullAssessment(e.svc.Catalog, country))
	require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
	url := location(t, res)
	res = e.do("POST", url+"/submit", nil, ifMatch(res.Header.Get("ETag")))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	res = e.do("POST", url+"/publish", nil, ifMatch(res.Header.Get("ETag")))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	return url
}

// TestConditionalGet: the catalog, a published revision, a score and a
// comparison carry a strong ETag and Cache-Control; If-None-Match with it
// is 304 with no body; a request with a key is private.
func TestConditionalGet(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	asm := publishedAssessment(t, e, "NOR")
	anonymous := bearer("")
	for _, c := range []struct{ path, cacheControl string }{
		{"/v1/catalog", "public, max-age=3600"},
		{"/v1/countries/NOR", "public, max-age=3600"},
		{asm + "/revisions/3", "public, max-age=86400, immutable"}, // created, submitted, published
		{asm + "/score", "public, max-age=60"},
		{"/v1/comparisons/ranking?period=2025&kind=self", "public, max-age=60"},
		{"/v1/commitments/summary/workstreams", "public, max-age=60"},
	} {
		t.Run(c.path, func(t *testing.T) {
			res := e.do("GET", c.path, nil, anonymous)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			etag := res.Header.Get("ETag")
			require.Regexp(t, `^"[A-Za-z0-9_-]+"$`, etag, "a strong ETag")
			require.Equal(t, c.cacheControl, res.Header.Get("Cache-Control"))
			again := e.do("GET", c.path, nil, anonymous)
			require.Equal(t, etag, again.Header.Get("ETag"), "the same content, the same tag")

			res = e.do("GET", c.path, nil, anonymous, header{"If-None-Match", `"other", ` + etag})
			require.Equal(t, http.StatusNotModified, res.StatusCode)
			require.Empty(t, res.body)
			require.Equal(t, etag, res.Header.Get("ETag"))
			require.Equal(t, c.cacheControl, res.Header.Get("Cache-Control"))
			res = e.do("GET", c.path, nil, anonymous, header{"If-None-Match", `"other"`})
			require.Equal(t, http.StatusOK, res.StatusCode)

			res = e.do("GET", c.path, nil)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, "private, no-cache", res.Header.Get("Cache-Control"), "what a key sees may be more than the public")
		})
	}

	// A revision's own ETag (its version) answers If-None-Match too, and
	// changes when the assessment does.
	res := e.do("GET", asm, nil)
	etag := res.Header.Get("ETag")
	require.Equal(t, http.StatusNotModified, e.do("GET", asm, nil, header{"If-None-Match", etag}).StatusCode)
	res = e.do("POST", asm+"/correct", nil, ifMatch(etag))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	require.Equal(t, http.StatusOK, e.do("GET", asm, nil, header{"If-None-Match", etag}).StatusCode)

	// Errors are never cached.
	res = e.do("GET", "/v1/countries/ABC", nil, anonymous, header{"If-None-Match", "*"})
	res.problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
}

// rawGet sends a GET with the given headers and returns the response
// without the transport's transparent decompression.
func rawGet(t *testing.T, url string, headers ...header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	for _, h := range headers {
		req.Header.Set(h.name, h.value)
	}
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, body
}

// TestCompression: JSON, CSV, YAML and SVG are gzipped for clients that
// accept it (Vary: Accept-Encoding), and sent as they are otherwise.
func TestCompression(t *testing.T) {
	e := newEnv(t, stores["sqlite"])
	asm := publishedAssessment(t, e, "NOR")
	for _, c := range []struct{ path, accept, contentType string }{
		{"/v1/catalog", "", "application/json"},
		{"/openapi.yaml", "", "application/yaml"},
		{"/v1/comparisons/ranking?period=2025&kind=self", "text/csv", "text/csv"},
		{asm + "/scorecard", "image/svg+xml", "image/svg+xml"},
		{"/v1/nothing", "", "application/problem+json"},
	} {
		t.Run(c.path, func(t *testing.T) {
			hs := []header{}
			if c.accept != "" {
				hs = append(hs, header{"Accept", c.accept})
			}
			plainRes, plain := rawGet(t, e.url+c.path, hs...)
			require.Empty(t, plainRes.Header.Get("Content-Encoding"))
			require.Contains(t, plainRes.Header.Get("Content-Type"), c.contentType)
			require.Contains(t, plainRes.Header.Values("Vary"), "Accept-Encoding")

			res, body := rawGet(t, e.url+c.path, append(hs, header{"Accept-Encoding", "br;q=1, gzip;q=0.8"})...)
			require.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
			require.Contains(t, res.Header.Values("Vary"), "Accept-Encoding")
			zr, err := gzip.NewReader(bytes.NewReader(body))
			require.NoError(t, err)
			unzipped, err := io.ReadAll(zr)
			require.NoError(t, err)
			if plainRes.StatusCode == http.StatusOK {
				require.Equal(t, string(plain), string(unzipped))
				require.Less(t, len(body), len(plain))
			} else {
				require.Contains(t, string(unzipped), `"code":"not_found"`)
			}
			res, _ = rawGet(t, e.url+c.path, append(hs, header{"Accept-Encoding", "gzip;q=0"})...)
			require.Empty(t, res.Header.Get("Content-Encoding"), "q=0 refuses gzip")
		})
	}
}

// TestCORS: pages on an allowed origin may read the public API from the
// browser; writes and keys are not opened to them, nor are other origins.
func TestCORS(t *testing.T) {
	const origin = "https://dashboard.example.org"
	e := newEnv(t, stores["sqlite"], withAPIOptions(api.WithCORSOrigins(origin)))
	res := e.do("GET", "/v1/catalog", nil, bearer(""), header{"Origin", origin})
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, origin, res.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, res.Header.Get("Access-Control-Expose-Headers"), "Etag")
	require.Empty(t, res.Header.Get("Access-Control-Allow-Credentials"))
	res = e.do("GET", "/v1/catalog", nil, bearer(""), header{"Origin", "https://evil.example"})
	require.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))

	preflight := func(method, headers string) *http.Response {
		req, err := http.NewRequest("OPTIONS", e.url+"/v1/assessments", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		if headers != "" {
			req.Header.Set("Access-Control-Request-Headers", headers)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res
	}
	res2 := preflight("GET", "if-none-match")
	require.Less(t, res2.StatusCode, 300)
	require.Equal(t, origin, res2.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, strings.ToUpper(res2.Header.Get("Access-Control-Allow-Methods")), "GET")
	for _, c := range []struct{ method, headers string }{{"POST", "content-type"}, {"GET", "authorization"}, {"DELETE", ""}} {
		res2 = preflight(c.method, c.headers)
		require.Empty(t, res2.Header.Get("Access-Control-Allow-Origin"), "%s with %s is not open to other origins", c.method, c.headers)
	}

	// Without the option there is no CORS at all.
	plain := newEnv(t, stores["sqlite"])
	res = plain.do("GET", "/v1/catalog", nil, bearer(""), header{"Origin", origin})
	require.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))
}
