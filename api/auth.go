package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/getkin/kin-openapi/openapi3filter"
	"golang.org/x/time/rate"
)

// codeRateLimited is the problem code of a 429: the HTTP layer's own, as
// no domain error is about request rates.
const codeRateLimited = "rate_limited"

// Default abuse limits.
const (
	// DefaultAuthFailures failed authentications a client address may make
	// at once, then one per DefaultAuthFailureEvery: enough for a typo,
	// far too few to guess anything.
	DefaultAuthFailures     = 10
	DefaultAuthFailureEvery = 6 * time.Second
	// touchEvery bounds how often a key's last-used time is written.
	touchEvery = time.Minute
	// maxLimiters bounds the limiter maps; idle limiters are dropped first.
	maxLimiters = 10000
)

// WithRateLimit limits each API key to perSecond requests per second with
// bursts of burst (perSecond when burst < 1); 0 turns the limit off (the
// default). Requests over it are answered 429 with Retry-After.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(s *Server) {
		s.auth.keyRate = rate.Limit(perSecond)
		s.auth.keyBurst = burst
		if burst < 1 {
			s.auth.keyBurst = max(1, int(math.Ceil(perSecond)))
		}
	}
}

// WithAuthFailureLimit sets how many failed authentications one client
// address may make at once (burst) and the time after which it may make
// one more (every). The defaults are DefaultAuthFailures and
// DefaultAuthFailureEvery.
func WithAuthFailureLimit(burst int, every time.Duration) Option {
	return func(s *Server) {
		if burst > 0 && every > 0 {
			s.auth.failBurst, s.auth.failRate = burst, rate.Every(every)
		}
	}
}

// authState is what authentication needs: the key store (the service's
// store) and the abuse limits.
type authState struct {
	keys civicspace.KeyStore
	now  func() time.Time

	failRate  rate.Limit
	failBurst int
	keyRate   rate.Limit
	keyBurst  int

	mu      sync.Mutex
	fails   map[string]*rate.Limiter // by client address
	perKey  map[string]*rate.Limiter // by key ID
	touched map[string]time.Time     // by key ID: last-used time written
}

func (a *authState) init(keys civicspace.KeyStore) {
	a.keys = keys
	if a.failRate == 0 {
		a.failRate, a.failBurst = rate.Every(DefaultAuthFailureEvery), DefaultAuthFailures
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.fails = map[string]*rate.Limiter{}
	a.perKey = map[string]*rate.Limiter{}
	a.touched = map[string]time.Time{}
}

// limiter returns the limiter of key in m, made with r and burst.
func (a *authState) limiter(m map[string]*rate.Limiter, key string, r rate.Limit, burst int) *rate.Limiter {
	a.mu.Lock()
	defer a.mu.Unlock()
	l := m[key]
	if l == nil {
		if len(m) >= maxLimiters {
			now := a.now()
			for k, v := range m {
				if v.TokensAt(now) >= float64(v.Burst()) {
					delete(m, k) // full again: forgetting it changes nothing
				}
			}
		}
		l = rate.NewLimiter(r, burst)
		m[key] = l
	}
	return l
}

// tooMany is the 429 of a limiter with no token left now.
func tooMany(l *rate.Limiter, now time.Time, detail string) error {
	wait := time.Second
	if tokens := l.TokensAt(now); tokens < 1 && l.Limit() > 0 {
		wait = time.Duration((1 - tokens) / float64(l.Limit()) * float64(time.Second))
	}
	return &httpError{status: http.StatusTooManyRequests, code: codeRateLimited, detail: detail,
		retryAfter: int(math.Ceil(wait.Seconds()))}
}

// authenticate returns the principal of r: Anonymous without an
// Authorization header, the key's principal with a valid one, and an
// EUNAUTHORIZED error (429 once a client address has failed too often)
// otherwise. A key that verifies is never refused for failures: they are
// counted, and limited, only when they happen (ratelimit.go).
func (a *authState) authenticate(r *http.Request) (*civicspace.Principal, error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return civicspace.Anonymous, nil
	}
	return a.authenticateHeader(r, header)
}

// VerifyKey authenticates an API key given other than in an Authorization
// header (the web app's sign-in form, and its session on every request)
// exactly as a request's key is: the same checks, the same failure limit
// per client address, the same record of last use. An invalid key is an
// EUNAUTHORIZED error.
func (s *Server) VerifyKey(r *http.Request, key string) (*civicspace.Principal, error) {
	return s.auth.authenticateHeader(r, "Bearer "+key)
}

func (a *authState) authenticateHeader(r *http.Request, header string) (*civicspace.Principal, error) {
	now := a.now()
	p, err := a.verify(r, header, now)
	if err != nil && civicspace.ErrorCode(err) == civicspace.EUNAUTHORIZED {
		return nil, a.failed(r, now, err)
	}
	return p, err
}

func (a *authState) verify(r *http.Request, header string, now time.Time) (*civicspace.Principal, error) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, civicspace.Errorf(civicspace.EUNAUTHORIZED, "send the API key as Authorization: Bearer csk_…")
	}
	token = strings.TrimSpace(token)
	id, err := civicspace.ParseAPIKey(token)
	if err != nil {
		return nil, err
	}
	k, err := a.keys.Key(r.Context(), id)
	if civicspace.ErrorCode(err) == civicspace.ENOTFOUND {
		return nil, civicspace.Errorf(civicspace.EUNAUTHORIZED, "the API key is not valid")
	}
	if err != nil {
		return nil, err
	}
	if err := k.Verify(token, now); err != nil {
		return nil, err
	}
	a.touch(r, k.ID, now)
	return k.Principal(), nil
}

// touch records a key's last use, at most once per touchEvery per key: a
// write per request would cost more than the request.
func (a *authState) touch(r *http.Request, id string, now time.Time) {
	a.mu.Lock()
	last, ok := a.touched[id]
	due := !ok || now.Sub(last) >= touchEvery
	if due {
		if len(a.touched) >= maxLimiters {
			clear(a.touched)
		}
		a.touched[id] = now
	}
	a.mu.Unlock()
	if due {
		if err := a.keys.TouchKey(r.Context(), id, now); err != nil {
			logger(r.Context()).WarnContext(r.Context(), "last use of key not recorded", "key", id, "err", err)
		}
	}
}

// authMiddleware authenticates the request, asks the Service whether the
// caller may attempt the route's operation at all (Service.Permit),
// applies the per-key rate limit, and puts the principal in the context.
// It runs after routing and before the generated wrapper binds the
// parameters and the validator reads the body: a caller without the right
// gets 401 or 403, never a 400 about input it may not send.
func (s *Server) authMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.auth.authenticate(r)
		if err == nil {
			ctx := civicspace.NewContextWithPrincipal(r.Context(), p)
			r = r.WithContext(civicspace.NewContextWithRequestID(ctx, requestID(ctx)))
			err = s.svc.Permit(r.Context(), s.operations[r.Pattern])
		}
		if err != nil {
			if civicspace.ErrorCode(err) == civicspace.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="civicspace", error="invalid_token"`)
				if r.Header.Get("Authorization") == "" {
					w.Header().Set("WWW-Authenticate", `Bearer realm="civicspace"`)
				}
			}
			writeError(w, r, err)
			return
		}
		if p.Authenticated() && s.auth.keyRate > 0 {
			now := s.auth.now()
			l := s.auth.limiter(s.auth.perKey, p.KeyID, s.auth.keyRate, s.auth.keyBurst)
			allowed := l.AllowN(now, 1)
			rateLimitHeaders(w, l, now)
			if !allowed {
				writeError(w, r, tooMany(l, now, "this API key made too many requests: slow down"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func retryAfterHeader(w http.ResponseWriter, seconds int) {
	if seconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(seconds))
	}
}

// checkSecurity is the validator's check of an operation's security
// requirement: authMiddleware has already authenticated the request and
// put the principal in its context, so a key requirement is met when that
// principal has one.
func checkSecurity(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "apiKey" {
		return fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName)
	}
	if !civicspace.PrincipalFromContext(in.RequestValidationInput.Request.Context()).Authenticated() {
		return errors.New("no valid API key")
	}
	return nil
}
