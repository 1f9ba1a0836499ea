-- Access control: API keys, the audit trail and uploaded policy packs.

-- An API key is stored as the SHA-256 of the whole key, never in clear:
-- the key is shown once, when it is created. id is its public part.
CREATE TABLE api_keys (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL,
	role         TEXT NOT NULL CHECK (role IN ('admin', 'assessor', 'reviewer', 'watchdog')),
	subjects     TEXT NOT NULL, -- JSON array of subject keys
	organisation TEXT NOT NULL,
	hash         BLOB NOT NULL CHECK (length(hash) = 32),
	created_at   INTEGER NOT NULL,
	created_by   TEXT NOT NULL,
	expires_at   INTEGER,
	revoked_at   INTEGER,
	last_used_at INTEGER
) STRICT;

-- The audit trail is append-only, like revisions.
CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	at      INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	target  TEXT NOT NULL,
	details TEXT
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- A policy pack's name@version is written once.
CREATE TABLE policy_packs (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	name        TEXT NOT NULL,
	version     TEXT NOT NULL,
	digest      TEXT NOT NULL,
	files       TEXT NOT NULL, -- JSON object: file name → content
	uploaded_at INTEGER NOT NULL,
	uploaded_by TEXT NOT NULL,
	UNIQUE (name, version)
) STRICT;

CREATE TRIGGER policy_packs_no_update BEFORE UPDATE ON policy_packs
BEGIN SELECT RAISE(ABORT, 'policy packs are written once'); END;
