-- The web application (the SQLite store's migration 0008): passwords and sessions of the
-- web sign-in, the counts of the verification queue, and the indexes of the queue and of
-- the dashboard's view of one kecamatan.

-- A user's web sign-in password: its argon2id hash only (PHC string), never the password.
CREATE TABLE passwords (
	username text COLLATE "C" PRIMARY KEY REFERENCES users (username),
	hash     text NOT NULL CHECK (hash LIKE '$argon2id$%'),
	set_time timestamptz NOT NULL,
	set_by   text NOT NULL                -- the user, or the administrator who set it
);

-- A signed-in browser. Only the SHA-256 of the cookie's secret is stored.
CREATE TABLE sessions (
	id          text COLLATE "C" PRIMARY KEY,
	username    text COLLATE "C" NOT NULL REFERENCES users (username),
	hash        bytea NOT NULL UNIQUE,
	create_time timestamptz NOT NULL,
	last_seen   timestamptz NOT NULL,
	expire_time timestamptz NOT NULL,     -- the absolute end
	revoke_time timestamptz,              -- NULL: not revoked
	address     text NOT NULL DEFAULT '',
	user_agent  text NOT NULL DEFAULT ''
);

CREATE INDEX sessions_username ON sessions (username, create_time);

-- The verification queue's counts: active interventions waiting for verification
-- (verification 1 = ppks.VerificationPending, state 1 = ppks.InterventionActive) per
-- kecamatan, type, recording worker and month delivered, and the same summed over the
-- months (what the queue shows without a range of months). As with the indicator's
-- counts, every write of an intervention touches these few rows, so no write updates
-- them: the triggers below append the differences a statement makes to pending_deltas,
-- whatever the write path (the service, ppksctl migrate's COPY), one row per group, and
-- the compactor folds them into both tables every second. Readers sum the tables and
-- the deltas. Rows that fall to zero stay, at zero. (n has no CHECK (n >= 0), unlike
-- on SQLite: INSERT ... ON CONFLICT DO UPDATE checks the row it proposes, a negative
-- difference, before it finds the row to add it to.)
CREATE TABLE pending_counts (
	kecamatan_code    text COLLATE "C" NOT NULL,
	intervention_type text COLLATE "C" NOT NULL,
	worker            text COLLATE "C" NOT NULL,
	month             text COLLATE "C" NOT NULL, -- 'YYYY-MM' of delivered_on
	n                 bigint NOT NULL,
	PRIMARY KEY (kecamatan_code, intervention_type, worker, month)
);

CREATE TABLE pending_totals (
	kecamatan_code    text COLLATE "C" NOT NULL,
	intervention_type text COLLATE "C" NOT NULL,
	worker            text COLLATE "C" NOT NULL,
	n                 bigint NOT NULL,
	PRIMARY KEY (kecamatan_code, intervention_type, worker)
);

CREATE TABLE pending_deltas (
	kecamatan_code    text COLLATE "C" NOT NULL,
	intervention_type text COLLATE "C" NOT NULL,
	worker            text COLLATE "C" NOT NULL,
	month             text COLLATE "C" NOT NULL,
	n                 bigint NOT NULL
);

INSERT INTO pending_counts (kecamatan_code, intervention_type, worker, month, n)
SELECT kecamatan_code, intervention_type, worker, substr(delivered_on, 1, 7), count(*)
FROM interventions WHERE verification = 1 AND state = 1
GROUP BY 1, 2, 3, 4;

INSERT INTO pending_totals (kecamatan_code, intervention_type, worker, n)
SELECT kecamatan_code, intervention_type, worker, sum(n) FROM pending_counts GROUP BY 1, 2, 3;

-- One trigger per statement, over the rows it inserted, updated or deleted (transition
-- tables): a COPY of ten million rows appends a few thousand deltas, not ten million.
CREATE FUNCTION pending_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO pending_deltas (kecamatan_code, intervention_type, worker, month, n)
		SELECT kecamatan_code, intervention_type, worker, substr(delivered_on, 1, 7), count(*)
		FROM new_rows WHERE verification = 1 AND state = 1 GROUP BY 1, 2, 3, 4;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO pending_deltas (kecamatan_code, intervention_type, worker, month, n)
		SELECT kecamatan_code, intervention_type, worker, substr(delivered_on, 1, 7), -count(*)
		FROM old_rows WHERE verification = 1 AND state = 1 GROUP BY 1, 2, 3, 4;
	ELSE
		INSERT INTO pending_deltas (kecamatan_code, intervention_type, worker, month, n)
		SELECT kecamatan_code, intervention_type, worker, month, sum(n) FROM (
			SELECT kecamatan_code, intervention_type, worker, substr(delivered_on, 1, 7) AS month, -1 AS n
			FROM old_rows WHERE verification = 1 AND state = 1
			UNION ALL
			SELECT kecamatan_code, intervention_type, worker, substr(delivered_on, 1, 7), 1
			FROM new_rows WHERE verification = 1 AND state = 1
		) d GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0;
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER interventions_pending_insert AFTER INSERT ON interventions
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pending_changed();
CREATE TRIGGER interventions_pending_update AFTER UPDATE ON interventions
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pending_changed();
CREATE TRIGGER interventions_pending_delete AFTER DELETE ON interventions
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pending_changed();

-- The queue itself, oldest delivery first. Partial: only what waits is in it, and the
-- filter columns are in it so that a filtered page is found without reading rows.
CREATE INDEX interventions_pending ON interventions (delivered_on, id, kecamatan_code, intervention_type, worker)
	WHERE verification = 1 AND state = 1;

-- The dashboard of one kecamatan: the counted pairs attributed to it, every column the
-- facts need in the index.
CREATE INDEX count_pairs_kecamatan ON count_pairs (year, kecamatan_code)
	INCLUDE (intervention_type, beneficiary_id, first_on, ppks_type, verified, family_key);
