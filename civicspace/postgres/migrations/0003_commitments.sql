-- Commitments, their revisions and their progress reports. Revisions and
-- reports are written once and never changed: the triggers at the end
-- refuse any UPDATE, DELETE or TRUNCATE of them (civicspace_refuse_change
-- comes from 0001). Filters read the documents' JSON: a country has tens
-- of commitments, not thousands.

-- One row per commitment: where it stands now. Its content lives in
-- commitment_revisions.
CREATE TABLE commitments (
	id                text COLLATE "C" PRIMARY KEY,
	-- seq orders listings and pagination. Creates take a transaction-level
	-- advisory lock before drawing it, so seq order is commit order.
	seq               bigint NOT NULL UNIQUE,
	version           integer NOT NULL CHECK (version >= 1),
	status            text NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
	-- published_version is the revision readers see and reports refer to:
	-- 0 when never published or withdrawn.
	published_version integer NOT NULL DEFAULT 0,
	created_at        timestamptz NOT NULL,
	created_by        text NOT NULL,
	updated_at        timestamptz NOT NULL,
	updated_by        text NOT NULL
);

CREATE SEQUENCE commitments_seq OWNED BY commitments.seq;
CREATE INDEX commitments_published ON commitments (seq) WHERE published_version > 0;

-- Every state a commitment has been in. The primary key is what lets
-- exactly one writer create each version.
CREATE TABLE commitment_revisions (
	commitment_id text COLLATE "C" NOT NULL REFERENCES commitments (id),
	version       integer NOT NULL CHECK (version >= 1),
	status        text NOT NULL,
	action        text NOT NULL,
	actor         text NOT NULL,
	at            timestamptz NOT NULL,
	note          text NOT NULL,
	-- json, not jsonb: documents come back byte for byte as stored.
	changes       json NOT NULL,
	document      json NOT NULL,
	PRIMARY KEY (commitment_id, version)
);

-- Progress reports, append-only: a correction is a new report. Each names
-- the published revision it reports on.
CREATE TABLE commitment_reports (
	commitment_id      text COLLATE "C" NOT NULL,
	seq                integer NOT NULL CHECK (seq >= 1),
	commitment_version integer NOT NULL,
	reporter_kind      text NOT NULL CHECK (reporter_kind IN ('government', 'independent')),
	level              text NOT NULL,
	date               text NOT NULL,
	created_at         timestamptz NOT NULL,
	created_by         text NOT NULL,
	document           json NOT NULL,
	PRIMARY KEY (commitment_id, seq),
	FOREIGN KEY (commitment_id, commitment_version) REFERENCES commitment_revisions (commitment_id, version)
);

CREATE TRIGGER commitments_no_delete BEFORE DELETE OR TRUNCATE ON commitments
	FOR EACH STATEMENT EXECUTE FUNCTION civicspace_refuse_change();
CREATE TRIGGER commitment_revisions_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON commitment_revisions
	FOR EACH STATEMENT EXECUTE FUNCTION civicspace_refuse_change();
CREATE TRIGGER commitment_reports_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON commitment_reports
	FOR EACH STATEMENT EXECUTE FUNCTION civicspace_refuse_change();
