/// A PostgreSQL database as `[store] url` names it: `postgresql://user@host:port/dbname`
/// (`postgres://` too, and libpq's query parameters such as `sslmode`). The password is never
/// part of it: libpq reads it from `PGPASSWORD` or `~/.pgpass`, so that no secret sits in the
/// configuration file, and every message may show the URL as it is.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// The URL as written.
    public let text: String

    /// Why a URL is refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Checks `text`: the scheme, no password, no control characters or spaces.
    public init(_ text: String) throws(Refusal) {
        let lower = text.lowercased()
        guard let scheme = ["postgresql://", "postgres://"].first(where: { lower.hasPrefix($0) }) else {
            throw Refusal(description: "a PostgreSQL URL starts with postgresql://")
        }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw Refusal(description: "the URL holds spaces or control characters")
        }
        let rest = text.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
            throw Refusal(
                description:
                    "the URL holds a password; leave it out and give it in PGPASSWORD or ~/.pgpass (the configuration file is no place for a secret)"
            )
        }
        if let query = rest.firstIndex(of: "?") {
            let parameters = rest[rest.index(after: query)...].split(separator: "&")
            if parameters.contains(where: { $0.lowercased().hasPrefix("password=") }) {
                throw Refusal(
                    description:
                        "the URL holds a password parameter; give the password in PGPASSWORD or ~/.pgpass instead")
            }
        }
        self.text = text
    }

    /// The URL as libpq takes it, with ordrecon's name for the server's views of sessions, a
    /// bound on how long connecting may take, and TCP keepalives, so that a server that vanished
    /// (and with it the ingest lock) is noticed within about 11 s rather than the system's two
    /// hours. Parameters the URL gives itself win.
    public var conninfo: String {
        let defaults = [
            ("application_name", "ordrecon"), ("connect_timeout", "10"), ("keepalives", "1"),
            ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "3"),
        ]
        let extra = defaults.filter { !text.contains($0.0 + "=") }.map { "\($0.0)=\($0.1)" }
        guard !extra.isEmpty else { return text }
        return text + (text.contains("?") ? "&" : "?") + extra.joined(separator: "&")
    }

    public var description: String { text }
}
