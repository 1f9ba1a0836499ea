-- The assessment store. Revisions and scores are written once and never
-- changed: the triggers at the end refuse any UPDATE or DELETE of them, so
-- that no code path (ours or an operator's slip) can lose a saved answer.
-- Times are microseconds since the Unix epoch, UTC.

-- One row per assessment: where it stands now. Its content lives in
-- assessment_revisions; this row points at the current and the published
-- revision and carries the columns lists and comparisons filter on.
CREATE TABLE assessments (
	id                TEXT PRIMARY KEY,
	-- seq orders listings and pagination: assigned inside the single
	-- writer's transaction, so commit order and seq order agree.
	seq               INTEGER NOT NULL UNIQUE,
	version           INTEGER NOT NULL CHECK (version >= 1),
	status            TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'published', 'withdrawn')),
	-- published_version is the revision readers see: 0 when never published
	-- or withdrawn.
	published_version INTEGER NOT NULL DEFAULT 0,
	-- published_seq orders publications (the most recent wins for a
	-- subject, period and kind); it stays set once the assessment has ever
	-- been published, which forbids deleting it.
	published_seq     INTEGER,
	subject_key       TEXT NOT NULL,
	country           TEXT NOT NULL,
	organisation      TEXT NOT NULL,
	period            TEXT NOT NULL,
	period_year       INTEGER NOT NULL,
	kind              TEXT NOT NULL,
	-- The subject, period and kind of the published revision, which a
	-- correction being drafted may change.
	pub_subject_key   TEXT,
	pub_country       TEXT,
	pub_organisation  TEXT,
	pub_period        TEXT,
	pub_period_year   INTEGER,
	pub_kind          TEXT,
	created_at        INTEGER NOT NULL,
	created_by        TEXT NOT NULL,
	updated_at        INTEGER NOT NULL,
	updated_by        TEXT NOT NULL,
	deleted           INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;

CREATE INDEX assessments_country ON assessments (country, seq) WHERE deleted = 0;
CREATE INDEX assessments_subject ON assessments (subject_key, seq) WHERE deleted = 0;
-- Finds the latest publication of each subject, period and kind, and
-- covers every column that query reads, so it never visits the table.
CREATE INDEX assessments_published ON assessments
	(pub_subject_key, pub_period, pub_kind, published_seq, id, published_version, pub_country, pub_organisation, pub_period_year)
	WHERE published_version > 0;
CREATE INDEX assessments_published_seq ON assessments (published_seq);

-- Every state an assessment has been in. The primary key is what lets
-- exactly one writer create each version.
CREATE TABLE assessment_revisions (
	assessment_id TEXT NOT NULL REFERENCES assessments (id),
	version       INTEGER NOT NULL CHECK (version >= 1),
	status        TEXT NOT NULL,
	action        TEXT NOT NULL,
	actor         TEXT NOT NULL,
	at            INTEGER NOT NULL,
	note          TEXT NOT NULL,
	changes       TEXT NOT NULL CHECK (json_valid(changes)),
	document      TEXT NOT NULL CHECK (json_valid(document)),
	PRIMARY KEY (assessment_id, version)
) STRICT;

-- A result computed for one revision under one policy.
CREATE TABLE scores (
	assessment_id  TEXT NOT NULL,
	version        INTEGER NOT NULL,
	policy_digest  TEXT NOT NULL,
	catalog_digest TEXT NOT NULL,
	computed_at    INTEGER NOT NULL,
	band           TEXT NOT NULL,
	score          REAL,
	result         TEXT NOT NULL CHECK (json_valid(result)),
	PRIMARY KEY (assessment_id, version, policy_digest),
	FOREIGN KEY (assessment_id, version) REFERENCES assessment_revisions (assessment_id, version)
) STRICT;

CREATE INDEX scores_policy ON scores (policy_digest);

-- The numbers of a score, one row each, for comparisons across assessments.
CREATE TABLE score_observations (
	assessment_id TEXT NOT NULL,
	version       INTEGER NOT NULL,
	policy_digest TEXT NOT NULL,
	level         TEXT NOT NULL,
	item_id       TEXT NOT NULL,
	score         REAL,
	coverage      REAL,
	status        TEXT NOT NULL,
	PRIMARY KEY (assessment_id, version, policy_digest, level, item_id),
	FOREIGN KEY (assessment_id, version, policy_digest) REFERENCES scores (assessment_id, version, policy_digest)
) STRICT, WITHOUT ROWID;

-- No index on (policy_digest, level, item_id): comparisons start from the
-- latest publications and seek each one's observations by primary key.
-- Such an index was never the faster path, and on PostgreSQL the planner,
-- before statistics existed, took it for every publication (3 s instead
-- of 20 ms for one recommendation of 2,000 assessments).

CREATE TRIGGER assessments_no_delete BEFORE DELETE ON assessments
BEGIN SELECT RAISE(ABORT, 'assessments are never deleted: DeleteAssessment marks them deleted'); END;
CREATE TRIGGER assessment_revisions_no_update BEFORE UPDATE ON assessment_revisions
BEGIN SELECT RAISE(ABORT, 'assessment revisions are never changed or deleted'); END;
CREATE TRIGGER assessment_revisions_no_delete BEFORE DELETE ON assessment_revisions
BEGIN SELECT RAISE(ABORT, 'assessment revisions are never changed or deleted'); END;
CREATE TRIGGER scores_no_update BEFORE UPDATE ON scores
BEGIN SELECT RAISE(ABORT, 'stored scores are never changed or deleted'); END;
CREATE TRIGGER scores_no_delete BEFORE DELETE ON scores
BEGIN SELECT RAISE(ABORT, 'stored scores are never changed or deleted'); END;
CREATE TRIGGER score_observations_no_update BEFORE UPDATE ON score_observations
BEGIN SELECT RAISE(ABORT, 'stored scores are never changed or deleted'); END;
CREATE TRIGGER score_observations_no_delete BEFORE DELETE ON score_observations
BEGIN SELECT RAISE(ABORT, 'stored scores are never changed or deleted'); END;
