-- 022_outbox_unsent.sql (SQLite): the mail senders look for what is still to
-- send, oldest first. An index of only those rows: on PostgreSQL every
-- mail sent left a dead entry in the old (sent_at, id) index's NULL range,
-- and during a rush each claim visited thousands of them (4 ms with
-- nothing to send, 1,199 heap pages; the claim was the third heaviest
-- statement of two events opening at once). Here the senders walk the
-- index in id order and stop at the first 50 rows they can take.
DROP INDEX outbox_pending;
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
