-- A revoked token's name may be given to a new token (rotating a key under the
-- same name): names are unique among active tokens only.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_name_key;
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
