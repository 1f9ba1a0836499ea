package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// Cookies. The session cookie names a server-side session; the visitor
// cookie identifies a browser that has not signed in, so that its forms
// (the sign-in form) carry a CSRF token too.
const (
	sessionCookie = "cs_session"
	visitorCookie = "cs_visitor"
)

// DefaultSessionTTL is how long a session lasts after sign-in.
const DefaultSessionTTL = 8 * time.Hour

// maxSessions bounds the session table; signing in beyond it first drops
// expired sessions, then refuses.
const maxSessions = 10000

// session is a signed-in browser: the API key it signed in with (kept on
// the server only, re-verified on every request so that a revoked or
// expired key ends the session at once) and when it ends.
type session struct {
	key     string
	expires time.Time
}

// sessions is the in-memory session table. Sessions do not survive a
// restart: signing in again is the cost, and no key is ever written to
// disk by the app.
type sessions struct {
	mu     sync.Mutex
	m      map[string]*session
	ttl    time.Duration
	secret []byte // signs CSRF tokens
	now    func() time.Time
}

func newSessions(ttl time.Duration) *sessions {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return &sessions{m: map[string]*session{}, ttl: ttl, secret: secret, now: time.Now}
}

func randomID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// create stores a session for key and returns its ID.
func (s *sessions) create(key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if len(s.m) >= maxSessions {
		for id, ss := range s.m {
			if !now.Before(ss.expires) {
				delete(s.m, id)
			}
		}
		if len(s.m) >= maxSessions {
			return "", civicspace.Errorf(civicspace.ECONFLICT, "too many open sessions: try again later")
		}
	}
	id := randomID()
	s.m[id] = &session{key: key, expires: now.Add(s.ttl)}
	return id, nil
}

// get returns the live session of id.
func (s *sessions) get(id string) (*session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.m[id]
	if !ok {
		return nil, false
	}
	if !s.now().Before(ss.expires) {
		delete(s.m, id)
		return nil, false
	}
	return ss, true
}

func (s *sessions) delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

// csrfToken is the token the forms of a browser carry: an HMAC of its
// session (or visitor) cookie under a secret of this process, so that a
// page of another site, which cannot read the cookie, cannot forge it.
func (s *sessions) csrfToken(bound string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(bound))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF reports whether token is the one bound to bound.
func (s *sessions) checkCSRF(bound, token string) bool {
	want := s.csrfToken(bound)
	return bound != "" && subtle.ConstantTimeCompare([]byte(want), []byte(token)) == 1
}

// cookie makes one of the app's cookies: HttpOnly, SameSite=Strict,
// Secure over TLS, path /.
func cookie(r *http.Request, name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	}
	switch {
	case maxAge > 0:
		c.MaxAge = int(maxAge.Seconds())
		c.Expires = time.Now().Add(maxAge)
	case maxAge < 0:
		c.MaxAge = -1
	}
	return c
}
