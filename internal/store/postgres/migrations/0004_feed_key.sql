-- The key that authenticates this database's sync cursors (ppks.FeedReader.FeedKey):
-- 32 random bytes, made once here and never changed, so that a cursor stays valid across
-- restarts, backups and every process of the database, while nobody can make one by hand
-- (a hand-made cursor could ask the change log from its start). gen_random_uuid draws
-- from pg_strong_random (the operating system's generator): two of them give 244 random
-- bits without the pgcrypto extension.
CREATE TABLE feed_key (
	id  smallint PRIMARY KEY CHECK (id = 1),
	key bytea NOT NULL CHECK (length(key) = 32)
);

INSERT INTO feed_key (id, key)
VALUES (1, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
