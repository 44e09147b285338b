-- 021_address_en.sql (PostgreSQL): an event's address has an English side too,
-- for the visitors from abroad at the summit. Empty means not written;
-- English pages then show the Chinese address, marked as Chinese.
ALTER TABLE events ADD COLUMN address_en text NOT NULL DEFAULT '';
