-- The json type keeps a \u0000 escape that jsonb, and the JSON operators
-- that read text out of a document (->>, json_array_elements_text), refuse
-- (SQLSTATE 22P05): such a document was stored, and from then on every
-- filtered read that met it failed. These checks refuse it at the insert,
-- inside the write's transaction, so nothing of the write is left behind;
-- the store reports it as invalid input.
--
-- NOT VALID: rows already stored are not checked (a database holding such a
-- row still migrates, and nothing stored is lost); every new row is.
ALTER TABLE assessment_revisions ADD CONSTRAINT assessment_revisions_readable
	CHECK (document::jsonb IS NOT NULL AND changes::jsonb IS NOT NULL) NOT VALID;
ALTER TABLE commitment_revisions ADD CONSTRAINT commitment_revisions_readable
	CHECK (document::jsonb IS NOT NULL AND changes::jsonb IS NOT NULL) NOT VALID;
ALTER TABLE commitment_reports ADD CONSTRAINT commitment_reports_readable
	CHECK (document::jsonb IS NOT NULL) NOT VALID;
