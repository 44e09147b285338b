-- 028_articles_newest_first.sql: the lists and feeds of articles are
-- ordered by publish time and then id (articles published in the same
-- second, as an import publishes them, still come in one order). SQLite
-- keeps the rowid at the end of every index and so walked in that order
-- already; PostgreSQL did not (10,000 articles of the same second sorted
-- for a feed of 20: 12 ms), and the two engines keep the same indexes.
DROP INDEX articles_public;
DROP INDEX articles_kind;
CREATE INDEX articles_public ON articles(status, publish_at, id);
CREATE INDEX articles_kind ON articles(kind, status, publish_at, id);
