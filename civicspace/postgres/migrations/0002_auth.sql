-- Access control: API keys, the audit trail and uploaded policy packs.

-- An API key is stored as the SHA-256 of the whole key, never in clear:
-- the key is shown once, when it is created. id is its public part.
CREATE TABLE api_keys (
	id           text PRIMARY KEY,
	name         text NOT NULL,
	role         text NOT NULL CHECK (role IN ('admin', 'assessor', 'reviewer', 'watchdog')),
	subjects     jsonb NOT NULL,
	organisation text NOT NULL,
	hash         bytea NOT NULL CHECK (length(hash) = 32),
	created_at   timestamptz NOT NULL,
	created_by   text NOT NULL,
	expires_at   timestamptz,
	revoked_at   timestamptz,
	last_used_at timestamptz
);

-- The audit trail is append-only, like revisions.
CREATE TABLE audit_log (
	id      bigserial PRIMARY KEY,
	at      timestamptz NOT NULL,
	actor   text NOT NULL,
	action  text NOT NULL,
	target  text NOT NULL,
	details jsonb
);

CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- A policy pack's name@version is written once.
CREATE TABLE policy_packs (
	seq         bigserial PRIMARY KEY,
	name        text NOT NULL,
	version     text NOT NULL,
	digest      text NOT NULL,
	files       jsonb NOT NULL,
	uploaded_at timestamptz NOT NULL,
	uploaded_by text NOT NULL,
	UNIQUE (name, version)
);

CREATE FUNCTION policy_packs_write_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'policy packs are written once';
END $$;
CREATE TRIGGER policy_packs_no_update BEFORE UPDATE ON policy_packs
	FOR EACH ROW EXECUTE FUNCTION policy_packs_write_once();
