-- 010: series that organizers create and edit (the events list and its
-- series filter change when one is added or removed), and the ticket
-- mail's QR code: the outbox keeps the text to draw as an inline image.
CREATE TRIGGER events_v_series_i AFTER INSERT ON event_series BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_series_d AFTER DELETE ON event_series BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
ALTER TABLE outbox ADD COLUMN qr TEXT;
