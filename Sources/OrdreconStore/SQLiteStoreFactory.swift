public import OrdreconCore

/// The SQLite database file at a path, as the composition root hands it to what opens
/// connections: each ``open()`` is a ``Store`` of its own.
public struct SQLiteStoreFactory: StateStoreFactory {
    /// The database file.
    public var path: String
    /// SQLite's page cache per connection (the run's memory ceiling depends on it).
    public var cacheMegabytes: Int

    public init(path: String, cacheMegabytes: Int = 32) {
        self.path = path
        self.cacheMegabytes = cacheMegabytes
    }

    public var latestSchemaVersion: Int { Store.latestSchemaVersion }

    /// One machine only: the workspace lock beside the file keeps a second writer out.
    public var isShared: Bool { false }

    public var location: String { path }

    public func inspect() throws(StoreError) -> DatabaseState {
        try DatabaseFile.inspect(path)
    }

    public func open() throws(StoreError) -> any StateStore {
        try Store(path: path, cacheMegabytes: cacheMegabytes)
    }

    public func openForReading() throws(StoreError) -> any StateStore {
        try Store(readingAt: path)
    }
}
