-- Issue 15: signing out ends the session on every server. A token's id
-- (its `jti` claim) is listed here at logout and checked on each request;
-- rows may be pruned once `expires_at` has passed (the token is refused
-- as expired by then anyway).
CREATE TABLE revoked_tokens (
    jti TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP NOT NULL
);
