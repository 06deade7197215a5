-- Reports (LKjIP): budget lines, programme indicators, the Renstra period, year locks
-- with their signed snapshots, and amendments of locked years.

-- The pagu and realisasi of a kegiatan (or of a programme entered without kegiatan), in
-- whole rupiah.
CREATE TABLE budget_lines (
	year                  INTEGER NOT NULL,
	code                  TEXT NOT NULL,    -- 1.06.06.2.01 (kegiatan) or 1.06.01 (programme)
	display_name          TEXT NOT NULL,
	pagu                  INTEGER NOT NULL CHECK (pagu >= 0),
	realisasi             INTEGER NOT NULL CHECK (realisasi >= 0),
	performance_agreement INTEGER NOT NULL DEFAULT 0 CHECK (performance_agreement IN (0, 1)),
	update_time           INTEGER NOT NULL,
	PRIMARY KEY (year, code)
) STRICT, WITHOUT ROWID;

-- A programme indicator of a year: persons reached by intervention_types (a JSON array
-- of codes) over population, against target_percent (an exact decimal, e.g. '19.6').
CREATE TABLE program_indicators (
	year               INTEGER NOT NULL,
	id                 TEXT NOT NULL,
	display_name       TEXT NOT NULL,
	program_code       TEXT NOT NULL,
	intervention_types TEXT NOT NULL CHECK (json_valid(intervention_types) AND json_type(intervention_types) = 'array'),
	population         INTEGER NOT NULL CHECK (population > 0),
	target_percent     TEXT NOT NULL,
	position           INTEGER NOT NULL DEFAULT 0,
	update_time        INTEGER NOT NULL,
	PRIMARY KEY (year, id)
) STRICT, WITHOUT ROWID;

-- The Renstra period of an indicator.
CREATE TABLE strategic_plans (
	indicator     TEXT PRIMARY KEY,
	start_year    INTEGER NOT NULL,
	end_year      INTEGER NOT NULL CHECK (end_year >= start_year),
	baseline_year INTEGER NOT NULL DEFAULT 0,
	baseline      INTEGER,                  -- NULL when unknown
	update_time   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- A locked year: the canonical bytes of its signed report and their SHA-256 (hex).
-- Immutable, like the audit log: the triggers below refuse UPDATE and DELETE.
CREATE TABLE year_locks (
	year         INTEGER PRIMARY KEY,
	lock_time    INTEGER NOT NULL,
	username     TEXT NOT NULL,
	snapshot     BLOB NOT NULL,
	content_hash TEXT NOT NULL CHECK (length(content_hash) = 64)
) STRICT;

CREATE TRIGGER year_locks_no_update BEFORE UPDATE ON year_locks
BEGIN
	SELECT RAISE(ABORT, 'year_locks is immutable');
END;

CREATE TRIGGER year_locks_no_delete BEFORE DELETE ON year_locks
BEGIN
	SELECT RAISE(ABORT, 'year_locks is immutable');
END;

CREATE TRIGGER year_locks_no_replace BEFORE INSERT ON year_locks
WHEN EXISTS (SELECT 1 FROM year_locks WHERE year = NEW.year)
BEGIN
	SELECT RAISE(ABORT, 'year_locks is immutable');
END;

-- An amendment of a locked year: writes dated in the year are accepted from create_time
-- until close_time or expire_time, whichever comes first.
CREATE TABLE amendments (
	id          TEXT PRIMARY KEY,
	year        INTEGER NOT NULL REFERENCES year_locks (year),
	reason      TEXT NOT NULL CHECK (reason <> ''),
	opened_by   TEXT NOT NULL,
	create_time INTEGER NOT NULL,
	expire_time INTEGER NOT NULL CHECK (expire_time > create_time),
	close_time  INTEGER,                    -- NULL while not closed
	closed_by   TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX amendments_year ON amendments (year, id);

-- The lock, enforced by the database too. The service refuses writes dated in a locked
-- year with a clear error before they reach here; these triggers are the backstop for a
-- path that forgot to ask, or for a write racing the lock in the same group commit. A
-- write is allowed when an amendment of the year was open at its update_time. Moving an
-- intervention to another person (a merge of duplicates) is not a write of the year.
CREATE TRIGGER interventions_year_locked_insert BEFORE INSERT ON interventions
WHEN EXISTS (SELECT 1 FROM year_locks WHERE year = NEW.delivered_year)
	AND NOT EXISTS (SELECT 1 FROM amendments a WHERE a.year = NEW.delivered_year
		AND a.create_time <= NEW.update_time AND NEW.update_time < a.expire_time
		AND (a.close_time IS NULL OR NEW.update_time < a.close_time))
BEGIN
	SELECT RAISE(ABORT, 'interventions: the year is locked');
END;

CREATE TRIGGER interventions_year_locked_update BEFORE UPDATE ON interventions
WHEN (NEW.intervention_type IS NOT OLD.intervention_type OR NEW.delivered_on IS NOT OLD.delivered_on
		OR NEW.kecamatan_code IS NOT OLD.kecamatan_code OR NEW.quantity IS NOT OLD.quantity
		OR NEW.unit IS NOT OLD.unit OR NEW.notes IS NOT OLD.notes OR NEW.state IS NOT OLD.state
		OR NEW.verification IS NOT OLD.verification)
	AND EXISTS (SELECT 1 FROM year_locks l WHERE l.year IN (OLD.delivered_year, NEW.delivered_year)
		AND NOT EXISTS (SELECT 1 FROM amendments a WHERE a.year = l.year
			AND a.create_time <= NEW.update_time AND NEW.update_time < a.expire_time
			AND (a.close_time IS NULL OR NEW.update_time < a.close_time)))
BEGIN
	SELECT RAISE(ABORT, 'interventions: the year is locked');
END;
