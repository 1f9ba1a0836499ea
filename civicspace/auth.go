package civicspace

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// KeyRole is what a caller may do. Assessors and reviewers are scoped to
// subjects; a watchdog and an assessor speak for an organisation.
type KeyRole string

// The roles.
const (
	RoleAdmin     KeyRole = "admin"     // manages keys and policy packs, reads the audit, may do everything
	RoleAssessor  KeyRole = "assessor"  // creates, edits and submits its subjects' own (self) assessments
	RoleReviewer  KeyRole = "reviewer"  // publishes, returns, withdraws and corrects its subjects' assessments
	RoleWatchdog  KeyRole = "watchdog"  // writes shadow assessments of any subject, reads everything published
	RoleAnonymous KeyRole = "anonymous" // no key: reads the catalog, countries and what is published
)

// KeyRoles lists the roles a key may have (anonymous is the absence of one).
var KeyRoles = []KeyRole{RoleAdmin, RoleAssessor, RoleReviewer, RoleWatchdog}

// Principal is who makes a request: the key it authenticated with and what
// that key may do. The zero Principal (and a nil one) is anonymous.
type Principal struct {
	KeyID string
	Role  KeyRole
	// Subjects are subject keys (Subject.Key): "NOR", "org:Some NGO".
	Subjects     []string
	Organisation string
}

// Anonymous is the principal of a request without a key.
var Anonymous = &Principal{Role: RoleAnonymous}

// System is the principal of the command line, which has the database in
// hand and so every right already.
var System = &Principal{KeyID: "cli", Role: RoleAdmin}

// Actor is the name recorded in revisions and the audit: "key:ID" (so a
// record can be traced to a key, which names its holder), or "anonymous".
func (p *Principal) Actor() string {
	if p == nil || p.KeyID == "" {
		return string(RoleAnonymous)
	}
	return "key:" + p.KeyID
}

// role returns p's role, anonymous for nil or an empty one.
func (p *Principal) role() KeyRole {
	if p == nil || p.Role == "" {
		return RoleAnonymous
	}
	return p.Role
}

// Authenticated reports whether p presented a valid key.
func (p *Principal) Authenticated() bool { return p.role() != RoleAnonymous }

type principalKey struct{}

// NewContextWithPrincipal returns ctx carrying p: authentication puts the
// caller there, and the authorization rules read it.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal ctx carries, Anonymous if
// none.
func PrincipalFromContext(ctx context.Context) *Principal {
	if p, ok := ctx.Value(principalKey{}).(*Principal); ok && p != nil {
		return p
	}
	return Anonymous
}

type requestIDKey struct{}

// NewContextWithRequestID returns ctx carrying the ID a front end gave the
// request, recorded with the writes it makes in the audit trail so that an
// entry can be traced to the front end's log.
func NewContextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func requestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// ---- API keys ----

// KeyPrefix starts every API key, so that a leaked key is recognisable
// (secret scanners, logs) and cannot be mistaken for another token.
const KeyPrefix = "csk_"

// keyIDLen is the length of a key's public ID, the part between the
// prefix and the secret; it is shown in listings and logs.
const keyIDLen = 8

// APIKey is a stored key: what it grants and its state. Only the SHA-256
// hash of the whole key is stored; the key itself is shown once, when it
// is created.
type APIKey struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Role         KeyRole    `json:"role"`
	Subjects     []string   `json:"subjects"`
	Organisation string     `json:"organisation,omitempty"`
	Hash         []byte     `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	CreatedBy    string     `json:"created_by"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt   *time.Time `json:"last_used_at,omitempty"`
}

// KeySpec is what a new key grants.
type KeySpec struct {
	Name         string
	Role         KeyRole
	Subjects     []string
	Organisation string
	// TTL, if positive, makes the key expire that long after creation.
	TTL time.Duration
}

// Validate returns the problems of a key request: assessors and reviewers
// need subjects, watchdogs an organisation (their shadow assessments'
// author), and admins no scope at all, so that no key is broader or
// narrower than its holder believes.
func (s KeySpec) Validate() []Problem {
	var ps []Problem
	add := func(ptr, detail string) { ps = append(ps, Problem{Pointer: ptr, Detail: detail}) }
	if !slices.Contains(KeyRoles, s.Role) {
		add("/role", "role must be admin, assessor, reviewer or watchdog, not "+strings.TrimSpace(string(s.Role)))
	}
	if len(s.Name) > 200 {
		add("/name", "name must be at most 200 characters")
	}
	switch s.Role {
	case RoleAssessor, RoleReviewer:
		if len(s.Subjects) == 0 {
			add("/subjects", "an "+string(s.Role)+" key needs at least one subject (a country code such as NOR, or org:NAME)")
		}
	case RoleWatchdog:
		if strings.TrimSpace(s.Organisation) == "" {
			add("/organisation", "a watchdog key needs the organisation that authors its shadow assessments")
		}
		if len(s.Subjects) > 0 {
			add("/subjects", "a watchdog is not scoped to subjects: it may write shadow assessments of any")
		}
	case RoleAdmin:
		if len(s.Subjects) > 0 {
			add("/subjects", "an admin key is not scoped to subjects")
		}
	}
	for i, sub := range s.Subjects {
		if detail := subjectKeyProblem(sub); detail != "" {
			add("/subjects/"+strconv.Itoa(i), detail)
		}
	}
	if s.TTL < 0 {
		add("/expires_in", "the lifetime must be positive")
	}
	return ps
}

// NewAPIKey makes a key for spec, created by actor at now: the secret to
// give to its holder (shown once) and the record to store. The secret
// carries 256 random bits.
func NewAPIKey(spec KeySpec, actor string, now time.Time) (secret string, key *APIKey, err error) {
	if ps := spec.Validate(); len(ps) > 0 {
		return "", nil, &Error{Code: EINVALID, Message: "the key request has problems", Problems: ps}
	}
	id, err := randomString(keyIDLen)
	if err != nil {
		return "", nil, err
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, WrapError(EINTERNAL, err, "no randomness for a key")
	}
	secret = KeyPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(b[:])
	now = now.UTC().Truncate(time.Microsecond)
	key = &APIKey{
		ID:           id,
		Name:         spec.Name,
		Role:         spec.Role,
		Subjects:     slices.Clone(spec.Subjects),
		Organisation: strings.TrimSpace(spec.Organisation),
		Hash:         HashAPIKey(secret),
		CreatedAt:    now,
		CreatedBy:    actor,
	}
	if key.Subjects == nil {
		key.Subjects = []string{}
	}
	if spec.TTL > 0 {
		exp := now.Add(spec.TTL)
		key.ExpiresAt = &exp
	}
	return secret, key, nil
}

// randomString returns n random characters of [a-z0-9].
func randomString(n int) (string, error) {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", WrapError(EINTERNAL, err, "no randomness for a key")
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)] // 256 % 36 bias is harmless in a public ID
	}
	return string(b), nil
}

// HashAPIKey returns the SHA-256 of a key. A plain fast hash is right here,
// unlike for passwords: the key has 256 random bits, so no dictionary or
// brute force applies to it and a slow KDF would only cost every request
// time.
func HashAPIKey(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// ParseAPIKey returns the ID of a key in the csk_ID_SECRET form, or an
// EUNAUTHORIZED error: the ID is what finds the stored key.
func ParseAPIKey(secret string) (string, error) {
	rest, ok := strings.CutPrefix(secret, KeyPrefix)
	if !ok || len(rest) < keyIDLen+2 || rest[keyIDLen] != '_' {
		return "", Errorf(EUNAUTHORIZED, "the bearer token is not a civicspace API key")
	}
	return rest[:keyIDLen], nil
}

// Verify checks secret against k at now: its hash compared in constant
// time (the comparison must not tell an attacker how much of a guess was
// right), then revocation and expiry. Every failure is EUNAUTHORIZED.
func (k *APIKey) Verify(secret string, now time.Time) error {
	if subtle.ConstantTimeCompare(HashAPIKey(secret), k.Hash) != 1 {
		return Errorf(EUNAUTHORIZED, "the API key is not valid")
	}
	if k.RevokedAt != nil {
		return Errorf(EUNAUTHORIZED, "the API key was revoked")
	}
	if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
		return Errorf(EUNAUTHORIZED, "the API key expired")
	}
	return nil
}

// Principal returns who a request made with k is.
func (k *APIKey) Principal() *Principal {
	return &Principal{KeyID: k.ID, Role: k.Role, Subjects: slices.Clone(k.Subjects), Organisation: k.Organisation}
}

// KeyStore keeps API keys. Implementations: civicspace/sqlite,
// civicspace/postgres.
type KeyStore interface {
	// CreateKey stores a new key (ECONFLICT if its ID is taken).
	CreateKey(ctx context.Context, k *APIKey) error
	// Key returns a key by ID, revoked and expired ones included;
	// ENOTFOUND if there is none.
	Key(ctx context.Context, id string) (*APIKey, error)
	// Keys lists every key, oldest first.
	Keys(ctx context.Context) ([]*APIKey, error)
	// RevokeKey revokes a key at a time; revoking a revoked key keeps the
	// first time. ENOTFOUND if there is none.
	RevokeKey(ctx context.Context, id string, at time.Time) (*APIKey, error)
	// TouchKey records that a key was used at a time.
	TouchKey(ctx context.Context, id string, at time.Time) error
}

// ---- audit ----

// AuditEntry is one write: who, when, what, on what.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // the operation: createAssessment, publishAssessment, createKey, uploadPolicyPack…
	Target string    `json:"target"` // what it acted on: an assessment ID, a key ID, a pack name@version
	// Details are what the action changed, as JSON (never a secret).
	Details json.RawMessage `json:"details,omitempty"`
}

// AuditFilter selects audit entries; empty fields match everything.
type AuditFilter struct {
	Actor  string
	Action string
	Target string
	Since  time.Time // inclusive
	Until  time.Time // exclusive
	// PageSize is clamped like assessment pages.
	PageSize  int
	PageToken string
}

// AuditPage is one page of entries, newest first.
type AuditPage struct {
	Entries       []*AuditEntry
	NextPageToken string
}

// AuditStore keeps the audit trail: append-only.
type AuditStore interface {
	// AppendAudit stores e, setting its ID (and At if zero).
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// Audit returns a page of entries, newest first.
	Audit(ctx context.Context, f AuditFilter) (*AuditPage, error)
}

// ---- policy packs ----

// PolicyPack is an uploaded scoring policy: Rego modules (tests among them,
// named *_test.rego) and data documents, by file name as in an OPA bundle,
// with the digest of the policy they make.
type PolicyPack struct {
	Name       string            `json:"name"`
	Version    string            `json:"version"`
	Digest     string            `json:"digest"`
	Files      map[string]string `json:"files,omitempty"`
	UploadedAt time.Time         `json:"uploaded_at"`
	UploadedBy string            `json:"uploaded_by"`
}

// Ref is the pack's name@version.
func (p *PolicyPack) Ref() string { return p.Name + "@" + p.Version }

// parsePackRef splits "name@version"; an empty version means the latest
// uploaded.
func parsePackRef(ref string) (name, version string) {
	name, version, _ = strings.Cut(ref, "@")
	return name, version
}

// PolicyPackStore keeps policy packs. A name@version is written once.
type PolicyPackStore interface {
	// PutPolicyPack stores a pack; ECONFLICT if name@version exists.
	PutPolicyPack(ctx context.Context, p *PolicyPack) error
	// PolicyPack returns a pack with its files; an empty version returns
	// the latest uploaded of that name. ENOTFOUND if none.
	PolicyPack(ctx context.Context, name, version string) (*PolicyPack, error)
	// PolicyPacks lists every pack without its files, oldest first.
	PolicyPacks(ctx context.Context) ([]*PolicyPack, error)
}

// subjectKeyProblem says what is wrong with a key's subject ("" if
// nothing): it is org:NAME or a country code the embedded ISO 3166-1 table
// knows (DefaultCountries), upper case, or a user-assigned code (XAA). A
// key scoped to "ABC" or "xaa" could never match an assessment's subject,
// so it would be refused on every write.
func subjectKeyProblem(sub string) string {
	const want = "a subject is an upper-case ISO 3166-1 alpha-3 country code such as NOR, a user-assigned code such as XAA, or org:NAME"
	if name, ok := strings.CutPrefix(sub, "org:"); ok {
		if strings.TrimSpace(name) == "" {
			return want
		}
		return ""
	}
	if _, ok := DefaultCountries().Lookup(sub); !ok {
		return fmt.Sprintf("%q is not a known country code: %s", sub, want)
	}
	return ""
}
