import Foundation
public import OrdreconCore
public import OrdreconPostgres
public import OrdreconStore

/// The two stores behind the port, for tests that must hold on both: a fresh, empty database of
/// either kind (an SQLite file in a new temporary folder, or a new database in this process's
/// PostgreSQL cluster, see ``TestPostgres``).
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// A new, empty database of this kind.
    public func newDatabase() throws -> TestDatabase {
        switch self {
        case .sqlite:
            let directory = NSTemporaryDirectory() + "ordrecon-store-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return TestDatabase(
                backend: self, factory: SQLiteStoreFactory(path: directory + "/test.sqlite"), directory: directory,
                url: nil)
        case .postgres:
            let url = try TestPostgres.newDatabase()
            return TestDatabase(backend: self, factory: PostgresStoreFactory(url: url), directory: nil, url: url)
        }
    }
}

/// One test's database: its factory (each ``open()`` is a new connection), removed with the
/// value (the SQLite folder; a PostgreSQL database goes with the cluster).
public final class TestDatabase: Sendable {
    public let backend: StoreBackend
    public let factory: any StateStoreFactory
    /// The SQLite database's folder.
    public let directory: String?
    /// The PostgreSQL database.
    public let url: PostgresURL?

    init(backend: StoreBackend, factory: any StateStoreFactory, directory: String?, url: PostgresURL?) {
        self.backend = backend
        self.factory = factory
        self.directory = directory
        self.url = url
    }

    deinit { if let directory { try? FileManager.default.removeItem(atPath: directory) } }

    /// A new connection that reads and writes.
    public func open() throws -> any StateStore { try factory.open() }

    /// The rows of `sql`, each value as text (NULL as nil), straight from the database.
    public func rows(_ sql: String) throws -> [[String?]] {
        if let url { return try TestPostgres.rows(sql, in: url) }
        return try SQLiteFile.rows(sql, at: directory! + "/test.sqlite")
    }

    /// Runs `sql` straight on the database (what ordrecon never does: damage, forbidden updates).
    public func execute(_ sql: String) throws {
        if let url { return try TestPostgres.execute(sql, in: url) }
        try SQLiteFile.execute(sql, at: directory! + "/test.sqlite")
    }
}
