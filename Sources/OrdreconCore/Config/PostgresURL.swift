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

    /// Checks `text`: the scheme, no password, no control characters or spaces, a host and a
    /// database name (libpq would otherwise take the local socket and the user's name, quietly
    /// another database than the one meant).
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
        let parameters = Self.parameters(of: rest)
        if parameters.contains(where: { $0.lowercased().hasPrefix("password=") }) {
            throw Refusal(
                description: "the URL holds a password parameter; give the password in PGPASSWORD or ~/.pgpass instead")
        }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        let hostParameter = parameters.contains {
            $0.lowercased().hasPrefix("host=") || $0.lowercased().hasPrefix("hostaddr=")
        }
        if (host.isEmpty || host.hasPrefix(":")) && !hostParameter {
            throw Refusal(
                description: "the URL names no host; write postgresql://user@host:port/dbname (for a Unix socket, "
                    + "add ?host=<the socket's folder>)")
        }
        let path = rest.dropFirst(authority.count).prefix { $0 != "?" }
        let hasName = path.count > 1 || parameters.contains { $0.lowercased().hasPrefix("dbname=") }
        if !hasName {
            throw Refusal(description: "the URL names no database; write postgresql://user@host:port/dbname")
        }
        self.text = text
    }

    /// The `name=value` parameters after `?` in `rest` (the URL after its scheme).
    private static func parameters(of rest: Substring) -> [Substring] {
        guard let query = rest.firstIndex(of: "?") else { return [] }
        return rest[rest.index(after: query)...].split(separator: "&")
    }

    /// `text` with any password in it (`user:password@`, `password=`) written `***`, for a
    /// message about a URL that was refused for holding one.
    public static func redactingPassword(_ text: String) -> String {
        // Without `://` (a URL mistyped), what precedes the first `/` is taken as the authority.
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        let rest = text[start...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var out = String(text[..<start])
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            out += authority[...colon] + "***" + authority[at...]
        } else {
            out += authority
        }
        let afterAuthority = rest[authority.endIndex...]
        guard let query = afterAuthority.firstIndex(of: "?") else { return out + afterAuthority }
        out += afterAuthority[...query]
        let parameters = afterAuthority[afterAuthority.index(after: query)...].split(
            separator: "&", omittingEmptySubsequences: false)
        out += parameters.map { $0.lowercased().hasPrefix("password=") ? "password=***" : String($0) }.joined(
            separator: "&")
        return out
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
