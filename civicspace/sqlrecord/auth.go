package sqlrecord

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

var (
	_ civicspace.KeyStore        = (*Access)(nil)
	_ civicspace.AuditStore      = (*Access)(nil)
	_ civicspace.PolicyPackStore = (*Access)(nil)
)

// Access keeps what decides and records access: API keys (their hashes),
// the audit trail and the uploaded policy packs.
type Access struct {
	db DB
	d  Dialect
}

// NewAccess returns the keys, audit trail and policy packs of db, kept in
// the tables api_keys, audit_log and policy_packs.
func NewAccess(db DB, d Dialect) *Access { return &Access{db: db, d: d} }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateKey stores a new key (only its hash); an ID is used once.
func (s *Access) CreateKey(ctx context.Context, k *civicspace.APIKey) error {
	subjects, err := json.Marshal(nonNil(k.Subjects))
	if err != nil {
		return err
	}
	n, err := s.db.Exec(ctx, `INSERT INTO api_keys (id, name, role, subjects, organisation, hash, created_at, created_by, expires_at, revoked_at, last_used_at)
		VALUES ($1, $2, $3, `+s.d.JSONValue("$4")+`, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING`,
		k.ID, k.Name, string(k.Role), string(subjects), k.Organisation, k.Hash, s.d.Time(k.CreatedAt.UTC().Truncate(time.Microsecond)), k.CreatedBy,
		optTime(s.d, k.ExpiresAt), optTime(s.d, k.RevokedAt), optTime(s.d, k.LastUsedAt))
	if err != nil {
		return Error(s.d, "create key", err)
	}
	if n == 0 {
		return civicspace.Errorf(civicspace.ESTATE, "a key with ID %s exists", k.ID)
	}
	return nil
}

const keyColumns = `id, name, role, subjects, organisation, hash, created_at, created_by, expires_at, revoked_at, last_used_at`

func scanKey(row Row) (*civicspace.APIKey, error) {
	var (
		k        civicspace.APIKey
		role     string
		subjects []byte
	)
	if err := row.Scan(&k.ID, &k.Name, &role, &subjects, &k.Organisation, &k.Hash, ScanTime(&k.CreatedAt), &k.CreatedBy,
		ScanOptTime(&k.ExpiresAt), ScanOptTime(&k.RevokedAt), ScanOptTime(&k.LastUsedAt)); err != nil {
		return nil, err
	}
	k.Role = civicspace.KeyRole(role)
	if err := json.Unmarshal(subjects, &k.Subjects); err != nil {
		return nil, err
	}
	return &k, nil
}

func (s *Access) keyNotFound(id string, err error) error {
	if s.d.IsNoRows(err) {
		return keyMissing(id)
	}
	return err
}

func keyMissing(id string) error {
	return civicspace.Errorf(civicspace.ENOTFOUND, "no key with ID %q", id)
}

// Key returns a key by ID.
func (s *Access) Key(ctx context.Context, id string) (*civicspace.APIKey, error) {
	k, err := scanKey(s.db.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = $1`, id))
	return k, Error(s.d, "read key", s.keyNotFound(id, err))
}

// Keys lists every key, oldest first.
func (s *Access) Keys(ctx context.Context) ([]*civicspace.APIKey, error) {
	keys, err := queryAll(ctx, s.db, scanKey, `SELECT `+keyColumns+` FROM api_keys ORDER BY created_at, id`)
	return keys, Error(s.d, "list keys", err)
}

// RevokeKey revokes a key; the first revocation time is kept.
func (s *Access) RevokeKey(ctx context.Context, id string, at time.Time) (*civicspace.APIKey, error) {
	var k *civicspace.APIKey
	err := s.db.Write(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, optTime(s.d, &at))
		if err != nil {
			return err
		}
		if n == 0 {
			return keyMissing(id)
		}
		k, err = scanKey(tx.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = $1`, id))
		return err
	})
	return k, Error(s.d, "revoke key", err)
}

// TouchKey records that a key was used at at (never moving it back).
func (s *Access) TouchKey(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`, id, optTime(s.d, &at))
	return Error(s.d, "touch key", err)
}

// AppendAudit appends an entry to the audit trail.
func (s *Access) AppendAudit(ctx context.Context, e *civicspace.AuditEntry) error {
	if e.At.IsZero() {
		e.At = Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	var details any
	if len(e.Details) > 0 {
		if !json.Valid(e.Details) {
			return civicspace.Errorf(civicspace.EINVALID, "audit details are not valid JSON")
		}
		details = string(e.Details)
	}
	err := s.db.Write(ctx, func(tx Querier) error {
		return tx.QueryRow(ctx, `INSERT INTO audit_log (at, actor, action, target, details) VALUES ($1, $2, $3, $4, `+s.d.JSONValue("$5")+`) RETURNING id`,
			s.d.Time(e.At), e.Actor, e.Action, e.Target, details).Scan(&e.ID)
	})
	return Error(s.d, "append audit", err)
}

// Audit returns a page of audit entries, newest first.
func (s *Access) Audit(ctx context.Context, f civicspace.AuditFilter) (*civicspace.AuditPage, error) {
	q := &Query{}
	for _, c := range [][2]string{{"actor", f.Actor}, {"action", f.Action}, {"target", f.Target}} {
		if c[1] != "" {
			q.Add(c[0]+" = ?", c[1])
		}
	}
	if !f.Since.IsZero() {
		q.Add("at >= ?", s.d.Time(f.Since.UTC()))
	}
	if !f.Until.IsZero() {
		q.Add("at < ?", s.d.Time(f.Until.UTC()))
	}
	if f.PageToken != "" {
		last, err := DecodePageToken(f.PageToken)
		if err != nil {
			return nil, err
		}
		q.Add("id < ?", last)
	}
	size := civicspace.ClampPageSize(f.PageSize)
	entries, err := queryAll(ctx, s.db, func(row Row) (*civicspace.AuditEntry, error) {
		var (
			e       civicspace.AuditEntry
			details []byte
		)
		if err := row.Scan(&e.ID, ScanTime(&e.At), &e.Actor, &e.Action, &e.Target, &details); err != nil {
			return nil, err
		}
		if details != nil {
			e.Details = json.RawMessage(details)
		}
		return &e, nil
	}, `SELECT id, at, actor, action, target, details FROM audit_log WHERE `+q.SQL()+` ORDER BY id DESC LIMIT `+q.Param(size+1), q.Args()...)
	if err != nil {
		return nil, Error(s.d, "read audit", err)
	}
	page := &civicspace.AuditPage{Entries: entries}
	if len(entries) > size {
		page.Entries = entries[:size]
		page.NextPageToken = EncodePageToken(page.Entries[size-1].ID)
	}
	return page, nil
}

// PutPolicyPack stores a pack; a name@version is written once.
func (s *Access) PutPolicyPack(ctx context.Context, p *civicspace.PolicyPack) error {
	files, err := json.Marshal(p.Files)
	if err != nil {
		return err
	}
	if p.UploadedAt.IsZero() {
		p.UploadedAt = Now()
	}
	p.UploadedAt = p.UploadedAt.UTC().Truncate(time.Microsecond)
	n, err := s.db.Exec(ctx, `INSERT INTO policy_packs (name, version, digest, files, uploaded_at, uploaded_by) VALUES ($1, $2, $3, `+s.d.JSONValue("$4")+`, $5, $6)
		ON CONFLICT (name, version) DO NOTHING`, p.Name, p.Version, p.Digest, string(files), s.d.Time(p.UploadedAt), p.UploadedBy)
	if err != nil {
		return Error(s.d, "store policy pack", err)
	}
	if n == 0 {
		return civicspace.Errorf(civicspace.ESTATE, "policy pack %s exists: a version is uploaded once, give the new one another version", p.Ref())
	}
	return nil
}

// PolicyPack returns a pack with its files; the latest of the name for an
// empty version.
func (s *Access) PolicyPack(ctx context.Context, name, version string) (*civicspace.PolicyPack, error) {
	var (
		p     civicspace.PolicyPack
		files []byte
	)
	err := s.db.QueryRow(ctx, `SELECT name, version, digest, files, uploaded_at, uploaded_by FROM policy_packs
		WHERE name = $1 AND ($2 = '' OR version = $2) ORDER BY seq DESC LIMIT 1`, name, version).
		Scan(&p.Name, &p.Version, &p.Digest, &files, ScanTime(&p.UploadedAt), &p.UploadedBy)
	if s.d.IsNoRows(err) {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "no policy pack %s", strings.TrimSuffix(name+"@"+version, "@"))
	}
	if err == nil {
		err = json.Unmarshal(files, &p.Files)
	}
	if err != nil {
		return nil, Error(s.d, "read policy pack", err)
	}
	return &p, nil
}

// PolicyPacks lists every pack without its files, oldest first.
func (s *Access) PolicyPacks(ctx context.Context) ([]*civicspace.PolicyPack, error) {
	packs, err := queryAll(ctx, s.db, func(row Row) (*civicspace.PolicyPack, error) {
		var p civicspace.PolicyPack
		err := row.Scan(&p.Name, &p.Version, &p.Digest, ScanTime(&p.UploadedAt), &p.UploadedBy)
		return &p, err
	}, `SELECT name, version, digest, uploaded_at, uploaded_by FROM policy_packs ORDER BY seq`)
	return packs, Error(s.d, "list policy packs", err)
}
