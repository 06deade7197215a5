-- The change log of the sync feed (ppks.FeedReader, feed.go): one entry per record that a
-- write inserted or updated, appended by the triggers below in the write's own
-- transaction, whatever path the write took (the service, ppksctl migrate's COPY).
-- Writers run concurrently and commit in any order, so the sequence alone orders nothing
-- a reader may rely on: every entry carries its transaction's id (xid8), entries are
-- ordered by (xid, seq), and a reader hands out only entries of transactions that have
-- ended, those below the xmin of its snapshot (feed.go). Appending conflicts with
-- nothing (no write reads the log), and the identity is not transactional.
CREATE TABLE feed_log (
	seq        bigint GENERATED ALWAYS AS IDENTITY,
	xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
	kind       smallint NOT NULL,                 -- ppks.RecordKind
	record_id  text COLLATE "C" NOT NULL,
	kec_before text COLLATE "C" NOT NULL DEFAULT '', -- the person's kecamatan before the write; '' for a new record
	kec_after  text COLLATE "C" NOT NULL,            -- and after it
	PRIMARY KEY (xid, seq)
);

-- A person: their own kecamatan. When it changes, their cases and interventions move
-- with them: each gets an entry, so that the feed of either kecamatan sees them.
CREATE FUNCTION feed_beneficiaries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO feed_log (kind, record_id, kec_after) SELECT 1, n.id, n.kecamatan_code FROM new_rows n;
		RETURN NULL;
	END IF;
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	SELECT 1, n.id, o.kecamatan_code, n.kecamatan_code FROM new_rows n JOIN old_rows o ON o.id = n.id;
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	SELECT 2, c.id, o.kecamatan_code, n.kecamatan_code FROM new_rows n JOIN old_rows o ON o.id = n.id
	JOIN cases c ON c.beneficiary_id = n.id WHERE o.kecamatan_code <> n.kecamatan_code;
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	SELECT 3, i.id, o.kecamatan_code, n.kecamatan_code FROM new_rows n JOIN old_rows o ON o.id = n.id
	JOIN interventions i ON i.beneficiary_id = n.id WHERE o.kecamatan_code <> n.kecamatan_code;
	RETURN NULL;
END;
$$;

CREATE TRIGGER feed_beneficiaries_insert AFTER INSERT ON beneficiaries
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_beneficiaries();
CREATE TRIGGER feed_beneficiaries_update AFTER UPDATE ON beneficiaries
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_beneficiaries();

-- A case: the kecamatan of its person, before and after (a merge moves it from the
-- duplicate to the survivor). Its interventions carry its PPKS category: a new category
-- gives each an entry too.
CREATE FUNCTION feed_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO feed_log (kind, record_id, kec_after)
		SELECT 2, n.id, COALESCE(b.kecamatan_code, '') FROM new_rows n LEFT JOIN beneficiaries b ON b.id = n.beneficiary_id;
		RETURN NULL;
	END IF;
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	SELECT 2, n.id, COALESCE(bo.kecamatan_code, ''), COALESCE(bn.kecamatan_code, '')
	FROM new_rows n JOIN old_rows o ON o.id = n.id
	LEFT JOIN beneficiaries bo ON bo.id = o.beneficiary_id LEFT JOIN beneficiaries bn ON bn.id = n.beneficiary_id;
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	SELECT 3, i.id, b.kecamatan_code, b.kecamatan_code FROM new_rows n JOIN old_rows o ON o.id = n.id
	JOIN interventions i ON i.case_id = n.id JOIN beneficiaries b ON b.id = i.beneficiary_id
	WHERE o.ppks_type <> n.ppks_type;
	RETURN NULL;
END;
$$;

CREATE TRIGGER feed_cases_insert AFTER INSERT ON cases
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_cases();
CREATE TRIGGER feed_cases_update AFTER UPDATE ON cases
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_cases();

-- An intervention: the kecamatan of its person, before and after.
CREATE FUNCTION feed_interventions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO feed_log (kind, record_id, kec_after)
		SELECT 3, n.id, COALESCE(b.kecamatan_code, '') FROM new_rows n LEFT JOIN beneficiaries b ON b.id = n.beneficiary_id;
		RETURN NULL;
	END IF;
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	SELECT 3, n.id, COALESCE(bo.kecamatan_code, ''), COALESCE(bn.kecamatan_code, '')
	FROM new_rows n JOIN old_rows o ON o.id = n.id
	LEFT JOIN beneficiaries bo ON bo.id = o.beneficiary_id LEFT JOIN beneficiaries bn ON bn.id = n.beneficiary_id;
	RETURN NULL;
END;
$$;

CREATE TRIGGER feed_interventions_insert AFTER INSERT ON interventions
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_interventions();
CREATE TRIGGER feed_interventions_update AFTER UPDATE ON interventions
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_interventions();
