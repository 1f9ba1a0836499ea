package api

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
)

// clientAddrKey is the context key of the client's address (clientAddr).
const clientAddrKey ctxKey = 100

// WithTrustedProxies names the reverse proxies (CIDRs such as 10.0.0.0/8
// or 127.0.0.1/32) whose Forwarded and X-Forwarded-For headers say who
// the client is. A request from any other peer is taken to come from the
// peer itself, whatever headers it sends: anyone can write them. The
// client address is what failed authentications are counted by, and what
// the access log records.
func WithTrustedProxies(prefixes ...netip.Prefix) Option {
	return func(s *Server) { s.proxies = append(s.proxies, prefixes...) }
}

// edgeOptions are the settings and state of the layers around the API
// (outer).
type edgeOptions struct {
	proxies     []netip.Prefix
	corsOrigins []string
	basePath    string
	version     string
	draining    atomic.Bool
}

// outer wraps the API in the layers that see every request first: the
// version header, the client's address, CORS, the base path and
// compression.
func (s *Server) outer(h http.Handler) http.Handler {
	return withVersion(s.version, s.withClientAddr(withCORS(s.corsOrigins, withBasePath(s.basePath, compress(h)))))
}

// withClientAddr puts the client's address in the request's context.
func (s *Server) withClientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := forwardedClient(r, s.proxies)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientAddrKey, addr)))
	})
}

// clientAddr is the address of the client that sent r: the peer, or the
// address a trusted proxy forwarded (withClientAddr).
func clientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(clientAddrKey).(string); ok && a != "" {
		return a
	}
	return peerAddr(r)
}

func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// forwardedClient walks the proxy chain from the peer backwards: while the
// hop is a trusted proxy, the address it names before itself is the next
// hop. The first untrusted hop is the client. Forwarded (RFC 7239) is read
// when present, else X-Forwarded-For; an unparsable entry stops the walk
// at the last trusted hop's claim that cannot be checked, so the proxy
// itself is taken as the client.
func forwardedClient(r *http.Request, trusted []netip.Prefix) string {
	peer := peerAddr(r)
	if len(trusted) == 0 || !isTrusted(peer, trusted) {
		return peer
	}
	hops := forwardedFor(r.Header.Values("Forwarded"))
	if hops == nil {
		for _, v := range r.Header.Values("X-Forwarded-For") {
			for _, h := range strings.Split(v, ",") {
				hops = append(hops, strings.TrimSpace(h))
			}
		}
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		addr, ok := parseHop(hops[i])
		if !ok {
			return client
		}
		client = addr
		if !isTrusted(addr, trusted) {
			return addr
		}
	}
	return client
}

// forwardedFor lists the for= parameters of Forwarded header values, in
// order; nil when there are none.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					out = append(out, strings.Trim(val, `"`))
				}
			}
		}
	}
	return out
}

// parseHop reads one hop address: 192.0.2.1, 192.0.2.1:4711,
// [2001:db8::1]:4711, 2001:db8::1.
func parseHop(h string) (string, bool) {
	if ap, err := netip.ParseAddrPort(h); err == nil {
		return ap.Addr().Unmap().String(), true
	}
	if a, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return a.Unmap().String(), true
	}
	return "", false
}

func isTrusted(addr string, trusted []netip.Prefix) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
