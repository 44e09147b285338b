-- Today's page views summed, kept by the writer as page views arrive (every few
-- seconds), so the dashboard never sums raw rows on a request: the same
-- rows as view_days for the days not finished yet; a finished day's are
-- deleted when it is summed for good. view_live_at says when a day's were
-- last made: a server claims the next making by moving it, so several
-- servers on one database take turns instead of all summing at once.
CREATE TABLE view_days_live (
	day integer NOT NULL,
	dim text NOT NULL,
	key text NOT NULL,
	views bigint NOT NULL,
	visitors bigint NOT NULL,
	PRIMARY KEY (day, dim, key)
);
CREATE TABLE view_live_at (
	day integer PRIMARY KEY,
	at bigint NOT NULL
);

-- New members are now kept by the day in interaction_days too (kind
-- 'members'), for the days summed before they were.
INSERT INTO interaction_days (day, kind, n)
SELECT CAST(floor((extract(epoch FROM created_at) + 28800) / 86400) AS integer), 'members', count(*) FROM users
WHERE created_at < (SELECT to_timestamp((max(day) + 1) * 86400 - 28800) FROM view_days_done)
GROUP BY 1;

-- The charts read a dimension's or a kind's days in order: indexes that
-- hold the whole row, so the table is never visited.
DROP INDEX view_days_dim;
CREATE INDEX view_days_dim ON view_days(dim, day) INCLUDE (key, views, visitors);
CREATE INDEX interaction_days_kind ON interaction_days(kind, day) INCLUDE (n);
