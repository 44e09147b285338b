-- New members by the channel they came by. A member who joins is, that
-- day, the visitor their page views were counted as: member_joins keeps
-- that visitor's hash until the day is summed, when the channel of their
-- first view that day goes to member_channels and the hash is deleted
-- (it is never kept past its day, as the day's salt is not).
CREATE TABLE member_joins (
	user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	day INTEGER NOT NULL,
	visitor INTEGER NOT NULL
);
CREATE TABLE member_channels (
	user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	day INTEGER NOT NULL,
	key TEXT NOT NULL
);
CREATE INDEX member_channels_day ON member_channels(day, key);
