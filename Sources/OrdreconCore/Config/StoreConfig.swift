/// `[store] url`: where state, history, the audit log, documents and refunds live.
///
/// The workspace lock and the processing folder stay beside `[paths] database` on either
/// store: they belong to the folders of this node, not to the database.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// The embedded SQLite database, this file (absolute): the default.
    case sqlite(path: String)
    /// A PostgreSQL database, 15 or newer; the password comes from `PGPASSWORD` or `~/.pgpass`.
    case postgres(PostgresURL)

    /// The database as messages name it: the file's path, or the URL (which never holds a
    /// password, so it may be shown anywhere).
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url.text
        }
    }

    /// The PostgreSQL database, when the store is one.
    public var postgresURL: PostgresURL? {
        if case .postgres(let url) = self { return url }
        return nil
    }

    /// The prefix of an SQLite location.
    static let sqlitePrefix = "sqlite:"
}

extension StoreLocation {
    /// Reads `[store] url`. An `sqlite:` path becomes `paths.database` (checked like it), so
    /// that everything beside the database (the lock, `processing/`) follows it; `""` leaves the
    /// database at `paths.database`.
    /// - Parameter databaseIsSet: whether the file sets `[paths] database` itself (then an
    ///   `sqlite:` path must name the same file).
    static func read(_ t: TableReader, paths: inout Configuration.Paths, databaseIsSet: Bool)
        throws(ConfigurationError) -> StoreLocation
    {
        let url = try t.text(
            "url", default: "",
            accepts: "\"\" (the SQLite database at paths.database), sqlite:<path> (relative to "
                + "\(ConfigKey.workspace), or absolute) or postgresql://user@host:port/dbname (no password)",
            kind: .storeURL,
            doc: "where state, history, the audit log, documents and refunds live: `\"\"` the SQLite database at "
                + "`paths.database`; `sqlite:<path>`; `postgresql://user@host:port/dbname` (PostgreSQL 15 or "
                + "newer; the password from `PGPASSWORD` or `~/.pgpass`, never from this file)",
            comment: [
                "Where state, history, the audit log, documents and refunds live. \"\" = the SQLite database",
                "at paths.database (the default); \"sqlite:<path>\" = an SQLite database there (relative to the",
                "workspace; remove paths.database then, or give it the same path).",
                "\"postgresql://user@host:port/dbname\" = a PostgreSQL database, 15 or newer; the password",
                "never goes here: it is read from PGPASSWORD or ~/.pgpass. On either store the workspace",
                "lock and processing/ stay in the folder of paths.database.",
            ])
        let text = url.value
        if text.isEmpty { return .sqlite(path: paths.database) }
        let lower = text.lowercased()
        if lower.hasPrefix(sqlitePrefix) {
            let written = String(text.unicodeScalars.dropFirst(sqlitePrefix.unicodeScalars.count))
            if let problem = Configuration.pathProblem(written) { throw t.invalid(url, because: problem) }
            if written.hasPrefix("//") {
                throw t.invalid(
                    url,
                    because: "write sqlite:<path> without //, e.g. sqlite:var/ordrecon.sqlite or sqlite:/srv/db.sqlite")
            }
            let path = Configuration.resolve(written, against: paths.workspaceRoot)
            if databaseIsSet, !Configuration.samePath(path, paths.database) {
                throw t.invalid(
                    url, expected: "the file paths.database names, or paths.database left out",
                    because: "it names \(path), paths.database names \(paths.database); give the database's "
                        + "path in one place only (remove paths.database, or set url = \"\")")
            }
            if let problem = paths.databasePlacementProblem(path) {
                throw t.invalid(url, expected: problem.expected, because: problem.because)
            }
            paths.database = path
            return .sqlite(path: path)
        }
        if lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") {
            do {
                return .postgres(try PostgresURL(text))
            } catch {
                throw t.invalid(url, because: error.description)
            }
        }
        let scheme = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        throw t.invalid(
            url,
            because: text.contains(":")
                ? "ordrecon does not know the scheme \(TOMLTable.quoted(String(scheme))); it stores in SQLite "
                    + "(sqlite:) or PostgreSQL (postgresql://)"
                : "it names no scheme; write sqlite:\(text) for an SQLite file")
    }
}
