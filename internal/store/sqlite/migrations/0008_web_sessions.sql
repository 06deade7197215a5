-- The web application (issue 12): passwords and sessions of the web sign-in, the counts
-- of the verification queue, and the indexes of the queue and of the dashboard's view of
-- one kecamatan.

-- A user's web sign-in password: its argon2id hash only (PHC string), never the password.
CREATE TABLE passwords (
	username TEXT PRIMARY KEY REFERENCES users (username),
	hash     TEXT NOT NULL CHECK (hash LIKE '$argon2id$%'),
	set_time INTEGER NOT NULL,           -- unix microseconds UTC
	set_by   TEXT NOT NULL               -- the user, or the administrator who set it
) STRICT;

-- A signed-in browser. Only the SHA-256 of the cookie's secret is stored.
CREATE TABLE sessions (
	id          TEXT PRIMARY KEY,
	username    TEXT NOT NULL REFERENCES users (username),
	hash        BLOB NOT NULL UNIQUE,
	create_time INTEGER NOT NULL,
	last_seen   INTEGER NOT NULL,
	expire_time INTEGER NOT NULL,        -- the absolute end
	revoke_time INTEGER,                 -- NULL: not revoked
	address     TEXT NOT NULL DEFAULT '',
	user_agent  TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX sessions_username ON sessions (username, create_time);

-- The verification queue's counts: active interventions waiting for verification
-- (verification 1 = ppks.VerificationPending, state 1 = ppks.InterventionActive) per
-- month delivered, kecamatan, type and recording worker. The triggers below keep them
-- in the transaction of every insert, update and delete of an intervention, whatever
-- the write path (the service, a bulk load), so counting the queue reads a few thousand
-- rows however long it is. Rows that fall to zero stay, at zero.
-- Keyed in the order the queue sums them (per kecamatan, type and worker over a range of
-- months), so that the sum streams instead of sorting.
CREATE TABLE pending_counts (
	kecamatan_code    TEXT NOT NULL,
	intervention_type TEXT NOT NULL,
	worker            TEXT NOT NULL,
	month             TEXT NOT NULL,      -- 'YYYY-MM' of delivered_on
	n                 INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (kecamatan_code, intervention_type, worker, month)
) STRICT, WITHOUT ROWID;

INSERT INTO pending_counts (kecamatan_code, intervention_type, worker, month, n)
SELECT kecamatan_code, intervention_type, worker, substr(delivered_on, 1, 7), COUNT(*)
FROM interventions WHERE verification = 1 AND state = 1
GROUP BY 1, 2, 3, 4;

-- The same summed over the months: what the queue shows without a range of months, a
-- tenth of the rows (about 2 400 for a kabupaten at a million interventions).
CREATE TABLE pending_totals (
	kecamatan_code    TEXT NOT NULL,
	intervention_type TEXT NOT NULL,
	worker            TEXT NOT NULL,
	n                 INTEGER NOT NULL CHECK (n >= 0),
	PRIMARY KEY (kecamatan_code, intervention_type, worker)
) STRICT, WITHOUT ROWID;

INSERT INTO pending_totals (kecamatan_code, intervention_type, worker, n)
SELECT kecamatan_code, intervention_type, worker, SUM(n) FROM pending_counts GROUP BY 1, 2, 3;

CREATE TRIGGER pending_counts_insert AFTER INSERT ON interventions
WHEN NEW.verification = 1 AND NEW.state = 1
BEGIN
	INSERT INTO pending_counts (kecamatan_code, intervention_type, worker, month, n)
	VALUES (NEW.kecamatan_code, NEW.intervention_type, NEW.worker, substr(NEW.delivered_on, 1, 7), 1)
	ON CONFLICT DO UPDATE SET n = n + 1;
	INSERT INTO pending_totals (kecamatan_code, intervention_type, worker, n)
	VALUES (NEW.kecamatan_code, NEW.intervention_type, NEW.worker, 1)
	ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER pending_counts_update_old AFTER UPDATE OF verification, state, delivered_on, kecamatan_code,
	intervention_type, worker ON interventions
WHEN OLD.verification = 1 AND OLD.state = 1
BEGIN
	UPDATE pending_counts SET n = n - 1
	WHERE kecamatan_code = OLD.kecamatan_code AND intervention_type = OLD.intervention_type
		AND worker = OLD.worker AND month = substr(OLD.delivered_on, 1, 7);
	UPDATE pending_totals SET n = n - 1
	WHERE kecamatan_code = OLD.kecamatan_code AND intervention_type = OLD.intervention_type AND worker = OLD.worker;
END;

CREATE TRIGGER pending_counts_update_new AFTER UPDATE OF verification, state, delivered_on, kecamatan_code,
	intervention_type, worker ON interventions
WHEN NEW.verification = 1 AND NEW.state = 1
BEGIN
	INSERT INTO pending_counts (kecamatan_code, intervention_type, worker, month, n)
	VALUES (NEW.kecamatan_code, NEW.intervention_type, NEW.worker, substr(NEW.delivered_on, 1, 7), 1)
	ON CONFLICT DO UPDATE SET n = n + 1;
	INSERT INTO pending_totals (kecamatan_code, intervention_type, worker, n)
	VALUES (NEW.kecamatan_code, NEW.intervention_type, NEW.worker, 1)
	ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER pending_counts_delete AFTER DELETE ON interventions
WHEN OLD.verification = 1 AND OLD.state = 1
BEGIN
	UPDATE pending_counts SET n = n - 1
	WHERE kecamatan_code = OLD.kecamatan_code AND intervention_type = OLD.intervention_type
		AND worker = OLD.worker AND month = substr(OLD.delivered_on, 1, 7);
	UPDATE pending_totals SET n = n - 1
	WHERE kecamatan_code = OLD.kecamatan_code AND intervention_type = OLD.intervention_type AND worker = OLD.worker;
END;

-- The queue itself, oldest delivery first. Partial: only what waits is in it, and the
-- filter columns are in it so that a filtered page is found without reading rows.
CREATE INDEX interventions_pending ON interventions (delivered_on, id, kecamatan_code, intervention_type, worker)
	WHERE verification = 1 AND state = 1;

-- The dashboard of one kecamatan: the counted pairs attributed to it, every column the
-- facts need in the index (count_pairs' key columns come with it).
CREATE INDEX count_pairs_kecamatan ON count_pairs (year, kecamatan_code, first_on, ppks_type, verified, family_key);
