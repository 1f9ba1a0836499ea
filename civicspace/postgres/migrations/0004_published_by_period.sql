-- Comparisons read the publications of one period: a ranking or a region
-- aggregate for 2025 out of ten years of data. assessments_published leads
-- with the subject, useless for a period, so the planner read the whole
-- table and sorted the period's rows, and each ranking cost as much as the
-- whole table. This index leads with the period and gives the period's
-- publications in the order DISTINCT ON needs (no sort); INCLUDE covers
-- the other columns read. Queries by subject (trends, gaps) keep using
-- assessments_published.
CREATE INDEX assessments_published_period ON assessments (pub_period, pub_subject_key, pub_kind, published_seq DESC)
	INCLUDE (id, published_version, pub_country, pub_organisation, pub_period_year)
	WHERE published_version > 0;
