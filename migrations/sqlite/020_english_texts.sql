-- 020_english_texts.sql (SQLite): every text an organizer writes for
-- visitors has an English side: an agenda item's title, an event's
-- venue and its description. Empty means not written yet; English pages then show the Chinese,
-- marked as Chinese.
ALTER TABLE event_items ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN venue_en TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
