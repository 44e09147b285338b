-- 016_event_time_known.sql (SQLite): whether an event's hours are known. An
-- imported past salon often has only its date; its pages and calendar
-- entries then show the date, not an invented 09:00-17:30.
ALTER TABLE events ADD COLUMN time_known BOOLEAN NOT NULL DEFAULT 1;
