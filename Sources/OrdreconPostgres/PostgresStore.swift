public import OrdreconCore

/// The PostgreSQL adapter of the store port: the same tables, views, answers and rules as the
/// SQLite store (OrdreconStore), over one libpq connection.
///
/// One thread at a time, like the SQLite store: neither it nor its connection is `Sendable`.
/// Several connections, in several processes or on several nodes, may share the database; who
/// ingests is decided by the ingest lock (``tryLeadIngest()``), and refunds are claimed row by
/// row, so that no refund is in flight twice.
public final class PostgresStore: StateStore {
    let db: PGConnection
    /// Orders read or written lately (write-through; forgotten on rollback): only the node that
    /// holds the ingest lock writes orders, so what it cached stays true while it holds it.
    var orderCache = RecentCache<String, OrderSnapshot>(capacity: PostgresStore.orderCacheCapacity)
    /// How many orders the cache keeps (up to twice as many, see RecentCache). An order missing
    /// from it costs the look-ahead its whole history, read from the server. With lifecycles
    /// spread over days, tens of thousands of orders are open at once: on the benchmark's 1M
    /// `spread` events (one run of each outside it), 25,000 left the look-ahead reading 1.5
    /// million audit rows, 100,000 about 46,000: ingest in 40 s instead of 46 s, peak RSS 159 MB
    /// instead of 116 MB.
    static let orderCacheCapacity = 100_000
    /// How many entries the caches of what documents and returns need keep (each).
    static let documentCacheCapacity = 25_000
    /// Returns read or written lately, kept the same way.
    var returnCache = RecentCache<String, ReturnSnapshot>(capacity: PostgresStore.documentCacheCapacity)
    /// The refunds whose attempt this session has in flight: it holds each one's advisory lock
    /// (see ``recordRefundAttempts(finishing:beginning:runId:at:)``), taken once and released once.
    var refundLocks: Set<String> = []
    /// The busy policy, applied as the session's `lock_timeout`.
    private var policy = BusyPolicy.oneShot
    /// Whether this connection holds the ingest lock (see ``tryLeadIngest()``).
    var leadsIngest = false
    /// What was learned ahead of the events being ingested, and the audit ids taken for them.
    var ahead = IngestAhead()
    /// The last number this transaction took of each series whose row it locked (see
    /// `takeNumber`), written at commit.
    var takenNumbers: [SeriesKey: Int] = [:]
    /// What invoices need of orders (see `factsForInvoice(of:)`), kept like the order cache.
    var invoiceFacts = RecentCache<String, InvoiceFacts>(capacity: PostgresStore.documentCacheCapacity)
    /// The lines of orders and returns this connection created or read (they never change once
    /// written), and the invoice number of orders it invoiced, kept like the order cache.
    var orderLinesCache = RecentCache<String, [OrderLine]>(capacity: PostgresStore.documentCacheCapacity)
    var returnItemsCache = RecentCache<String, [String: Int64]>(capacity: PostgresStore.documentCacheCapacity / 4)
    var invoiceNumbers = RecentCache<String, String>(capacity: PostgresStore.documentCacheCapacity)
    /// Rows written without an answer, inserted a batch at a time (see PGRowBatch.swift).
    let batches = IngestBatches()

    /// Connects to the database at `url` and brings its schema up to date (creating the tables
    /// in an empty database).
    /// - Throws: ``StoreError`` (kind ``StoreError/Kind/schemaTooNew``) when a newer ordrecon
    ///   wrote the database; it is left unchanged.
    public init(url: PostgresURL) throws(StoreError) {
        db = try PGConnection(conninfo: url.conninfo, target: url.description)
        for batch in batches.all { db.register(batch) }
        try configureSession()
        try migrate()
    }

    /// Connects for reading only: the schema must be this build's.
    public init(readingAt url: PostgresURL) throws(StoreError) {
        db = try PGConnection(conninfo: url.conninfo, target: url.description)
        for batch in batches.all { db.register(batch) }
        try configureSession()
        try db.execute("SET default_transaction_read_only = on")
        let version = try schemaVersion
        if version > PGSchema.migrations.count {
            throw StoreError.newerSchema(path: url.description, version: version)
        }
        if version < PGSchema.migrations.count {
            throw StoreError(
                .schemaTooOld,
                message:
                    "database \(url.description) has schema version \(version); run `ordrecon run` once to upgrade it to \(PGSchema.migrations.count)"
            )
        }
    }

    private func configureSession() throws(StoreError) {
        try db.execute(
            "SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET application_name = '\(Self.sessionName)'")
        try applyLockTimeout()
    }

    /// The schema version this build brings a database to.
    public static var latestSchemaVersion: Int { PGSchema.migrations.count }

    /// The schema version the database is at (0: no ordrecon tables yet).
    public var schemaVersion: Int {
        get throws(StoreError) { try Self.schemaVersion(of: db) }
    }

    static func schemaVersion(of db: PGConnection) throws(StoreError) -> Int {
        guard try db.scalarInt("SELECT CASE WHEN to_regclass('ordrecon_schema') IS NULL THEN 0 ELSE 1 END") == 1
        else { return 0 }
        return Int(try db.scalarInt("SELECT max(version) FROM ordrecon_schema") ?? 0)
    }

    /// The advisory lock key that serialises migrations between nodes starting together.
    static let migrationLock: Int64 = 0x6F72_6472_6563_6D01

    private func migrate() throws(StoreError) {
        let current = try schemaVersion
        if current > PGSchema.migrations.count {
            throw StoreError.newerSchema(path: db.target, version: current)
        }
        guard current < PGSchema.migrations.count else { return }
        try db.execute("BEGIN")
        do throws(StoreError) {
            try db.statement("SELECT pg_advisory_xact_lock($1)").bind([Self.migrationLock]).run()
            try db.execute(
                "CREATE TABLE IF NOT EXISTS ordrecon_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            // Another node may have migrated while this one waited for the lock.
            let version = try schemaVersion
            if version > PGSchema.migrations.count { throw StoreError.newerSchema(path: db.target, version: version) }
            for next in version..<PGSchema.migrations.count {
                try db.execute(PGSchema.migrations[next])
                try db.statement("INSERT INTO ordrecon_schema (version) VALUES ($1)").bind([next + 1]).run()
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    // MARK: Transactions

    /// Starts a transaction. PostgreSQL locks rows, not the database, so nothing is taken at
    /// once; a write that waits for another connection's row lock longer than ``busyPolicy``
    /// allows fails as busy, and the transaction is rolled back.
    /// - Parameter durable: when false, the commit does not wait for the server's WAL flush
    ///   (`synchronous_commit = off`): after a server crash the store is back at an earlier
    ///   batch, and the file is resumed from there, as with SQLite.
    ///
    /// The holder of the ingest lock plans its transactions without sequential scans
    /// (`enable_seqscan = off`, for the transaction only): every statement of ingestion looks
    /// rows up by key, and a plan made while a table was small (a new database's first batches,
    /// before its statistics) would otherwise scan the table for each id once it has grown.
    /// Measured at 1M events: the look-ahead's query of documents took 28 s in all in a run that
    /// got such a plan, 1.1 to 2.6 s in runs with this setting. Reads outside a transaction (the
    /// totals of `run --metrics-file`, which may scan whole tables) plan as usual.
    public func begin(durable: Bool) throws(StoreError) {
        var sql = durable ? "BEGIN" : "BEGIN; SET LOCAL synchronous_commit = off"
        if leadsIngest { sql += "; SET LOCAL enable_seqscan = off" }
        try db.execute(sql)
    }

    public func commit() throws(StoreError) {
        dropAuditIds()
        do {
            try writeTakenNumbers()
            try db.execute("COMMIT")
        } catch {
            rollback()
            throw error
        }
    }

    public func rollback() {
        if db.isInTransaction { try? db.execute("ROLLBACK") }
        db.discardBatches()
        orderCache.removeAll()
        returnCache.removeAll()
        ahead = IngestAhead()
        takenNumbers.removeAll()
        invoiceFacts.removeAll()
        orderLinesCache.removeAll()
        returnItemsCache.removeAll()
        invoiceNumbers.removeAll()
    }

    public var isInTransaction: Bool { db.isInTransaction }

    /// Nothing to end: each statement reads what was committed when it started.
    public func endReads() {}

    /// PostgreSQL checkpoints on its own.
    public func checkpoint(truncate: Bool) {}

    /// How long a statement waits for another connection's row lock before it fails as busy
    /// (the session's `lock_timeout`; no end when the policy has none).
    public var busyPolicy: BusyPolicy {
        get { policy }
        set {
            policy = newValue
            try? applyLockTimeout()
        }
    }

    private func applyLockTimeout() throws(StoreError) {
        let milliseconds = policy.limit.map { max(1, Int($0 * 1000)) } ?? 0
        try db.execute("SET lock_timeout = \(milliseconds)")
    }

    /// Runs `body`, a write, in the caller's transaction when one is open, else in one of its own.
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

    func cacheOrder(_ snapshot: OrderSnapshot) {
        orderCache[snapshot.orderId] = snapshot
        ahead.absentOrders.remove(snapshot.orderId)
    }

    func cacheReturn(_ snapshot: ReturnSnapshot) {
        returnCache[snapshot.returnId] = snapshot
        ahead.absentReturns.remove(snapshot.returnId)
    }

    // MARK: Runs

    public func startRun(command: String, pid: Int32, at time: Timestamp) throws(StoreError) -> Int64 {
        try write { () throws(StoreError) in
            let s = try db.statement("INSERT INTO runs (started_at, pid, command) VALUES ($1, $2, $3) RETURNING id")
                .bind([time.milliseconds, Int64(pid), command])
            guard try s.step() else { throw StoreError(.inconsistentData, message: "a new run got no id") }
            return s.int64(0)
        }
    }

    public func finishRun(_ runId: Int64, at time: Timestamp, summaryJSON: String) throws(StoreError) {
        try write { () throws(StoreError) in
            try db.statement("UPDATE runs SET finished_at = $1, summary_json = $2 WHERE id = $3")
                .bind([time.milliseconds, summaryJSON, runId]).run()
        }
    }
}

@available(*, unavailable, message: "a PostgresStore is used by one thread at a time: open one per thread")
extension PostgresStore: Sendable {}
