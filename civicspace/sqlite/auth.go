package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
)

var (
	_ civicspace.KeyStore        = (*Store)(nil)
	_ civicspace.AuditStore      = (*Store)(nil)
	_ civicspace.PolicyPackStore = (*Store)(nil)
)

func optMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().UnixMicro()
}

func optTime(us sql.NullInt64) *time.Time {
	if !us.Valid {
		return nil
	}
	t := fromMicros(us.Int64)
	return &t
}

// CreateKey stores a new key (only its hash).
func (s *Store) CreateKey(ctx context.Context, k *civicspace.APIKey) error {
	subjects, err := json.Marshal(nonNil(k.Subjects))
	if err != nil {
		return err
	}
	return s.write(ctx, "create key", func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE id = $1`, k.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return civicspace.Errorf(civicspace.ECONFLICT, "a key with ID %s exists", k.ID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, name, role, subjects, organisation, hash, created_at, created_by, expires_at, revoked_at, last_used_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			k.ID, k.Name, string(k.Role), string(subjects), k.Organisation, k.Hash, k.CreatedAt.UTC().UnixMicro(), k.CreatedBy,
			optMicros(k.ExpiresAt), optMicros(k.RevokedAt), optMicros(k.LastUsedAt))
		return err
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const keyColumns = `id, name, role, subjects, organisation, hash, created_at, created_by, expires_at, revoked_at, last_used_at`

type rowScanner interface{ Scan(dest ...any) error }

func scanKey(row rowScanner) (*civicspace.APIKey, error) {
	var (
		k                         civicspace.APIKey
		role, subjects            string
		created                   int64
		expires, revoked, lastUse sql.NullInt64
	)
	if err := row.Scan(&k.ID, &k.Name, &role, &subjects, &k.Organisation, &k.Hash, &created, &k.CreatedBy, &expires, &revoked, &lastUse); err != nil {
		return nil, err
	}
	k.Role = civicspace.KeyRole(role)
	if err := json.Unmarshal([]byte(subjects), &k.Subjects); err != nil {
		return nil, err
	}
	k.CreatedAt = fromMicros(created)
	k.ExpiresAt, k.RevokedAt, k.LastUsedAt = optTime(expires), optTime(revoked), optTime(lastUse)
	return &k, nil
}

// Key returns a key by ID.
func (s *Store) Key(ctx context.Context, id string) (*civicspace.APIKey, error) {
	k, err := scanKey(s.reader.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "no key with ID %q", id)
	}
	if err != nil {
		return nil, dbError("read key", err)
	}
	return k, nil
}

// Keys lists every key, oldest first.
func (s *Store) Keys(ctx context.Context) ([]*civicspace.APIKey, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys ORDER BY created_at, id`)
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
	var k *civicspace.APIKey
	err := s.write(ctx, "revoke key", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, at.UTC().UnixMicro())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return civicspace.Errorf(civicspace.ENOTFOUND, "no key with ID %q", id)
		}
		k, err = scanKey(tx.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = $1`, id))
		return err
	})
	return k, err
}

// TouchKey records a key's last use.
func (s *Store) TouchKey(ctx context.Context, id string, at time.Time) error {
	return s.write(ctx, "touch key", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`, id, at.UTC().UnixMicro())
		return err
	})
}

// AppendAudit appends an entry to the audit trail.
func (s *Store) AppendAudit(ctx context.Context, e *civicspace.AuditEntry) error {
	if e.At.IsZero() {
		e.At = now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	var details any
	if len(e.Details) > 0 {
		if !json.Valid(e.Details) {
			return civicspace.Errorf(civicspace.EINVALID, "audit details are not valid JSON")
		}
		details = string(e.Details)
	}
	return s.write(ctx, "append audit", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO audit_log (at, actor, action, target, details) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			e.At.UnixMicro(), e.Actor, e.Action, e.Target, details).Scan(&e.ID)
	})
}

// Audit returns a page of audit entries, newest first.
func (s *Store) Audit(ctx context.Context, f civicspace.AuditFilter) (*civicspace.AuditPage, error) {
	where, args := []string{"1 = 1"}, []any{}
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
		where = append(where, "at >= "+arg(f.Since.UTC().UnixMicro()))
	}
	if !f.Until.IsZero() {
		where = append(where, "at < "+arg(f.Until.UTC().UnixMicro()))
	}
	if f.PageToken != "" {
		last, err := sqlrecord.DecodePageToken(f.PageToken)
		if err != nil {
			return nil, err
		}
		where = append(where, "id < "+arg(last))
	}
	size := civicspace.ClampPageSize(f.PageSize)
	rows, err := s.reader.QueryContext(ctx, `SELECT id, at, actor, action, target, details FROM audit_log WHERE `+
		strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT `+arg(size+1), args...)
	if err != nil {
		return nil, dbError("read audit", err)
	}
	defer rows.Close()
	page := &civicspace.AuditPage{Entries: []*civicspace.AuditEntry{}}
	for rows.Next() {
		var (
			e       civicspace.AuditEntry
			at      int64
			details sql.NullString
		)
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &details); err != nil {
			return nil, dbError("read audit", err)
		}
		e.At = fromMicros(at)
		if details.Valid {
			e.Details = json.RawMessage(details.String)
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
	return s.write(ctx, "store policy pack", func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM policy_packs WHERE name = $1 AND version = $2`, p.Name, p.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return civicspace.Errorf(civicspace.ECONFLICT, "policy pack %s exists: a version is uploaded once, give the new one another version", p.Ref())
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO policy_packs (name, version, digest, files, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.Name, p.Version, p.Digest, string(files), p.UploadedAt.UnixMicro(), p.UploadedBy)
		return err
	})
}

// PolicyPack returns a pack with its files; the latest of the name for an
// empty version.
func (s *Store) PolicyPack(ctx context.Context, name, version string) (*civicspace.PolicyPack, error) {
	var (
		p        civicspace.PolicyPack
		files    string
		uploaded int64
	)
	err := s.reader.QueryRowContext(ctx, `SELECT name, version, digest, files, uploaded_at, uploaded_by FROM policy_packs
		WHERE name = $1 AND ($2 = '' OR version = $2) ORDER BY seq DESC LIMIT 1`, name, version).
		Scan(&p.Name, &p.Version, &p.Digest, &files, &uploaded, &p.UploadedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "no policy pack %s", strings.TrimSuffix(name+"@"+version, "@"))
	}
	if err != nil {
		return nil, dbError("read policy pack", err)
	}
	p.UploadedAt = fromMicros(uploaded)
	if err := json.Unmarshal([]byte(files), &p.Files); err != nil {
		return nil, dbError("read policy pack", err)
	}
	return &p, nil
}

// PolicyPacks lists every pack without its files, oldest first.
func (s *Store) PolicyPacks(ctx context.Context) ([]*civicspace.PolicyPack, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT name, version, digest, uploaded_at, uploaded_by FROM policy_packs ORDER BY seq`)
	if err != nil {
		return nil, dbError("list policy packs", err)
	}
	defer rows.Close()
	packs := []*civicspace.PolicyPack{}
	for rows.Next() {
		var (
			p        civicspace.PolicyPack
			uploaded int64
		)
		if err := rows.Scan(&p.Name, &p.Version, &p.Digest, &uploaded, &p.UploadedBy); err != nil {
			return nil, dbError("list policy packs", err)
		}
		p.UploadedAt = fromMicros(uploaded)
		packs = append(packs, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("list policy packs", err)
	}
	return packs, nil
}
