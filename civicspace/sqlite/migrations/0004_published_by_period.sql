-- Comparisons read the publications of one period: a ranking or a region
-- aggregate for 2025 out of ten years of data. assessments_published leads
-- with the subject, so that query scanned every publication of every
-- period to keep a tenth of them, and each ranking cost as much as the
-- whole table. This index leads with the period: the query seeks the
-- period's publications, in the (subject, kind, published_seq) order its
-- GROUP BY needs, and covers every column it reads. Queries by subject
-- (trends, gaps) keep using assessments_published.
CREATE INDEX assessments_published_period ON assessments
	(pub_period, pub_subject_key, pub_kind, published_seq, id, published_version, pub_country, pub_organisation, pub_period_year)
	WHERE published_version > 0;
