-- Accounts, their sessions and their one-time links.

-- A registered user. Every account votes through a voter row of its own, so that votes,
-- tickets and the pick of the next picture work the same for accounts and anonymous visitors.
CREATE TABLE users (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    voter_id           bigint NOT NULL UNIQUE REFERENCES voters (id),
    -- As typed; unique whatever the case (see the index below). Checked by Username::parse.
    username           text NOT NULL CHECK (username ~ '^[A-Za-z0-9_-]{3,24}$'),
    email              text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    email_verified_at  timestamptz,
    -- A PHC string (Argon2id), re-hashed at login when its parameters are weaker than the current ones.
    password_hash      text NOT NULL,
    display_name       text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 50),
    bio                text NOT NULL DEFAULT '' CHECK (char_length(bio) <= 500),
    hide_ratings_count boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_username ON users (lower(username));
CREATE UNIQUE INDEX users_email ON users (lower(email));

-- Pictures belong to the voter that submitted them; an account's pictures are its voter's.
CREATE INDEX submissions_by_submitter ON submissions (submitted_by) WHERE submitted_by IS NOT NULL;

-- Logged-in sessions. The cookie holds a random token; only its SHA-256 is stored, so a copy of
-- this table logs nobody in.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (user_id);

-- Links sent by email (address confirmation, password reset): single use, short-lived, hashed.
CREATE TABLE account_tokens (
    token_hash  bytea PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    -- The address a confirmation link confirms (the account's address may change meanwhile).
    email       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

CREATE INDEX account_tokens_by_user ON account_tokens (user_id);

-- Failed logins, counted per key ("address:…", "account:…", "pair:…") in fixed windows.
CREATE TABLE login_failures (
    key           text PRIMARY KEY,
    failures      integer NOT NULL,
    window_start  timestamptz NOT NULL
);
