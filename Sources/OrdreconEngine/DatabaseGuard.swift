import Foundation
public import OrdreconCore

/// Why a workspace's database must not be used, and what a person can do about it.
public struct DatabaseRefusal: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the paths.
    public var cause: String
    /// What to do.
    public var remedy: String
    /// Whether it may pass by itself (a database server that cannot be reached now): then the
    /// command fails as "try again later", not as a configuration to fix.
    public var isTemporary: Bool

    public init(cause: String, remedy: String, isTemporary: Bool = false) {
        self.cause = cause
        self.remedy = remedy
        self.isTemporary = isTemporary
    }

    public var description: String {
        // libpq's reasons end in a question ("Is the server running ...?"): no full stop after it.
        let end = cause.last.map { ".?!".contains($0) } == true ? " " : ". "
        return cause + end + "Nothing was changed. " + remedy
    }
}

/// The look at a workspace's database that every command makes before it opens it, or
/// creates anything: a database written by a newer ordrecon is refused, and so is a missing or
/// empty database while `archive/` or `invoices/` already hold files (a new database would lose
/// that history and number invoices from 1 again). A fresh workspace (no database, nothing
/// archived or issued) passes.
public enum DatabaseGuard {
    /// Looks at the database (`settings.store`, through `stores`) and, when it is missing or
    /// empty, at the archive and invoices folders, without creating or changing anything.
    /// - Parameter stores: the store the database is opened with, which knows how to look at it.
    /// - Returns: what the database holds.
    /// - Throws: ``DatabaseRefusal`` when the database must not be used, or (PostgreSQL) cannot
    ///   be reached: libpq's reason, with the URL.
    @discardableResult
    public static func check(_ settings: EngineSettings, stores: any StateStoreFactory) throws(DatabaseRefusal)
        -> DatabaseState
    {
        let path = settings.store.description
        let isPostgres = settings.postgres != nil
        let state: DatabaseState
        do {
            state = try stores.inspect()
        } catch {
            // libpq's reason spans lines (a second one, tab-indented, with a hint): one line here.
            let reason = error.message.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            // A server that cannot be reached now (down, restarting, failing over, out of
            // connections) is the store's "busy": temporary. A refused login or a missing
            // database is for a person to fix.
            if error.isBusy {
                throw DatabaseRefusal(
                    cause: "the database cannot be reached now: \(reason)",
                    remedy: "Nothing to fix here if the PostgreSQL server at \(path) is only restarting; "
                        + "otherwise check that it runs and is reachable from here. Run again later.",
                    isTemporary: true)
            }
            throw DatabaseRefusal(
                cause: "the database cannot be used: \(reason)",
                remedy: isPostgres
                    ? "Check that the PostgreSQL server at \(path) is running and reachable from here, that the "
                        + "database and user exist, and that the password is in PGPASSWORD or ~/.pgpass; then run again."
                    : "Restore \(path) from a backup.")
        }
        switch state {
        case .database(let version) where version > stores.latestSchemaVersion:
            throw DatabaseRefusal(
                cause: "the database \(path) was written by a newer ordrecon: its schema version is \(version), "
                    + "this ordrecon knows versions up to \(stores.latestSchemaVersion)",
                remedy:
                    "Use the newer ordrecon with this workspace, or restore the database from a backup made with this version."
            )
        case .database:
            return state
        case .missing, .empty:
            guard let found = firstFile(in: settings.archive) ?? firstFile(in: settings.invoices) else { return state }
            let what =
                state == .missing ? "missing" : isPostgres ? "empty (it holds no ordrecon tables)" : "empty (0 bytes)"
            throw DatabaseRefusal(
                cause: "the database \(path) is \(what), but the workspace already has history (\(found)); "
                    + "a new database would lose the record of what was processed and start the invoice numbers at 1 again",
                remedy: "Restore the database from a backup. To start a new history on purpose, move the folders "
                    + "\(settings.archive) and \(settings.invoices) aside"
                    + (state == .empty && !isPostgres ? " and remove the empty database file" : "")
                    + ", then run again.")
        }
    }

    /// The first file (not a folder, not hidden like `.gitkeep`) anywhere under `folder`; nil
    /// when there is none or the folder does not exist.
    static func firstFile(in folder: String) -> String? {
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        let keys: [URLResourceKey] = [.isDirectoryKey]
        guard
            let entries = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles], errorHandler: { _, _ in true }
            )
        else { return nil }
        for case let entry as URL in entries {
            if (try? entry.resourceValues(forKeys: Set(keys)).isDirectory) == true { continue }
            return entry.path
        }
        return nil
    }
}
