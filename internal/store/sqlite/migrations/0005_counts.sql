-- Maintained counts of the indicator (counts.go): kept up to date in the transaction of
-- every write that changes them, so that the indicator is read in time independent of the
-- amount of data. RebuildCounts recomputes them from the raw rows; they start empty and
-- are built when the service first records its counting rules (SetCountingRules).

-- The counting rules the counts were built with: one row, canonical JSON
-- {"rules":[{"from_year":2024,"types":["GRADUASI",...]}],"family":["BIMBINGAN_SOSIAL_KELUARGA"]}.
-- No row: never recorded, the counts are not built.
CREATE TABLE count_rules (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	rules TEXT NOT NULL CHECK (json_valid(rules))
) STRICT;

-- One row per (person, year, intervention type) with a counted intervention: the rows of
-- CountFacts. first_on/first_id is the first counted delivery (earliest date, then
-- lowest id), which the breakdowns are attributed to; family_key is set for the types
-- counted in families only (KK number, or 'person:' || id).
CREATE TABLE count_pairs (
	beneficiary_id    TEXT NOT NULL,
	year              INTEGER NOT NULL,
	intervention_type TEXT NOT NULL,
	first_on          TEXT NOT NULL,
	first_id          TEXT NOT NULL,
	kecamatan_code    TEXT NOT NULL,
	ppks_type         TEXT NOT NULL,
	verified          INTEGER NOT NULL CHECK (verified IN (0, 1)),
	family_key        TEXT,
	PRIMARY KEY (beneficiary_id, year, intervention_type) -- a person's pairs: KK change, merge
) STRICT, WITHOUT ROWID;

-- The pairs of one family, earliest first: the family's unit is attributed to the first.
CREATE INDEX count_pairs_family ON count_pairs (year, intervention_type, family_key, first_on, beneficiary_id)
	WHERE family_key IS NOT NULL;

-- Counted units (persons, or families) of a type in a year, and those with a verified
-- intervention.
CREATE TABLE count_totals (
	year              INTEGER NOT NULL,
	intervention_type TEXT NOT NULL,
	units             INTEGER NOT NULL,
	verified          INTEGER NOT NULL,
	PRIMARY KEY (year, intervention_type)
) STRICT, WITHOUT ROWID;

-- The units of a type in a year by where their first delivery was (dimension 1, the
-- kecamatan code), the PPKS category of its case (2, the category's code) and its month
-- (3, '1'..'12').
CREATE TABLE count_cells (
	year              INTEGER NOT NULL,
	intervention_type TEXT NOT NULL,
	dimension         INTEGER NOT NULL CHECK (dimension IN (1, 2, 3)),
	key               TEXT NOT NULL,
	units             INTEGER NOT NULL,
	PRIMARY KEY (year, intervention_type, dimension, key)
) STRICT, WITHOUT ROWID;

-- The distinct persons with a pair of a type that counts in the year (by count_rules).
CREATE TABLE count_years (
	year           INTEGER PRIMARY KEY,
	unique_persons INTEGER NOT NULL
) STRICT;
