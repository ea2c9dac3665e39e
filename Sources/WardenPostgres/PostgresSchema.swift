/// The PostgreSQL schema, created on first use (each statement idempotent). Same tables and
/// representations as the SQLite store: times as Unix seconds (double precision), lists as
/// space- or newline-separated text, hashes and sealed keys as bytea.
enum PostgresSchema {
    static let statements: [String] = [
        "CREATE TABLE IF NOT EXISTS warden_settings (name text PRIMARY KEY, value text NOT NULL)",
        "CREATE TABLE IF NOT EXISTS warden_scopes (name text PRIMARY KEY, description text NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS warden_clients (
            id text PRIMARY KEY, secret_hash bytea, grants text NOT NULL, scopes text NOT NULL,
            redirect_uris text NOT NULL, audiences text NOT NULL, token_lifetime double precision,
            created_at double precision NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS warden_users (
            name text PRIMARY KEY, password_hash text NOT NULL, scopes text NOT NULL,
            disabled boolean NOT NULL, created_at double precision NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS warden_signing_keys (
            kid text PRIMARY KEY, algorithm text NOT NULL, sealed_private_key bytea NOT NULL,
            created_at double precision NOT NULL, activates_at double precision NOT NULL,
            retired_at double precision, published_until double precision)
        """,
        """
        CREATE TABLE IF NOT EXISTS warden_refresh_tokens (
            hash bytea PRIMARY KEY, family_id text NOT NULL, client_id text NOT NULL, subject text NOT NULL,
            scope text NOT NULL, audience text NOT NULL, issued_at double precision NOT NULL,
            expires_at double precision NOT NULL, used_at double precision, revoked_at double precision)
        """,
        "CREATE INDEX IF NOT EXISTS warden_refresh_tokens_family ON warden_refresh_tokens (family_id)",
        // Added after the first schema: what a used refresh token was rotated into.
        "ALTER TABLE warden_refresh_tokens ADD COLUMN IF NOT EXISTS replaced_by bytea",
        // Added for DPoP (RFC 9449 §5.2): the key a public client's refresh token is bound to.
        "ALTER TABLE warden_refresh_tokens ADD COLUMN IF NOT EXISTS key_thumbprint text",
        // RFC 9449 §5.2 dpop_bound_access_tokens: this client's token requests need a proof.
        "ALTER TABLE warden_clients ADD COLUMN IF NOT EXISTS requires_dpop boolean NOT NULL DEFAULT false",
        // RFC 9421: the keys a client signs requests with (a JSON array, StoredText).
        "ALTER TABLE warden_clients ADD COLUMN IF NOT EXISTS signing_keys text NOT NULL DEFAULT '[]'",
        // Issue 14: a user's sessions begun before this time are ended (Unix seconds).
        "ALTER TABLE warden_users ADD COLUMN IF NOT EXISTS sessions_not_before double precision",
        "ALTER TABLE warden_clients ADD COLUMN IF NOT EXISTS disabled boolean NOT NULL DEFAULT false",
        """
        CREATE TABLE IF NOT EXISTS warden_authorization_codes (
            hash bytea PRIMARY KEY, client_id text NOT NULL, subject text NOT NULL, scope text NOT NULL,
            audience text NOT NULL, redirect_uri text NOT NULL, code_challenge text NOT NULL,
            family_id text NOT NULL, expires_at double precision NOT NULL, used_at double precision)
        """,
        // RFC 9449 §10 dpop_jkt: the key an authorization code is bound to.
        "ALTER TABLE warden_authorization_codes ADD COLUMN IF NOT EXISTS dpop_jkt text",
        """
        CREATE TABLE IF NOT EXISTS warden_issued_tokens (
            jti text PRIMARY KEY, family_id text, client_id text NOT NULL, subject text NOT NULL,
            expires_at double precision NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS warden_issued_tokens_family ON warden_issued_tokens (family_id)",
        // Issue 14: the clients a token was exchanged from, space-separated (IssuedTokenRecord.derivedFrom).
        "ALTER TABLE warden_issued_tokens ADD COLUMN IF NOT EXISTS derived_from text NOT NULL DEFAULT ''",
        """
        CREATE TABLE IF NOT EXISTS warden_revocations (
            cursor bigserial PRIMARY KEY, jti text NOT NULL UNIQUE, expires_at double precision NOT NULL,
            revoked_at double precision NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS warden_audit (
            id bigserial PRIMARY KEY, at double precision NOT NULL, event text NOT NULL, client_id text,
            subject text, scope text, jti text, outcome text NOT NULL, detail text)
        """,
        "CREATE INDEX IF NOT EXISTS warden_audit_at ON warden_audit (at)",
        """
        CREATE TABLE IF NOT EXISTS warden_authentication_failures (
            key text PRIMARY KEY, failures bigint NOT NULL, last_failure double precision NOT NULL,
            locked_until double precision NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS warden_authentication_failures_locked ON warden_authentication_failures (locked_until)",
        // Issue 14: occurrences counted per signal and window, and the alerts raised.
        """
        CREATE TABLE IF NOT EXISTS warden_signal_counts (
            key text PRIMARY KEY, occurrences bigint NOT NULL, first_at double precision NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS warden_alerts (
            id text PRIMARY KEY, kind text NOT NULL, key text NOT NULL, severity text NOT NULL, summary text NOT NULL,
            subject text, client_id text, service text, occurrences bigint NOT NULL, window_seconds bigint NOT NULL,
            first_seen double precision NOT NULL, last_seen double precision NOT NULL)
        """,
        // Sliding windows (issue 14): the previous window's count and start.
        "ALTER TABLE warden_signal_counts ADD COLUMN IF NOT EXISTS previous bigint NOT NULL DEFAULT 0",
        "ALTER TABLE warden_signal_counts ADD COLUMN IF NOT EXISTS previous_at double precision NOT NULL DEFAULT 0",
        "CREATE INDEX IF NOT EXISTS warden_alerts_kind_key ON warden_alerts (kind, key, last_seen)",
        "CREATE INDEX IF NOT EXISTS warden_alerts_last_seen ON warden_alerts (last_seen)",
        // Issue 14: the scopes each client's tokens carried, and since when (`new_scope_use`).
        """
        CREATE TABLE IF NOT EXISTS warden_scope_uses (
            client_id text NOT NULL, scope text NOT NULL, first_seen double precision NOT NULL, PRIMARY KEY (client_id, scope))
        """,
    ]
}
