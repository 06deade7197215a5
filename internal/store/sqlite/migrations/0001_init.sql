-- The first schema. Enumerations are stored as the integers of the domain's constants,
-- dates as 'YYYY-MM-DD' text (they sort), times as INTEGER unix microseconds UTC.

-- A person served by the office. A partial birth date keeps 0 in its missing parts.
CREATE TABLE beneficiaries (
	id             TEXT PRIMARY KEY,
	nik            TEXT UNIQUE CHECK (nik <> ''), -- NULL when the person has none
	full_name      TEXT NOT NULL,
	name_norm      TEXT NOT NULL,                 -- ppks.NormalizeName(full_name)
	sex            INTEGER NOT NULL,              -- ppks.Sex
	birth_year     INTEGER NOT NULL DEFAULT 0,
	birth_month    INTEGER NOT NULL DEFAULT 0,
	birth_day      INTEGER NOT NULL DEFAULT 0,
	kecamatan_code TEXT NOT NULL,
	desa           TEXT NOT NULL DEFAULT '',
	address        TEXT NOT NULL DEFAULT '',
	create_time    INTEGER NOT NULL,
	update_time    INTEGER NOT NULL,
	revision       INTEGER NOT NULL
) STRICT;

CREATE INDEX beneficiaries_kecamatan ON beneficiaries (kecamatan_code, id);

-- One person's need in one PPKS category.
CREATE TABLE cases (
	id              TEXT PRIMARY KEY,
	beneficiary_id  TEXT NOT NULL REFERENCES beneficiaries (id),
	ppks_type       TEXT NOT NULL,
	opened_on       TEXT NOT NULL,
	state           INTEGER NOT NULL,   -- ppks.CaseState
	outcome         INTEGER NOT NULL,   -- ppks.Outcome
	closed_on       TEXT,               -- NULL while open
	close_note      TEXT NOT NULL DEFAULT '',
	assigned_worker TEXT NOT NULL DEFAULT '',
	create_time     INTEGER NOT NULL,
	update_time     INTEGER NOT NULL,
	revision        INTEGER NOT NULL,
	UNIQUE (beneficiary_id, id)         -- lists by person; target of interventions' key
) STRICT;

CREATE INDEX cases_ppks_type ON cases (ppks_type, beneficiary_id);

-- One service delivered to a person within a case. The composite foreign key keeps the
-- person of an intervention the person of its case.
CREATE TABLE interventions (
	id                TEXT PRIMARY KEY,
	beneficiary_id    TEXT NOT NULL,
	case_id           TEXT NOT NULL,
	intervention_type TEXT NOT NULL,
	delivered_on      TEXT NOT NULL,
	delivered_year    INTEGER NOT NULL CHECK (delivered_year = CAST(substr(delivered_on, 1, 4) AS INTEGER)),
	kecamatan_code    TEXT NOT NULL,    -- where it was delivered
	worker            TEXT NOT NULL DEFAULT '',
	quantity          INTEGER NOT NULL,
	unit              TEXT NOT NULL DEFAULT '',
	notes             TEXT NOT NULL DEFAULT '',
	state             INTEGER NOT NULL, -- ppks.InterventionState
	void_reason       TEXT NOT NULL DEFAULT '',
	void_time         INTEGER,          -- NULL unless voided
	create_time       INTEGER NOT NULL,
	update_time       INTEGER NOT NULL,
	revision          INTEGER NOT NULL,
	FOREIGN KEY (beneficiary_id, case_id) REFERENCES cases (beneficiary_id, id)
) STRICT;

CREATE INDEX interventions_case ON interventions (beneficiary_id, case_id, id);
CREATE INDEX interventions_case_id ON interventions (case_id, id);
CREATE INDEX interventions_kecamatan ON interventions (kecamatan_code, id);
-- Counting: the active interventions of a year, by type and person, earliest first.
CREATE INDEX interventions_count ON interventions (delivered_year, state, intervention_type, beneficiary_id, delivered_on);

-- The targets of an indicator for a year; each value is optional.
CREATE TABLE targets (
	indicator        TEXT NOT NULL,
	year             INTEGER NOT NULL,
	value            INTEGER,
	renstra_value    INTEGER,
	historical_value INTEGER,
	update_time      INTEGER NOT NULL,
	PRIMARY KEY (indicator, year)
) STRICT, WITHOUT ROWID;

-- Requests already answered, so that a retry gets the first answer (AIP-155).
CREATE TABLE requests (
	request_id  TEXT PRIMARY KEY,
	method      TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	resource    TEXT NOT NULL,          -- the name of the resource the request produced
	create_time INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
