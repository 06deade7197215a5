-- Transfer requests (ppks.Transfer): a worker asks for a person registered in another
-- kecamatan to be moved to theirs; a supervisor approves (the person moves, with history)
-- or rejects with a reason.
CREATE TABLE transfers (
	id             TEXT PRIMARY KEY,
	nik            TEXT NOT NULL,
	to_kecamatan   TEXT NOT NULL,
	reason         TEXT NOT NULL,
	state          INTEGER NOT NULL,          -- ppks.TransferState
	beneficiary_id TEXT NOT NULL REFERENCES beneficiaries (id),
	from_kecamatan TEXT NOT NULL,
	requested_by   TEXT NOT NULL,
	decided_by     TEXT NOT NULL DEFAULT '',
	decision_note  TEXT NOT NULL DEFAULT '',
	create_time    INTEGER NOT NULL,          -- unix microseconds UTC
	decide_time    INTEGER
) STRICT;

-- One pending request per person: a second one waits for the first to be decided.
CREATE UNIQUE INDEX transfers_one_pending ON transfers (beneficiary_id) WHERE state = 1;
CREATE INDEX transfers_requester ON transfers (requested_by, id);
CREATE INDEX transfers_state ON transfers (state, id);
