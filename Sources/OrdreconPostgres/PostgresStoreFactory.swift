public import OrdreconCore

/// A PostgreSQL database, as the composition root hands it to what opens connections: each
/// ``open()`` is a connection of its own.
public struct PostgresStoreFactory: StateStoreFactory {
    public var url: PostgresURL

    public init(url: PostgresURL) {
        self.url = url
    }

    public var latestSchemaVersion: Int { PostgresStore.latestSchemaVersion }

    /// Several nodes may share the database: the ingest lock decides who ingests.
    public var isShared: Bool { true }

    public var location: String { url.description }

    /// Connects and reads the schema version (0 tables of ordrecon's: ``DatabaseState/empty``);
    /// nothing is created.
    public func inspect() throws(StoreError) -> DatabaseState {
        let db = try PGConnection(conninfo: url.conninfo, target: url.description)
        let version = try PostgresStore.schemaVersion(of: db)
        return version == 0 ? .empty : .database(schemaVersion: version)
    }

    public func open() throws(StoreError) -> any StateStore {
        try PostgresStore(url: url)
    }

    public func openForReading() throws(StoreError) -> any StateStore {
        try PostgresStore(readingAt: url)
    }
}
