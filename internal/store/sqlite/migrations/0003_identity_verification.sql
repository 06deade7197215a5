-- Identity (family card numbers, match keys, merged records), verification of
-- interventions, and the field-level history of records.

-- The person's family card (Kartu Keluarga) number, NULL when unknown.
ALTER TABLE beneficiaries ADD COLUMN kk TEXT CHECK (kk <> '');
-- ppks.MatchKey(full_name): the store writes it with the name (SQL cannot compute it; the
-- rows stored before this migration are filled by its Go step, migrate.go).
ALTER TABLE beneficiaries ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
-- The record this one was merged into; NULL for live records. A merged record stays as a
-- pointer: reads of it follow merged_into to the survivor.
ALTER TABLE beneficiaries ADD COLUMN merged_into TEXT REFERENCES beneficiaries (id) CHECK (merged_into <> id);

-- Duplicate search: the same family card, or the same sex and kecamatan.
CREATE INDEX beneficiaries_kk ON beneficiaries (kk) WHERE kk IS NOT NULL;
CREATE INDEX beneficiaries_sex_kecamatan ON beneficiaries (sex, kecamatan_code);
-- The records merged into one. Partial: live records (merged_into IS NULL, nearly all)
-- are found through the other indexes, never through this one.
CREATE INDEX beneficiaries_merged_into ON beneficiaries (merged_into) WHERE merged_into IS NOT NULL;

-- A supervisor's check of an intervention. Those recorded before verification existed are
-- pending (ppks.VerificationPending = 1).
ALTER TABLE interventions ADD COLUMN verification INTEGER NOT NULL DEFAULT 1; -- ppks.VerificationState
ALTER TABLE interventions ADD COLUMN verified_by TEXT NOT NULL DEFAULT '';
ALTER TABLE interventions ADD COLUMN verify_time INTEGER;                   -- NULL until verified or rejected
ALTER TABLE interventions ADD COLUMN reject_reason TEXT NOT NULL DEFAULT '';

-- Counting: as before, with the verification last, so that rejected interventions are
-- left out and the verified ones told apart from the index, before the row is read.
DROP INDEX interventions_count;
CREATE INDEX interventions_count ON interventions (delivered_year, state, intervention_type, beneficiary_id,
	delivered_on, verification);
-- What waits for verification, in key order.
CREATE INDEX interventions_verification ON interventions (verification, id);

-- The history of records: one row per change of one record, written with the audit
-- entry of the write that made it (audit_id). fields is a JSON array of
-- {"field", "old", "new"}. Append-only like the audit log, by the triggers below.
CREATE TABLE record_history (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	audit_id   INTEGER NOT NULL REFERENCES audit_log (id),
	record_id  TEXT NOT NULL,           -- the record's id, stable when a merge moves it
	record     TEXT NOT NULL,           -- its resource name when it changed
	time       INTEGER NOT NULL,        -- unix microseconds UTC
	username   TEXT NOT NULL,
	method     TEXT NOT NULL,
	request_id TEXT NOT NULL DEFAULT '',
	fields     TEXT NOT NULL CHECK (json_valid(fields) AND json_type(fields) = 'array')
) STRICT;

CREATE INDEX record_history_record ON record_history (record_id, id);

CREATE TRIGGER record_history_no_update BEFORE UPDATE ON record_history
BEGIN
	SELECT RAISE(ABORT, 'record_history is append-only');
END;

CREATE TRIGGER record_history_no_delete BEFORE DELETE ON record_history
BEGIN
	SELECT RAISE(ABORT, 'record_history is append-only');
END;

CREATE TRIGGER record_history_no_replace BEFORE INSERT ON record_history
WHEN EXISTS (SELECT 1 FROM record_history WHERE id = NEW.id)
BEGIN
	SELECT RAISE(ABORT, 'record_history is append-only');
END;
