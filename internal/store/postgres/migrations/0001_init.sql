-- The schema of the PostgreSQL store: the tables of the SQLite store's migrations
-- 0001-0009 as they stand, in PostgreSQL's types. Enumerations are the integers of the
-- domain's constants; dates are 'YYYY-MM-DD' text (they sort); times are timestamptz
-- (microseconds, as the domain keeps them). Keys, codes and other text that is compared
-- or ordered are COLLATE "C": lists page by key in byte order, as Go compares strings,
-- whatever collation the database was created with.

-- A person served by the office. A partial birth date keeps 0 in its missing parts.
CREATE TABLE beneficiaries (
	id             text COLLATE "C" PRIMARY KEY,
	nik            text COLLATE "C" UNIQUE CHECK (nik <> ''), -- NULL when the person has none
	full_name      text NOT NULL,
	name_norm      text NOT NULL,                 -- ppks.NormalizeName(full_name)
	name_key       text NOT NULL DEFAULT '',      -- ppks.MatchKey(full_name)
	sex            smallint NOT NULL,             -- ppks.Sex
	birth_year     integer NOT NULL DEFAULT 0,
	birth_month    integer NOT NULL DEFAULT 0,
	birth_day      integer NOT NULL DEFAULT 0,
	kecamatan_code text COLLATE "C" NOT NULL,
	desa           text NOT NULL DEFAULT '',
	address        text NOT NULL DEFAULT '',
	kk             text COLLATE "C" CHECK (kk <> ''), -- family card number, NULL when unknown
	-- The record this one was merged into; NULL for live records. A merged record stays as
	-- a pointer: reads of it follow merged_into to the survivor.
	merged_into    text COLLATE "C" REFERENCES beneficiaries (id) CHECK (merged_into <> id),
	create_time    timestamptz NOT NULL,
	update_time    timestamptz NOT NULL,
	revision       bigint NOT NULL
);

CREATE INDEX beneficiaries_kecamatan ON beneficiaries (kecamatan_code, id);
-- Duplicate search: the same family card, or the same sex and kecamatan.
CREATE INDEX beneficiaries_kk ON beneficiaries (kk) WHERE kk IS NOT NULL;
CREATE INDEX beneficiaries_sex_kecamatan ON beneficiaries (sex, kecamatan_code);
CREATE INDEX beneficiaries_merged_into ON beneficiaries (merged_into) WHERE merged_into IS NOT NULL;

-- One person's need in one PPKS category.
CREATE TABLE cases (
	id              text COLLATE "C" PRIMARY KEY,
	beneficiary_id  text COLLATE "C" NOT NULL REFERENCES beneficiaries (id),
	ppks_type       text COLLATE "C" NOT NULL,
	opened_on       text COLLATE "C" NOT NULL,
	state           smallint NOT NULL,   -- ppks.CaseState
	outcome         smallint NOT NULL,   -- ppks.Outcome
	closed_on       text COLLATE "C",    -- NULL while open
	close_note      text NOT NULL DEFAULT '',
	assigned_worker text NOT NULL DEFAULT '',
	create_time     timestamptz NOT NULL,
	update_time     timestamptz NOT NULL,
	revision        bigint NOT NULL,
	UNIQUE (beneficiary_id, id)          -- lists by person; target of interventions' key
);

CREATE INDEX cases_ppks_type ON cases (ppks_type, beneficiary_id);

-- One service delivered to a person within a case. The composite foreign key keeps the
-- person of an intervention the person of its case; a merge moves both in one
-- transaction, checking the key at its end (DEFERRABLE).
CREATE TABLE interventions (
	id                text COLLATE "C" PRIMARY KEY,
	beneficiary_id    text COLLATE "C" NOT NULL,
	case_id           text COLLATE "C" NOT NULL,
	intervention_type text COLLATE "C" NOT NULL,
	delivered_on      text COLLATE "C" NOT NULL,
	delivered_year    integer NOT NULL CHECK (delivered_year = substr(delivered_on, 1, 4)::integer),
	kecamatan_code    text COLLATE "C" NOT NULL,    -- where it was delivered
	worker            text NOT NULL DEFAULT '',
	quantity          bigint NOT NULL,
	unit              text NOT NULL DEFAULT '',
	notes             text NOT NULL DEFAULT '',
	state             smallint NOT NULL,            -- ppks.InterventionState
	void_reason       text NOT NULL DEFAULT '',
	void_time         timestamptz,                  -- NULL unless voided
	verification      smallint NOT NULL DEFAULT 1,  -- ppks.VerificationState
	verified_by       text NOT NULL DEFAULT '',
	verify_time       timestamptz,                  -- NULL until verified or rejected
	reject_reason     text NOT NULL DEFAULT '',
	create_time       timestamptz NOT NULL,
	update_time       timestamptz NOT NULL,
	revision          bigint NOT NULL,
	CONSTRAINT interventions_case_fkey FOREIGN KEY (beneficiary_id, case_id)
		REFERENCES cases (beneficiary_id, id) DEFERRABLE INITIALLY IMMEDIATE
);

CREATE INDEX interventions_case ON interventions (beneficiary_id, case_id, id);
CREATE INDEX interventions_case_id ON interventions (case_id, id);
CREATE INDEX interventions_kecamatan ON interventions (kecamatan_code, id);
-- Counting: the active interventions of a year, by type and person, earliest first.
CREATE INDEX interventions_count ON interventions (delivered_year, state, intervention_type, beneficiary_id,
	delivered_on, verification);
-- What waits for verification, in key order.
CREATE INDEX interventions_verification ON interventions (verification, id);

-- The targets of an indicator for a year; each value is optional.
CREATE TABLE targets (
	indicator        text COLLATE "C" NOT NULL,
	year             integer NOT NULL,
	value            bigint,
	renstra_value    bigint,
	historical_value bigint,
	update_time      timestamptz NOT NULL,
	PRIMARY KEY (indicator, year)
);

-- Requests already answered, so that a retry gets the first answer (AIP-155). A request
-- id is its sender's: the key is (username, request_id). Two processes running the same
-- request at once both try to insert this row; the second fails (serialization failure
-- or unique violation), runs again, and is then answered from the first one's row.
CREATE TABLE requests (
	username    text COLLATE "C" NOT NULL,
	request_id  text COLLATE "C" NOT NULL,
	method      text NOT NULL,
	fingerprint text NOT NULL,
	resource    text NOT NULL,          -- the name of the resource the request produced
	create_time timestamptz NOT NULL,
	PRIMARY KEY (username, request_id)
);

-- A person who uses the service; kecamatan in the order given (the domain sorts them).
CREATE TABLE users (
	username     text COLLATE "C" PRIMARY KEY,
	display_name text NOT NULL,
	role         smallint NOT NULL,           -- ppks.Role
	kecamatan    text[] NOT NULL DEFAULT '{}',
	disabled     boolean NOT NULL DEFAULT false,
	create_time  timestamptz NOT NULL,
	update_time  timestamptz NOT NULL,
	revision     bigint NOT NULL
);

-- Counting the enabled administrators.
CREATE INDEX users_role ON users (role, disabled);

-- A bearer token of a user. Only the SHA-256 of its secret is stored.
CREATE TABLE tokens (
	id          text COLLATE "C" PRIMARY KEY,
	username    text COLLATE "C" NOT NULL REFERENCES users (username),
	hash        bytea NOT NULL UNIQUE,
	description text NOT NULL DEFAULT '',
	create_time timestamptz NOT NULL,
	expire_time timestamptz,                  -- NULL: never expires
	revoke_time timestamptz                   -- NULL: not revoked
);

CREATE INDEX tokens_username ON tokens (username, id);

-- Who did what to which records. Append-only: the triggers below refuse every UPDATE,
-- DELETE and TRUNCATE, so an entry, once committed, stays as it was written. Ids come
-- from a sequence and are never reused; they order the entries and page them. (With
-- several writers an id is taken when the entry is written, not when it commits, so an
-- entry may become visible after one with a higher id.)
CREATE TABLE audit_log (
	id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	time       timestamptz NOT NULL,
	username   text COLLATE "C" NOT NULL,
	role       smallint NOT NULL,             -- ppks.Role
	method     text COLLATE "C" NOT NULL,
	action     smallint NOT NULL,             -- ppks.AuditAction
	resource   text COLLATE "C" NOT NULL,
	records    text[] NOT NULL DEFAULT '{}',
	request_id text NOT NULL DEFAULT '',
	summary    text NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_username ON audit_log (username, id);
CREATE INDEX audit_log_resource ON audit_log (resource, id);
CREATE INDEX audit_log_time ON audit_log (time, id);

-- The records of each entry (audit_log.records), one row each, so that the entries that
-- touched a record are found through an index. Its rows and those of record_history are
-- written with their entry, in its transaction, by the store alone, and never deleted; so
-- audit_id has no foreign key: the check of one reads the newest page of audit_log's key,
-- where every concurrent write inserts its own entry, and under serializable isolation
-- that read made concurrent writes fail each other.
CREATE TABLE audit_records (
	name     text COLLATE "C" NOT NULL,
	audit_id bigint NOT NULL,           -- audit_log (id)
	PRIMARY KEY (name, audit_id)
);

-- The history of records: one row per change of one record, written with the audit
-- entry of the write that made it. fields is a JSON array of {"field", "old", "new"}.
-- Append-only like the audit log.
CREATE TABLE record_history (
	id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	audit_id   bigint NOT NULL,         -- audit_log (id): see audit_records
	record_id  text COLLATE "C" NOT NULL,     -- the record's id, stable when a merge moves it
	record     text NOT NULL,                 -- its resource name when it changed
	time       timestamptz NOT NULL,
	username   text NOT NULL,
	method     text NOT NULL,
	request_id text NOT NULL DEFAULT '',
	fields     jsonb NOT NULL CHECK (jsonb_typeof(fields) = 'array')
);

CREATE INDEX record_history_record ON record_history (record_id, id);

-- The pagu and realisasi of a kegiatan (or of a programme entered without kegiatan), in
-- whole rupiah.
CREATE TABLE budget_lines (
	year                  integer NOT NULL,
	code                  text COLLATE "C" NOT NULL,
	display_name          text NOT NULL,
	pagu                  bigint NOT NULL CHECK (pagu >= 0),
	realisasi             bigint NOT NULL CHECK (realisasi >= 0),
	performance_agreement boolean NOT NULL DEFAULT false,
	update_time           timestamptz NOT NULL,
	PRIMARY KEY (year, code)
);

-- A programme indicator of a year: persons reached by intervention_types over
-- population, against target_percent (an exact decimal as a fraction, e.g. '98/5').
CREATE TABLE program_indicators (
	year               integer NOT NULL,
	id                 text COLLATE "C" NOT NULL,
	display_name       text NOT NULL,
	program_code       text NOT NULL,
	intervention_types text[] NOT NULL,
	population         bigint NOT NULL CHECK (population > 0),
	target_percent     text NOT NULL,
	position           integer NOT NULL DEFAULT 0,
	update_time        timestamptz NOT NULL,
	PRIMARY KEY (year, id)
);

-- The Renstra period of an indicator.
CREATE TABLE strategic_plans (
	indicator     text COLLATE "C" PRIMARY KEY,
	start_year    integer NOT NULL,
	end_year      integer NOT NULL CHECK (end_year >= start_year),
	baseline_year integer NOT NULL DEFAULT 0,
	baseline      bigint,                    -- NULL when unknown
	update_time   timestamptz NOT NULL
);

-- A locked year: the canonical bytes of its signed report and their SHA-256 (hex).
-- Immutable, like the audit log.
CREATE TABLE year_locks (
	year         integer PRIMARY KEY,
	lock_time    timestamptz NOT NULL,
	username     text NOT NULL,
	snapshot     bytea NOT NULL,
	content_hash text NOT NULL CHECK (length(content_hash) = 64)
);

-- An amendment of a locked year: writes dated in the year are accepted from create_time
-- until close_time or expire_time, whichever comes first.
CREATE TABLE amendments (
	id          text COLLATE "C" PRIMARY KEY,
	year        integer NOT NULL REFERENCES year_locks (year),
	reason      text NOT NULL CHECK (reason <> ''),
	opened_by   text NOT NULL,
	create_time timestamptz NOT NULL,
	expire_time timestamptz NOT NULL CHECK (expire_time > create_time),
	close_time  timestamptz,                 -- NULL while not closed
	closed_by   text NOT NULL DEFAULT ''
);

CREATE INDEX amendments_year ON amendments (year, id);

-- Transfer requests: a worker asks for a person registered in another kecamatan to be
-- moved to theirs; a supervisor approves or rejects with a reason.
CREATE TABLE transfers (
	id             text COLLATE "C" PRIMARY KEY,
	nik            text NOT NULL,
	to_kecamatan   text NOT NULL,
	reason         text NOT NULL,
	state          smallint NOT NULL,        -- ppks.TransferState
	beneficiary_id text COLLATE "C" NOT NULL REFERENCES beneficiaries (id),
	from_kecamatan text NOT NULL,
	requested_by   text COLLATE "C" NOT NULL,
	decided_by     text NOT NULL DEFAULT '',
	decision_note  text NOT NULL DEFAULT '',
	create_time    timestamptz NOT NULL,
	decide_time    timestamptz
);

-- One pending request per person (ppks.TransferPending = 1).
CREATE UNIQUE INDEX transfers_one_pending ON transfers (beneficiary_id) WHERE state = 1;
CREATE INDEX transfers_requester ON transfers (requested_by, id);
CREATE INDEX transfers_state ON transfers (state, id);

-- Maintained counts of the indicator (counts.go): kept up to date in the transaction of
-- every write that changes them.

-- The counting rules the counts were built with: one row of canonical JSON (counts.go).
-- No row: never recorded, the counts are not built.
CREATE TABLE count_rules (
	id    integer PRIMARY KEY CHECK (id = 1),
	rules text NOT NULL
);

-- One row per (person, year, intervention type) with a counted intervention: the rows of
-- CountFacts, with the first counted delivery (earliest date, then lowest id), which the
-- breakdowns are attributed to. Its key is what two writers of the same pair cannot both
-- claim. family_key is set for the types counted in families only.
CREATE TABLE count_pairs (
	beneficiary_id    text COLLATE "C" NOT NULL,
	year              integer NOT NULL,
	intervention_type text COLLATE "C" NOT NULL,
	first_on          text COLLATE "C" NOT NULL,
	first_id          text COLLATE "C" NOT NULL,
	kecamatan_code    text COLLATE "C" NOT NULL,
	ppks_type         text COLLATE "C" NOT NULL,
	verified          boolean NOT NULL,
	family_key        text COLLATE "C",
	PRIMARY KEY (beneficiary_id, year, intervention_type)
);

-- The pairs of one family, earliest first: the family's unit is attributed to the first.
CREATE INDEX count_pairs_family ON count_pairs (year, intervention_type, family_key, first_on, beneficiary_id)
	WHERE family_key IS NOT NULL;

-- The aggregates of the pairs, one table for all of them, by dimension:
--   0  the units (persons, or families) of a type in a year, and those verified (key '')
--   1  units by the kecamatan of their first delivery (key: the kecamatan code)
--   2  units by the PPKS category of its case (key: the category's code)
--   3  units by its month (key: '1'..'12')
--   4  the distinct persons with a pair of a type that counts in the year (type '', key '')
-- intervention_type '*' holds dimensions 1-3 summed over the types that count in their
-- year: the indicator's breakdowns in one row per kecamatan, category and month.
--
-- Every writer of a year touches the same few rows here, so writes never update them:
-- they append their differences to count_deltas, which no writer reads (so concurrent
-- writers never conflict over a counter), and readers sum both tables. compact() folds
-- the deltas into count_cells every second or so, in one statement.
CREATE TABLE count_cells (
	year              integer NOT NULL,
	intervention_type text COLLATE "C" NOT NULL,
	dimension         smallint NOT NULL CHECK (dimension BETWEEN 0 AND 4),
	key               text COLLATE "C" NOT NULL,
	units             bigint NOT NULL,
	verified          bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (year, intervention_type, dimension, key)
);

CREATE TABLE count_deltas (
	year              integer NOT NULL,
	intervention_type text COLLATE "C" NOT NULL,
	dimension         smallint NOT NULL CHECK (dimension BETWEEN 0 AND 4),
	key               text COLLATE "C" NOT NULL,
	units             bigint NOT NULL,
	verified          bigint NOT NULL DEFAULT 0
);

CREATE INDEX count_deltas_year ON count_deltas (year);

-- The gate of writes (write.go): every write takes it in ROW SHARE mode, which writes
-- share; a write that must run alone (one that lost to concurrent writes twice, such as
-- a year lock reading the whole year while field workers record; a rebuild of the counts)
-- takes it in EXCLUSIVE mode, waiting for the writes under way and holding the next ones
-- back until it commits. LOCK TABLE takes no snapshot, so each write's snapshot is
-- taken after it passed the gate. The table holds no rows.
CREATE TABLE write_gate ();

-- Append-only and immutable tables, enforced by the database itself: a statement that
-- would change or remove a row of them fails, whichever program sends it. (Their owner
-- can still drop the triggers; the service's own role need not be the owner, see README.)
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'PPKAO';
END;
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER record_history_append_only BEFORE UPDATE OR DELETE ON record_history
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER record_history_no_truncate BEFORE TRUNCATE ON record_history
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER year_locks_immutable BEFORE UPDATE OR DELETE ON year_locks
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER year_locks_no_truncate BEFORE TRUNCATE ON year_locks
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The year lock, enforced by the database too: the backstop of ppks.YearOpen, which the
-- domain checks through the write's own transaction before it gets here. A write of an
-- intervention dated in a locked year is allowed only while an amendment of the year was
-- open at its update_time. Moving an intervention to another person (a merge) is not a
-- write of the year.
CREATE FUNCTION year_open(y integer, at timestamptz) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT NOT EXISTS (SELECT 1 FROM year_locks WHERE year = y)
		OR EXISTS (SELECT 1 FROM amendments a WHERE a.year = y
			AND a.create_time <= at AND at < a.expire_time AND (a.close_time IS NULL OR at < a.close_time))
$$;

CREATE FUNCTION interventions_year_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NOT year_open(NEW.delivered_year, NEW.update_time) THEN
			RAISE EXCEPTION 'interventions: the year % is locked', NEW.delivered_year USING ERRCODE = 'PPKYL';
		END IF;
	ELSIF (NEW.intervention_type, NEW.delivered_on, NEW.kecamatan_code, NEW.quantity, NEW.unit, NEW.notes,
			NEW.state, NEW.verification) IS DISTINCT FROM (OLD.intervention_type, OLD.delivered_on,
			OLD.kecamatan_code, OLD.quantity, OLD.unit, OLD.notes, OLD.state, OLD.verification)
		AND NOT (year_open(OLD.delivered_year, NEW.update_time) AND year_open(NEW.delivered_year, NEW.update_time)) THEN
		RAISE EXCEPTION 'interventions: the year is locked' USING ERRCODE = 'PPKYL';
	END IF;
	RETURN NEW;
END;
$$;

CREATE TRIGGER interventions_year_locked BEFORE INSERT OR UPDATE ON interventions
	FOR EACH ROW EXECUTE FUNCTION interventions_year_locked();
