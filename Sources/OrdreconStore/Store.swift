import CSQLite
public import OrdreconCore

/// The database: current state of orders and returns, their history, processed files, the
/// audit log, invoices and refunds.
///
/// One thread at a time, by construction: a `Store` (like its ``SQLiteDatabase`` and their
/// statements) is not `Sendable`, and says so (the conformance is declared unavailable, so it
/// cannot be added back, not even as `@unchecked`). The package builds in the Swift 6 language
/// mode, where the compiler refuses to let a value that is not `Sendable` reach another thread
/// that could use it at the same time: no `Thread` or Dispatch block, `Task`, `@Sendable`
/// closure or `Sendable` type can capture one, and handing one over (`sending`) leaves the giver
/// without it. So each worker opens its own; a store may move from one thread to the next (a
/// task resumed elsewhere after an `await`; SQLite's multi-thread mode allows that), never be
/// used by two at once.
public final class Store: StateStore {
    let db: SQLiteDatabase
    /// Reused buffer for binding texts without per-parameter copies.
    let arena = TextArena()
    /// Orders read or written lately (write-through; forgotten on rollback). Sized for the open
    /// orders of a busy shop: up to twice this many are held (about 350 bytes each, ids included).
    var orderCache = RecentCache<String, OrderSnapshot>(capacity: Store.orderCacheCapacity)
    static let orderCacheCapacity = 25_000
    /// Returns read or written lately, kept the same way.
    var returnCache = RecentCache<String, ReturnSnapshot>(capacity: Store.orderCacheCapacity / 4)
    /// Number series counters taken in the open transaction, written at commit.
    var seriesCache: [SeriesKey: Int] = [:]
    var dirtySeries: Set<SeriesKey> = []
    /// Whether the open transaction commits with fsync.
    var durableTransaction = false

    struct SeriesKey: Hashable {
        var series: String
        var financialYearStart: Int
    }

    /// The database file's path.
    public var path: String { db.path }

    /// Opens the database at `path` (creating it and its tables when new) and brings its
    /// schema up to date.
    /// - Parameter cacheMegabytes: SQLite page cache size; the run's memory ceiling depends on it.
    /// - Throws: ``StoreError`` (kind ``StoreError/Kind/schemaTooNew``) when a newer ordrecon wrote the
    ///   database; it is closed again unchanged. (Commands look first, with ``DatabaseFile``,
    ///   so that not even a write-ahead log is made for a database they refuse.)
    public init(path: String, cacheMegabytes: Int = 32) throws(StoreError) {
        db = try SQLiteDatabase(path: path)
        let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        guard version <= Schema.migrations.count else { throw StoreError.newerSchema(path: path, version: version) }
        try db.execute(
            """
            PRAGMA page_size = 8192;
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA foreign_keys = OFF;
            PRAGMA temp_store = MEMORY;
            PRAGMA cache_size = -\(cacheMegabytes * 1024);
            PRAGMA wal_autocheckpoint = 4000;
            """)
        try migrate()
    }

    /// Opens an existing database for reading only (queries while another process may write).
    public init(readingAt path: String) throws(StoreError) {
        db = try SQLiteDatabase(path: path, readOnly: true)
        let version = try db.scalarInt("PRAGMA user_version") ?? 0
        if version > Schema.migrations.count { throw StoreError.newerSchema(path: path, version: Int(version)) }
        if version < Schema.migrations.count {
            throw StoreError(
                .schemaTooOld,
                message:
                    "database \(path) has schema version \(version); run `ordrecon run` once to upgrade it to \(Schema.migrations.count)"
            )
        }
    }

    /// The schema version this build brings a database to.
    public static var latestSchemaVersion: Int { Schema.migrations.count }

    /// The schema version the database is at.
    public var schemaVersion: Int {
        get throws(StoreError) { Int(try db.scalarInt("PRAGMA user_version") ?? 0) }
    }

    private func migrate() throws(StoreError) {
        let current = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        guard current < Schema.migrations.count else { return }
        for version in current..<Schema.migrations.count {
            try db.executeWaitingIfBusy("BEGIN IMMEDIATE")
            // Another process may have migrated while this one waited for the write lock.
            if Int(try db.scalarInt("PRAGMA user_version") ?? 0) > version {
                try db.execute("COMMIT")
                continue
            }
            do {
                try db.execute(Schema.migrations[version])
                try db.execute("PRAGMA user_version = \(version + 1)")
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    // MARK: Transactions

    /// Starts a write transaction (taking the write lock at once).
    ///
    /// - Parameter durable: make its commit wait until it is on disk (fsync of the WAL, which
    ///   also makes every earlier commit durable). Batches in the middle of a file need not:
    ///   after a power loss the database is still consistent, only back at an earlier batch,
    ///   and the file is resumed from there. A transaction after which something leaves the
    ///   database's control (a file moved to the archive) must be durable.
    ///
    /// While another connection holds the write lock it waits, as ``busyPolicy`` says; since the
    /// lock is taken before anything is read, nothing inside the transaction can then be busy.
    public func begin(durable: Bool) throws(StoreError) {
        // Reads left open would pin an old snapshot, on which the write lock cannot be taken.
        db.resetActiveStatements()
        if durable { try db.execute("PRAGMA synchronous = FULL") }
        durableTransaction = durable
        do {
            try db.executeWaitingIfBusy("BEGIN IMMEDIATE")
        } catch {
            if durable { try? db.execute("PRAGMA synchronous = NORMAL") }
            durableTransaction = false
            throw error
        }
    }

    /// How long a step waits while another connection holds the database before it fails with
    /// a "database busy" error (a minute by default; the daemon waits without end, until stopped).
    public var busyPolicy: BusyPolicy {
        get { db.busyPolicy }
        set { db.busyPolicy = newValue }
    }

    /// Runs `body`, a write, in the caller's transaction when one is open, else in a transaction
    /// of its own (not durable), so that it too starts by taking the write lock.
    func write<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        if db.isInTransaction { return try body() }
        try begin(durable: false)
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            rollback()
            throw error
        }
    }

    /// Ends every read in progress on this connection, so that the next one sees what other
    /// connections committed since. Long-lived users (the daemon's workers) call it each pass.
    public func endReads() {
        if !db.isInTransaction { db.resetActiveStatements() }
    }

    /// Commits the current transaction (with the number series counters it took).
    public func commit() throws(StoreError) {
        try flushNumberSeries()
        // A read left open (a statement stepped but not reset) would keep this connection's
        // snapshot after the commit: the checkpoint the commit may run could then not finish, and
        // SQLite would never start the WAL over (it grew to 2 GB over a run whose batch holds
        // several files, each read back after its last event).
        db.resetActiveStatements()
        try db.executeWaitingIfBusy("COMMIT")
        if durableTransaction {
            try db.execute("PRAGMA synchronous = NORMAL")
            durableTransaction = false
        }
    }

    /// Rolls back the current transaction, if one is open, and forgets what was cached of it.
    public func rollback() {
        if db.isInTransaction { try? db.execute("ROLLBACK") }
        if durableTransaction {
            try? db.execute("PRAGMA synchronous = NORMAL")
            durableTransaction = false
        }
        orderCache.removeAll()
        returnCache.removeAll()
        seriesCache.removeAll()
        dirtySeries.removeAll()
    }

    public var isInTransaction: Bool { db.isInTransaction }

    func cacheReturn(_ snapshot: ReturnSnapshot) {
        returnCache[snapshot.returnId] = snapshot
    }

    func cacheOrder(_ snapshot: OrderSnapshot) {
        orderCache[snapshot.orderId] = snapshot
    }

    /// Writes the WAL back into the database file (called at the end of a run).
    /// - Parameter truncate: also empty the WAL file. That waits for every reader while holding
    ///   the write lock, so it is only for a connection that is alone in writing (`run`); beside
    ///   other writers (the daemon) a passive checkpoint copies what it can without waiting.
    public func checkpoint(truncate: Bool) {
        try? db.execute(truncate ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)")
    }

    // MARK: Ingest lock

    /// SQLite has no ingest lock: the workspace lock (a file lock beside the database) already
    /// keeps a second writer out, and only one machine uses the file.
    public func tryLeadIngest() throws(StoreError) -> Bool { true }

    public func releaseIngestLead() {}

    public func ingestLeader() throws(StoreError) -> String? { nil }

    // MARK: Runs

    /// Records the start of a run. - Returns: the run id.
    public func startRun(command: String, pid: Int32, at time: Timestamp) throws(StoreError) -> Int64 {
        try write { () throws(StoreError) in
            try db.statement("INSERT INTO runs (started_at, pid, command) VALUES (?, ?, ?)")
                .bind([time.milliseconds, Int64(pid), command]).run()
            return db.lastInsertRowID
        }
    }

    /// Records the end of a run with its summary.
    public func finishRun(_ runId: Int64, at time: Timestamp, summaryJSON: String) throws(StoreError) {
        try write { () throws(StoreError) in
            try db.statement("UPDATE runs SET finished_at = ?, summary_json = ? WHERE id = ?")
                .bind([time.milliseconds, summaryJSON, runId]).run()
        }
    }
}

@available(*, unavailable, message: "a Store is used by one thread at a time: open one per thread")
extension Store: Sendable {}
