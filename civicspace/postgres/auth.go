package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
	"github.com/jackc/pgx/v5"
)

var (
	_ civicspace.KeyStore        = (*Store)(nil)
	_ civicspace.AuditStore      = (*Store)(nil)
	_ civicspace.PolicyPackStore = (*Store)(nil)
)

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateKey stores a new key (only its hash).
func (s *Store) CreateKey(ctx context.Context, k *civicspace.APIKey) error {
	subjects, err := json.Marshal(nonNil(k.Subjects))
	if err != nil {
		return err
	}
	return s.write(ctx, "create key", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO api_keys (id, name, role, subjects, organisation, hash, created_at, created_by, expires_at, revoked_at, last_used_at)
			VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING`,
			k.ID, k.Name, string(k.Role), string(subjects), k.Organisation, k.Hash, k.CreatedAt.UTC(), k.CreatedBy,
			utcPtr(k.ExpiresAt), utcPtr(k.RevokedAt), utcPtr(k.LastUsedAt))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return civicspace.Errorf(civicspace.ECONFLICT, "a key with ID %s exists", k.ID)
		}
		return nil
	})
}

const keyColumns = `id, name, role, subjects, organisation, hash, created_at, created_by, expires_at, revoked_at, last_used_at`

func scanKey(row pgx.Row) (*civicspace.APIKey, error) {
	var (
		k        civicspace.APIKey
		role     string
		subjects []byte
	)
	if err := row.Scan(&k.ID, &k.Name, &role, &subjects, &k.Organisation, &k.Hash, &k.CreatedAt, &k.CreatedBy, &k.ExpiresAt, &k.RevokedAt, &k.LastUsedAt); err != nil {
		return nil, err
	}
	k.Role = civicspace.KeyRole(role)
	if err := json.Unmarshal(subjects, &k.Subjects); err != nil {
		return nil, err
	}
	k.CreatedAt = k.CreatedAt.UTC()
	k.ExpiresAt, k.RevokedAt, k.LastUsedAt = utcPtr(k.ExpiresAt), utcPtr(k.RevokedAt), utcPtr(k.LastUsedAt)
	return &k, nil
}

// Key returns a key by ID.
func (s *Store) Key(ctx context.Context, id string) (*civicspace.APIKey, error) {
	k, err := scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "no key with ID %q", id)
	}
	if err != nil {
		return nil, dbError("read key", err)
	}
	return k, nil
}

// Keys lists every key, oldest first.
func (s *Store) Keys(ctx context.Context) ([]*civicspace.APIKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, dbError("list keys", err)
	}
	defer rows.Close()
	keys := []*civicspace.APIKey{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, dbError("list keys", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("list keys", err)
	}
	return keys, nil
}

// RevokeKey revokes a key; the first revocation time is kept.
func (s *Store) RevokeKey(ctx context.Context, id string, at time.Time) (*civicspace.APIKey, error) {
	k, err := scanKey(s.pool.QueryRow(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING `+keyColumns,
		id, at.UTC().Truncate(time.Microsecond)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "no key with ID %q", id)
	}
	if err != nil {
		return nil, dbError("revoke key", err)
	}
	return k, nil
}

// TouchKey records a key's last use.
func (s *Store) TouchKey(ctx context.Context, id string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`,
		id, at.UTC().Truncate(time.Microsecond))
	if err != nil {
		return dbError("touch key", err)
	}
	return nil
}

// AppendAudit appends an entry to the audit trail.
func (s *Store) AppendAudit(ctx context.Context, e *civicspace.AuditEntry) error {
	if e.At.IsZero() {
		e.At = now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	var details *string
	if len(e.Details) > 0 {
		if !json.Valid(e.Details) {
			return civicspace.Errorf(civicspace.EINVALID, "audit details are not valid JSON")
		}
		d := string(e.Details)
		details = &d
	}
	err := s.pool.QueryRow(ctx, `INSERT INTO audit_log (at, actor, action, target, details) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id`,
		e.At, e.Actor, e.Action, e.Target, details).Scan(&e.ID)
	if err != nil {
		return dbError("append audit", err)
	}
	return nil
}

// Audit returns a page of audit entries, newest first.
func (s *Store) Audit(ctx context.Context, f civicspace.AuditFilter) (*civicspace.AuditPage, error) {
	where, args := []string{"TRUE"}, []any{}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Actor != "" {
		where = append(where, "actor = "+arg(f.Actor))
	}
	if f.Action != "" {
		where = append(where, "action = "+arg(f.Action))
	}
	if f.Target != "" {
		where = append(where, "target = "+arg(f.Target))
	}
	if !f.Since.IsZero() {
		where = append(where, "at >= "+arg(f.Since.UTC()))
	}
	if !f.Until.IsZero() {
		where = append(where, "at < "+arg(f.Until.UTC()))
	}
	if f.PageToken != "" {
		last, err := sqlrecord.DecodePageToken(f.PageToken)
		if err != nil {
			return nil, err
		}
		where = append(where, "id < "+arg(last))
	}
	size := civicspace.ClampPageSize(f.PageSize)
	rows, err := s.pool.Query(ctx, `SELECT id, at, actor, action, target, details::text FROM audit_log WHERE `+
		strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT `+arg(size+1), args...)
	if err != nil {
		return nil, dbError("read audit", err)
	}
	defer rows.Close()
	page := &civicspace.AuditPage{Entries: []*civicspace.AuditEntry{}}
	for rows.Next() {
		var (
			e       civicspace.AuditEntry
			details *string
		)
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Target, &details); err != nil {
			return nil, dbError("read audit", err)
		}
		e.At = e.At.UTC()
		if details != nil {
			e.Details = json.RawMessage(*details)
		}
		page.Entries = append(page.Entries, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("read audit", err)
	}
	if len(page.Entries) > size {
		page.Entries = page.Entries[:size]
		page.NextPageToken = sqlrecord.EncodePageToken(page.Entries[size-1].ID)
	}
	return page, nil
}

// PutPolicyPack stores a pack; a name@version is written once.
func (s *Store) PutPolicyPack(ctx context.Context, p *civicspace.PolicyPack) error {
	files, err := json.Marshal(p.Files)
	if err != nil {
		return err
	}
	if p.UploadedAt.IsZero() {
		p.UploadedAt = now()
	}
	p.UploadedAt = p.UploadedAt.UTC().Truncate(time.Microsecond)
	tag, err := s.pool.Exec(ctx, `INSERT INTO policy_packs (name, version, digest, files, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
		ON CONFLICT (name, version) DO NOTHING`,
		p.Name, p.Version, p.Digest, string(files), p.UploadedAt, p.UploadedBy)
	if err != nil {
		return dbError("store policy pack", err)
	}
	if tag.RowsAffected() == 0 {
		return civicspace.Errorf(civicspace.ECONFLICT, "policy pack %s exists: a version is uploaded once, give the new one another version", p.Ref())
	}
	return nil
}

// PolicyPack returns a pack with its files; the latest of the name for an
// empty version.
func (s *Store) PolicyPack(ctx context.Context, name, version string) (*civicspace.PolicyPack, error) {
	var (
		p     civicspace.PolicyPack
		files []byte
	)
	err := s.pool.QueryRow(ctx, `SELECT name, version, digest, files, uploaded_at, uploaded_by FROM policy_packs
		WHERE name = $1 AND ($2 = '' OR version = $2) ORDER BY seq DESC LIMIT 1`, name, version).
		Scan(&p.Name, &p.Version, &p.Digest, &files, &p.UploadedAt, &p.UploadedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "no policy pack %s", strings.TrimSuffix(name+"@"+version, "@"))
	}
	if err != nil {
		return nil, dbError("read policy pack", err)
	}
	p.UploadedAt = p.UploadedAt.UTC()
	if err := json.Unmarshal(files, &p.Files); err != nil {
		return nil, dbError("read policy pack", err)
	}
	return &p, nil
}

// PolicyPacks lists every pack without its files, oldest first.
func (s *Store) PolicyPacks(ctx context.Context) ([]*civicspace.PolicyPack, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, version, digest, uploaded_at, uploaded_by FROM policy_packs ORDER BY seq`)
	if err != nil {
		return nil, dbError("list policy packs", err)
	}
	defer rows.Close()
	packs := []*civicspace.PolicyPack{}
	for rows.Next() {
		var p civicspace.PolicyPack
		if err := rows.Scan(&p.Name, &p.Version, &p.Digest, &p.UploadedAt, &p.UploadedBy); err != nil {
			return nil, dbError("list policy packs", err)
		}
		p.UploadedAt = p.UploadedAt.UTC()
		packs = append(packs, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("list policy packs", err)
	}
	return packs, nil
}
