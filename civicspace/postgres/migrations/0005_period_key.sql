-- One notion of a period (civicspace.Period.Key): "2025" and
-- "2025-01-01/2025-12-31" are the same period, indexed under "2025", so
-- that a comparison or a listing for 2025 finds both and a subject's
-- latest publication of a kind for 2025 is the latest of either. Rows
-- written before this migration hold the period as written: rewrite the
-- whole-year ranges to their year. Documents keep the period as written.
UPDATE assessments SET period = substr(period, 1, 4)
	WHERE period ~ '^[0-9]{4}-01-01/[0-9]{4}-12-31$'
	AND substr(period, 1, 4) = substr(period, 12, 4);
UPDATE assessments SET pub_period = substr(pub_period, 1, 4)
	WHERE pub_period ~ '^[0-9]{4}-01-01/[0-9]{4}-12-31$'
	AND substr(pub_period, 1, 4) = substr(pub_period, 12, 4);
