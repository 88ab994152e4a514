-- Per-user OAuth grants, pending consents and pending grants (SPEC section 8). STRICT tables: column types are enforced.
-- Times are epoch milliseconds. Every token, verifier and state column holds a TokenCipher ciphertext (AES-256-GCM,
-- bound to its column and row), and states and consent codes are looked up by their SHA-256 only.
-- SchemaMigrator drops comment lines and splits the rest on ';', so statements hold no semicolons.

CREATE TABLE grants (
    provider          TEXT   NOT NULL,
    user_id           TEXT   NOT NULL,
    tool              TEXT   NOT NULL,
    scopes            TEXT   NOT NULL,
    access_token      BLOB   NOT NULL,
    access_expires_at INTEGER,
    refresh_token     BLOB,
    key_id            TEXT   NOT NULL,
    created_at        INTEGER NOT NULL,
    refreshed_at      INTEGER,
    version           INTEGER NOT NULL,
    PRIMARY KEY (provider, user_id, tool)
) STRICT;
-- The primary key serves (provider, user_id) lookups; these serve the admin view's tool filter and the start-up
-- check for key ids the key ring lacks.
CREATE INDEX grants_by_tool ON grants (tool);
CREATE INDEX grants_by_key_id ON grants (key_id);

CREATE TABLE pending_consents (
    state_hash BLOB   PRIMARY KEY CHECK (length(state_hash) = 32),
    provider   TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    tool       TEXT   NOT NULL,
    state      BLOB   NOT NULL,
    verifier   BLOB   NOT NULL,
    key_id     TEXT   NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX pending_consents_by_user ON pending_consents (provider, user_id, created_at);
CREATE INDEX pending_consents_by_expiry ON pending_consents (expires_at);

CREATE TABLE pending_grants (
    code_hash         BLOB   PRIMARY KEY CHECK (length(code_hash) = 32),
    provider          TEXT   NOT NULL,
    user_id           TEXT   NOT NULL,
    tool              TEXT   NOT NULL,
    scopes            TEXT   NOT NULL,
    access_token      BLOB   NOT NULL,
    access_expires_at INTEGER,
    refresh_token     BLOB,
    key_id            TEXT   NOT NULL,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX pending_grants_by_user ON pending_grants (provider, user_id);
CREATE INDEX pending_grants_by_expiry ON pending_grants (expires_at);
