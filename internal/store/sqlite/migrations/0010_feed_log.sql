-- The change log of the sync feed (ppks.FeedReader, feed.go): one entry per record that a
-- write inserted or updated, appended by the triggers below in the write's own
-- transaction, whatever path the write took. SQLite has one writer, so sequence order is
-- commit order: any committed seq is a final position. AUTOINCREMENT: a seq is never
-- handed out twice, even if the log is ever pruned.
CREATE TABLE feed_log (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	kind       INTEGER NOT NULL,            -- ppks.RecordKind
	record_id  TEXT NOT NULL,
	kec_before TEXT NOT NULL DEFAULT '',    -- the person's kecamatan before the write; '' for a new record
	kec_after  TEXT NOT NULL                -- and after it
) STRICT;

-- A person: their own kecamatan. When it changes, their cases and interventions move
-- with them: each gets an entry, so that the feed of either kecamatan sees them.
CREATE TRIGGER feed_beneficiary_insert AFTER INSERT ON beneficiaries
BEGIN
	INSERT INTO feed_log (kind, record_id, kec_after) VALUES (1, NEW.id, NEW.kecamatan_code);
END;

CREATE TRIGGER feed_beneficiary_update AFTER UPDATE ON beneficiaries
BEGIN
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	VALUES (1, NEW.id, OLD.kecamatan_code, NEW.kecamatan_code);
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	SELECT 2, c.id, OLD.kecamatan_code, NEW.kecamatan_code FROM cases c
	WHERE c.beneficiary_id = NEW.id AND OLD.kecamatan_code <> NEW.kecamatan_code;
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	SELECT 3, i.id, OLD.kecamatan_code, NEW.kecamatan_code FROM interventions i
	WHERE i.beneficiary_id = NEW.id AND OLD.kecamatan_code <> NEW.kecamatan_code;
END;

-- A case or an intervention: the kecamatan of its person, before and after (a merge
-- moves them from the duplicate to the survivor). COALESCE: an entry is written even
-- while a foreign key is deferred (the moves of a merge, a bulk load). An intervention
-- carries the PPKS category of its case: a new category gives each an entry too.
CREATE TRIGGER feed_case_insert AFTER INSERT ON cases
BEGIN
	INSERT INTO feed_log (kind, record_id, kec_after)
	VALUES (2, NEW.id, COALESCE((SELECT kecamatan_code FROM beneficiaries WHERE id = NEW.beneficiary_id), ''));
END;

CREATE TRIGGER feed_case_update AFTER UPDATE ON cases
BEGIN
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	VALUES (2, NEW.id,
		COALESCE((SELECT kecamatan_code FROM beneficiaries WHERE id = OLD.beneficiary_id), ''),
		COALESCE((SELECT kecamatan_code FROM beneficiaries WHERE id = NEW.beneficiary_id), ''));
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	SELECT 3, i.id, b.kecamatan_code, b.kecamatan_code FROM interventions i JOIN beneficiaries b ON b.id = i.beneficiary_id
	WHERE i.case_id = NEW.id AND OLD.ppks_type <> NEW.ppks_type;
END;

CREATE TRIGGER feed_intervention_insert AFTER INSERT ON interventions
BEGIN
	INSERT INTO feed_log (kind, record_id, kec_after)
	VALUES (3, NEW.id, COALESCE((SELECT kecamatan_code FROM beneficiaries WHERE id = NEW.beneficiary_id), ''));
END;

CREATE TRIGGER feed_intervention_update AFTER UPDATE ON interventions
BEGIN
	INSERT INTO feed_log (kind, record_id, kec_before, kec_after)
	VALUES (3, NEW.id,
		COALESCE((SELECT kecamatan_code FROM beneficiaries WHERE id = OLD.beneficiary_id), ''),
		COALESCE((SELECT kecamatan_code FROM beneficiaries WHERE id = NEW.beneficiary_id), ''));
END;
