/// The state port: everything the engine, the daemon and the commands keep in the database,
/// over one connection. The SQLite store (OrdreconStore) implements it; another database can,
/// behaving the same (the same audit log, the same answers), beside it.
///
/// Parts of ordrecon that need less take less: the document issuer a ``DocumentLedger``, the
/// refund relay a ``RefundLedger``, the reports ``ReviewQueries``.
public protocol StateStore: EventLedger, FileLedger, DocumentLedger, RefundLedger, ReviewQueries {}

/// What lies where the database should be, found without creating or changing anything.
public enum DatabaseState: Sendable, Equatable {
    /// No database there.
    case missing
    /// An empty file (or its equivalent): no database yet.
    case empty
    /// A database at this schema version.
    case database(schemaVersion: Int)
}

/// Where the state lives, as the composition root chose it: opens connections to it (one per
/// worker: a connection is used by one thread at a time) and looks at it without opening it.
/// Passed to whatever opens connections of its own (the daemon's workers).
public protocol StateStoreFactory: Sendable {
    /// The schema version this build brings a database to.
    var latestSchemaVersion: Int { get }

    /// Whether several processes on several machines may use the database at once (PostgreSQL):
    /// then the ingest lock (``EventLedger/tryLeadIngest()``) decides who ingests, and refunds
    /// may be sent from every node. False for SQLite, which one machine uses, guarded by the
    /// workspace lock.
    var isShared: Bool { get }

    /// Where the database is, for messages: a file path or a URL (never a secret).
    var location: String { get }

    /// What lies where the database should be, found without creating anything (SQLite would
    /// create a missing file when opening it).
    /// - Throws: ``StoreError`` when it cannot be looked at, or is not a database.
    func inspect() throws(StoreError) -> DatabaseState

    /// A connection that reads and writes, creating the database when it is new and bringing
    /// its schema up to date.
    /// - Throws: ``StoreError`` (kind ``StoreError/Kind/schemaTooNew``) when a newer ordrecon
    ///   wrote the database; it is left unchanged.
    func open() throws(StoreError) -> any StateStore

    /// A connection that only reads (queries while another process may write).
    /// - Throws: ``StoreError`` when the database is at another schema version than this build's.
    func openForReading() throws(StoreError) -> any StateStore
}
