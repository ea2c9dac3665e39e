/// The SQLite schema, created on first open. Times are Unix seconds (REAL); scope and grant
/// lists are space-separated (RFC 6749 §3.3 tokens contain no space); URI and audience lists
/// are newline-separated (neither may contain one). Refresh tokens and codes are stored only as
/// SHA-256 hashes, private keys only sealed with the master key.
enum SQLiteSchema {
    /// 2: `refresh_tokens.replaced_by`, `authentication_failures`.
    /// 3: `refresh_tokens.key_thumbprint` (DPoP-bound refresh tokens), `clients.requires_dpop`,
    /// `authorization_codes.dpop_jkt`.
    /// 4: `clients.signing_keys` (RFC 9421 keys registered per client, a JSON array).
    /// 5: `users.sessions_not_before` (issue 14: sessions begun before it are ended);
    /// `signal_counts`, `alerts` (issue 14: detection).
    /// 6: `scope_uses` (issue 14: `new_scope_use`); `signal_counts.previous`, `previous_at`
    /// (sliding windows); `clients.disabled`.
    /// 7: `issued_tokens.derived_from` (issue 14: a narrowed client's tokens revoke those
    /// exchanged from them).
    static let version = 7

    static let statements: [String] = [
        "PRAGMA journal_mode = WAL",
        // In WAL mode NORMAL is safe against application crashes (a power loss may drop the
        // last commits, never corrupt the file) and spares an fsync per token issued.
        "PRAGMA synchronous = NORMAL",
        "PRAGMA foreign_keys = ON",
        """
        CREATE TABLE IF NOT EXISTS settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS scopes (
            name TEXT PRIMARY KEY,
            description TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS clients (
            id TEXT PRIMARY KEY,
            secret_hash BLOB,
            grants TEXT NOT NULL,
            scopes TEXT NOT NULL,
            redirect_uris TEXT NOT NULL,
            audiences TEXT NOT NULL,
            token_lifetime REAL,
            created_at REAL NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS users (
            name TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            scopes TEXT NOT NULL,
            disabled INTEGER NOT NULL,
            created_at REAL NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS signing_keys (
            kid TEXT PRIMARY KEY,
            algorithm TEXT NOT NULL,
            sealed_private_key BLOB NOT NULL,
            created_at REAL NOT NULL,
            activates_at REAL NOT NULL,
            retired_at REAL,
            published_until REAL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS refresh_tokens (
            hash BLOB PRIMARY KEY,
            family_id TEXT NOT NULL,
            client_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            scope TEXT NOT NULL,
            audience TEXT NOT NULL,
            issued_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            used_at REAL,
            revoked_at REAL
        )
        """,
        "CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family_id)",
        """
        CREATE TABLE IF NOT EXISTS authorization_codes (
            hash BLOB PRIMARY KEY,
            client_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            scope TEXT NOT NULL,
            audience TEXT NOT NULL,
            redirect_uri TEXT NOT NULL,
            code_challenge TEXT NOT NULL,
            family_id TEXT NOT NULL,
            expires_at REAL NOT NULL,
            used_at REAL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS issued_tokens (
            jti TEXT PRIMARY KEY,
            family_id TEXT,
            client_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            expires_at REAL NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS issued_tokens_family ON issued_tokens (family_id)",
        """
        CREATE TABLE IF NOT EXISTS revocations (
            cursor INTEGER PRIMARY KEY AUTOINCREMENT,
            jti TEXT NOT NULL UNIQUE,
            expires_at REAL NOT NULL,
            revoked_at REAL NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at REAL NOT NULL,
            event TEXT NOT NULL,
            client_id TEXT,
            subject TEXT,
            scope TEXT,
            jti TEXT,
            outcome TEXT NOT NULL,
            detail TEXT
        )
        """,
        "CREATE INDEX IF NOT EXISTS audit_at ON audit (at)",
        """
        CREATE TABLE IF NOT EXISTS authentication_failures (
            key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failure REAL NOT NULL,
            locked_until REAL NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS authentication_failures_locked ON authentication_failures (locked_until)",
        // Issue 14: occurrences counted per signal and window, and the alerts raised.
        """
        CREATE TABLE IF NOT EXISTS signal_counts (
            key TEXT PRIMARY KEY,
            occurrences INTEGER NOT NULL,
            first_at REAL NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS alerts (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            severity TEXT NOT NULL,
            summary TEXT NOT NULL,
            subject TEXT,
            client_id TEXT,
            service TEXT,
            occurrences INTEGER NOT NULL,
            window_seconds INTEGER NOT NULL,
            first_seen REAL NOT NULL,
            last_seen REAL NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS alerts_kind_key ON alerts (kind, key, last_seen)",
        "CREATE INDEX IF NOT EXISTS alerts_last_seen ON alerts (last_seen)",
        // Issue 14: the scopes each client's tokens carried, and since when (`new_scope_use`).
        """
        CREATE TABLE IF NOT EXISTS scope_uses (
            client_id TEXT NOT NULL,
            scope TEXT NOT NULL,
            first_seen REAL NOT NULL,
            PRIMARY KEY (client_id, scope)
        )
        """,
        """
        INSERT INTO settings (name, value) VALUES ('schema_version', '\(version)')
        ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE CAST(value AS INTEGER) < \(version)
        """,
    ]

    /// Columns added after a table was first created: (table, column, type). Added on open
    /// when missing (SQLite has no `ADD COLUMN IF NOT EXISTS`).
    static let addedColumns: [(table: String, column: String, type: String)] = [
        ("refresh_tokens", "replaced_by", "BLOB"),
        ("refresh_tokens", "key_thumbprint", "TEXT"),
        ("clients", "requires_dpop", "INTEGER NOT NULL DEFAULT 0"),
        ("authorization_codes", "dpop_jkt", "TEXT"),
        ("clients", "signing_keys", "TEXT NOT NULL DEFAULT '[]'"),
        ("users", "sessions_not_before", "REAL"),
        ("signal_counts", "previous", "INTEGER NOT NULL DEFAULT 0"),
        ("clients", "disabled", "INTEGER NOT NULL DEFAULT 0"),
        ("signal_counts", "previous_at", "REAL NOT NULL DEFAULT 0"),
        // Space-separated client ids (a client id has no space): ``IssuedTokenRecord/derivedFrom``.
        ("issued_tokens", "derived_from", "TEXT NOT NULL DEFAULT ''"),
    ]
}
