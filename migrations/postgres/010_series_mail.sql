-- 010: series that organizers create and edit (the events list and its
-- series filter change when one is added or removed), and the ticket
-- mail's QR code: the outbox keeps the text to draw as an inline image.
DROP TRIGGER events_version ON event_series;
CREATE TRIGGER events_version AFTER INSERT OR UPDATE OR DELETE ON event_series
	FOR EACH STATEMENT EXECUTE FUNCTION bump_events_version();
ALTER TABLE outbox ADD COLUMN qr text;
