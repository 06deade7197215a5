-- The key that authenticates this database's sync cursors (ppks.FeedReader.FeedKey):
-- 32 random bytes, made once here and never changed, so that a cursor stays valid across
-- restarts and backups while nobody can make one by hand (a hand-made cursor could ask
-- the change log from its start). randomblob is SQLite's ChaCha20 generator, seeded from
-- the operating system's randomness.
CREATE TABLE feed_key (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	key BLOB NOT NULL CHECK (length(key) = 32)
) STRICT;

INSERT INTO feed_key (id, key) VALUES (1, randomblob(32));
