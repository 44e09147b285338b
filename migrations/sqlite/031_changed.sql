-- 031_changed.sql (SQLite): nothing. PostgreSQL's servers are told of
-- each commit by a notification (see the PostgreSQL migration); SQLite's
-- read its write-ahead log's index instead (db/sqlite.c).
SELECT 1;
