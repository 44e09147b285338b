-- A channel's QR image as uploaded (a chat group's, which has no link to
-- draw one from); without one, pages draw the QR of its link.
ALTER TABLE channels ADD COLUMN qr_file_id INTEGER REFERENCES files(id) ON DELETE SET NULL;
