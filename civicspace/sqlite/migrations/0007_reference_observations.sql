-- The official figures (civicspace.ReferenceObservation): observations of
-- the UN SDG series the catalog cites, as the UN SDG Global Database
-- publishes them, one row per series, M49 area, year and dimensions.
-- Kept beside assessments, never mixed into their scores.
CREATE TABLE reference_observations (
	series      TEXT NOT NULL,
	indicator   TEXT NOT NULL,
	area_code   TEXT NOT NULL,
	country     TEXT NOT NULL,
	year        INTEGER NOT NULL,
	dimensions  TEXT NOT NULL,
	value       REAL,
	value_text  TEXT NOT NULL,
	units       TEXT NOT NULL,
	nature      TEXT NOT NULL,
	source      TEXT NOT NULL,
	footnote    TEXT NOT NULL,
	time_detail TEXT NOT NULL,
	PRIMARY KEY (series, area_code, year, dimensions)
) STRICT;
CREATE INDEX reference_observations_by_country ON reference_observations (country, indicator, year);
