-- 006_api_tokens.sql (PostgreSQL): personal API tokens, stored as hashes.
CREATE TABLE api_tokens (
	token_hash text PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name text NOT NULL,
	created_at timestamptz NOT NULL,
	last_used_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
