-- The assessment store. Revisions and scores are written once and never
-- changed: the triggers at the end refuse any UPDATE, DELETE or TRUNCATE of
-- them, so that no code path (ours or an operator's slip) can lose a saved
-- answer. Keys and filter columns use the "C" collation so that both stores
-- order them byte-wise, the same way.

-- One row per assessment: where it stands now. Its content lives in
-- assessment_revisions; this row points at the current and the published
-- revision and carries the columns lists and comparisons filter on.
CREATE TABLE assessments (
	id                text COLLATE "C" PRIMARY KEY,
	-- seq orders listings and pagination. Creates take a transaction-level
	-- advisory lock before drawing it, so seq order is commit order and a
	-- page never skips a record committed after a later one.
	seq               bigint NOT NULL UNIQUE,
	version           integer NOT NULL CHECK (version >= 1),
	status            text NOT NULL CHECK (status IN ('draft', 'submitted', 'published', 'withdrawn')),
	-- published_version is the revision readers see: 0 when never published
	-- or withdrawn.
	published_version integer NOT NULL DEFAULT 0,
	-- published_seq orders publications (the most recent wins for a
	-- subject, period and kind); it stays set once the assessment has ever
	-- been published, which forbids deleting it.
	published_seq     bigint,
	subject_key       text COLLATE "C" NOT NULL,
	country           text COLLATE "C" NOT NULL,
	organisation      text COLLATE "C" NOT NULL,
	period            text COLLATE "C" NOT NULL,
	period_year       integer NOT NULL,
	kind              text COLLATE "C" NOT NULL,
	-- The subject, period and kind of the published revision, which a
	-- correction being drafted may change.
	pub_subject_key   text COLLATE "C",
	pub_country       text COLLATE "C",
	pub_organisation  text COLLATE "C",
	pub_period        text COLLATE "C",
	pub_period_year   integer,
	pub_kind          text COLLATE "C",
	created_at        timestamptz NOT NULL,
	created_by        text NOT NULL,
	updated_at        timestamptz NOT NULL,
	updated_by        text NOT NULL,
	deleted           boolean NOT NULL DEFAULT false
);

CREATE SEQUENCE assessments_seq OWNED BY assessments.seq;
CREATE SEQUENCE assessments_published_seq OWNED BY assessments.published_seq;

CREATE INDEX assessments_country ON assessments (country, seq) WHERE NOT deleted;
CREATE INDEX assessments_subject ON assessments (subject_key, seq) WHERE NOT deleted;
-- Finds the latest publication of each subject, period and kind; INCLUDE
-- covers the other columns that query reads.
CREATE INDEX assessments_published ON assessments (pub_subject_key, pub_period, pub_kind, published_seq DESC)
	INCLUDE (id, published_version, pub_country, pub_organisation, pub_period_year)
	WHERE published_version > 0;

-- Every state an assessment has been in. The primary key is what lets
-- exactly one writer create each version.
CREATE TABLE assessment_revisions (
	assessment_id text COLLATE "C" NOT NULL REFERENCES assessments (id),
	version       integer NOT NULL CHECK (version >= 1),
	status        text NOT NULL,
	action        text NOT NULL,
	actor         text NOT NULL,
	at            timestamptz NOT NULL,
	note          text NOT NULL,
	-- json, not jsonb: documents come back byte for byte as stored.
	changes       json NOT NULL,
	document      json NOT NULL,
	PRIMARY KEY (assessment_id, version)
);

-- A result computed for one revision under one policy.
CREATE TABLE scores (
	assessment_id  text COLLATE "C" NOT NULL,
	version        integer NOT NULL,
	policy_digest  text COLLATE "C" NOT NULL,
	catalog_digest text NOT NULL,
	computed_at    timestamptz NOT NULL,
	band           text NOT NULL,
	score          double precision,
	result         json NOT NULL,
	PRIMARY KEY (assessment_id, version, policy_digest),
	FOREIGN KEY (assessment_id, version) REFERENCES assessment_revisions (assessment_id, version)
);

CREATE INDEX scores_policy ON scores (policy_digest);

-- The numbers of a score, one row each, for comparisons across assessments.
CREATE TABLE score_observations (
	assessment_id text COLLATE "C" NOT NULL,
	version       integer NOT NULL,
	policy_digest text COLLATE "C" NOT NULL,
	level         text COLLATE "C" NOT NULL,
	item_id       text COLLATE "C" NOT NULL,
	score         double precision,
	coverage      double precision,
	status        text NOT NULL,
	PRIMARY KEY (assessment_id, version, policy_digest, level, item_id),
	FOREIGN KEY (assessment_id, version, policy_digest) REFERENCES scores (assessment_id, version, policy_digest)
);

-- No index on (policy_digest, level, item_id): comparisons start from the
-- latest publications and seek each one's observations by primary key.
-- Such an index was never the faster path, and on PostgreSQL the planner,
-- before statistics existed, took it for every publication (3 s instead
-- of 20 ms for one recommendation of 2,000 assessments).

CREATE FUNCTION civicspace_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% rows are never changed or deleted (% refused)', TG_TABLE_NAME, TG_OP
		USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER assessments_no_delete BEFORE DELETE OR TRUNCATE ON assessments
	FOR EACH STATEMENT EXECUTE FUNCTION civicspace_refuse_change();
CREATE TRIGGER assessment_revisions_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON assessment_revisions
	FOR EACH STATEMENT EXECUTE FUNCTION civicspace_refuse_change();
CREATE TRIGGER scores_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON scores
	FOR EACH STATEMENT EXECUTE FUNCTION civicspace_refuse_change();
CREATE TRIGGER score_observations_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON score_observations
	FOR EACH STATEMENT EXECUTE FUNCTION civicspace_refuse_change();
