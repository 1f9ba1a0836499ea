-- Commitments, their revisions and their progress reports. Revisions and
-- reports are written once and never changed: the triggers at the end
-- refuse any UPDATE or DELETE of them. Times are microseconds since the
-- Unix epoch, UTC. Filters read the documents' JSON (json_each,
-- json_extract): a country has tens of commitments, not thousands.

-- One row per commitment: where it stands now. Its content lives in
-- commitment_revisions.
CREATE TABLE commitments (
	id                TEXT PRIMARY KEY,
	-- seq orders listings and pagination, assigned inside the single
	-- writer's transaction, so commit order and seq order agree.
	seq               INTEGER NOT NULL UNIQUE,
	version           INTEGER NOT NULL CHECK (version >= 1),
	status            TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
	-- published_version is the revision readers see and reports refer to:
	-- 0 when never published or withdrawn.
	published_version INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL,
	created_by        TEXT NOT NULL,
	updated_at        INTEGER NOT NULL,
	updated_by        TEXT NOT NULL
) STRICT;

CREATE INDEX commitments_published ON commitments (seq) WHERE published_version > 0;

-- Every state a commitment has been in. The primary key is what lets
-- exactly one writer create each version.
CREATE TABLE commitment_revisions (
	commitment_id TEXT NOT NULL REFERENCES commitments (id),
	version       INTEGER NOT NULL CHECK (version >= 1),
	status        TEXT NOT NULL,
	action        TEXT NOT NULL,
	actor         TEXT NOT NULL,
	at            INTEGER NOT NULL,
	note          TEXT NOT NULL,
	changes       TEXT NOT NULL CHECK (json_valid(changes)),
	document      TEXT NOT NULL CHECK (json_valid(document)),
	PRIMARY KEY (commitment_id, version)
) STRICT;

-- Progress reports, append-only: a correction is a new report. Each names
-- the published revision it reports on.
CREATE TABLE commitment_reports (
	commitment_id      TEXT NOT NULL,
	seq                INTEGER NOT NULL CHECK (seq >= 1),
	commitment_version INTEGER NOT NULL,
	reporter_kind      TEXT NOT NULL CHECK (reporter_kind IN ('government', 'independent')),
	level              TEXT NOT NULL,
	date               TEXT NOT NULL,
	created_at         INTEGER NOT NULL,
	created_by         TEXT NOT NULL,
	document           TEXT NOT NULL CHECK (json_valid(document)),
	PRIMARY KEY (commitment_id, seq),
	FOREIGN KEY (commitment_id, commitment_version) REFERENCES commitment_revisions (commitment_id, version)
) STRICT;

CREATE TRIGGER commitments_no_delete BEFORE DELETE ON commitments
BEGIN SELECT RAISE(ABORT, 'commitments are never deleted: withdraw them'); END;
CREATE TRIGGER commitment_revisions_no_update BEFORE UPDATE ON commitment_revisions
BEGIN SELECT RAISE(ABORT, 'commitment revisions are never changed or deleted'); END;
CREATE TRIGGER commitment_revisions_no_delete BEFORE DELETE ON commitment_revisions
BEGIN SELECT RAISE(ABORT, 'commitment revisions are never changed or deleted'); END;
CREATE TRIGGER commitment_reports_no_update BEFORE UPDATE ON commitment_reports
BEGIN SELECT RAISE(ABORT, 'progress reports are never changed or deleted: file a correction'); END;
CREATE TRIGGER commitment_reports_no_delete BEFORE DELETE ON commitment_reports
BEGIN SELECT RAISE(ABORT, 'progress reports are never changed or deleted: file a correction'); END;
