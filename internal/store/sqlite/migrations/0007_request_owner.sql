-- A request id belongs to the user who sent it (ppks.RequestKey.Username). Another user's
-- request with the same id is a request of its own, checked and audited as any, never a
-- replay of the first one's answer (which would skip the checks the first one passed).
CREATE TABLE requests_by_user (
	username    TEXT NOT NULL,
	request_id  TEXT NOT NULL,
	method      TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	resource    TEXT NOT NULL,          -- the name of the resource the request produced
	create_time INTEGER NOT NULL,
	PRIMARY KEY (username, request_id)
) STRICT, WITHOUT ROWID;

-- Earlier requests take the user of their write's audit entry (written in the same
-- transaction as the request's row).
INSERT INTO requests_by_user (username, request_id, method, fingerprint, resource, create_time)
SELECT COALESCE(a.username, ''), r.request_id, r.method, r.fingerprint, r.resource, r.create_time
FROM requests r
LEFT JOIN (
	SELECT request_id, username FROM audit_log
	WHERE action = 1 AND request_id != ''
	GROUP BY request_id HAVING id = MIN(id)
) a ON a.request_id = r.request_id;

DROP TABLE requests;
ALTER TABLE requests_by_user RENAME TO requests;
