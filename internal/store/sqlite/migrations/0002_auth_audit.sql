-- Users, their bearer tokens, and the audit log.

-- A person who uses the service. kecamatan is a JSON array of codes, in the order given
-- (the domain sorts them); '[]' when the user serves none.
CREATE TABLE users (
	username     TEXT PRIMARY KEY,
	display_name TEXT NOT NULL,
	role         INTEGER NOT NULL,           -- ppks.Role
	kecamatan    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(kecamatan) AND json_type(kecamatan) = 'array'),
	disabled     INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	create_time  INTEGER NOT NULL,
	update_time  INTEGER NOT NULL,
	revision     INTEGER NOT NULL
) STRICT;

-- Counting the enabled administrators.
CREATE INDEX users_role ON users (role, disabled);

-- A bearer token of a user. Only the SHA-256 of its secret is stored.
CREATE TABLE tokens (
	id          TEXT PRIMARY KEY,
	username    TEXT NOT NULL REFERENCES users (username),
	hash        BLOB NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	create_time INTEGER NOT NULL,
	expire_time INTEGER,                     -- NULL: never expires
	revoke_time INTEGER                      -- NULL: not revoked
) STRICT;

CREATE INDEX tokens_username ON tokens (username, id);

-- Who did what to which records. Append-only: the triggers below refuse every UPDATE and
-- DELETE, so an entry, once committed, stays as it was written. AUTOINCREMENT: ids are
-- never reused, so they order the entries and page them.
CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	time       INTEGER NOT NULL,             -- unix microseconds UTC
	username   TEXT NOT NULL,
	role       INTEGER NOT NULL,             -- ppks.Role
	method     TEXT NOT NULL,
	action     INTEGER NOT NULL,             -- ppks.AuditAction
	resource   TEXT NOT NULL,
	records    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(records) AND json_type(records) = 'array'),
	request_id TEXT NOT NULL DEFAULT '',
	summary    TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX audit_log_username ON audit_log (username, id);
CREATE INDEX audit_log_resource ON audit_log (resource, id);
CREATE INDEX audit_log_time ON audit_log (time, id);

-- The records of each entry (audit_log.records), one row each, so that the entries that
-- touched a record are found through an index.
CREATE TABLE audit_records (
	name     TEXT NOT NULL,
	audit_id INTEGER NOT NULL REFERENCES audit_log (id),
	PRIMARY KEY (name, audit_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- INSERT OR REPLACE deletes the row it replaces without firing the DELETE trigger (unless
-- recursive_triggers is on): refuse an insert that would replace an entry.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN
	SELECT RAISE(ABORT, 'audit_records is append-only');
END;

CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN
	SELECT RAISE(ABORT, 'audit_records is append-only');
END;
