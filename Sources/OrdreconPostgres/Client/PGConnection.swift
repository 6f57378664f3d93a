import CPostgres
import OrdreconCore

/// One libpq connection to a PostgreSQL server, used by one thread at a time (neither it nor
/// its statements are `Sendable`, like the SQLite store's connection).
///
/// Statements are prepared on the server the first time their SQL is used, and reused by name
/// afterwards, so that the hot path sends only parameters. Every call blocks until the server
/// answered: the store port is synchronous, and each worker has its own connection.
final class PGConnection {
    let handle: OpaquePointer
    /// Where the connection goes, without a password (for messages).
    let target: String
    private var statements: [String: PGStatement] = [:]
    private var nextStatementNumber = 0
    /// Writes sent in pipeline mode whose results are not read yet (see PGPipeline.swift).
    var deferredWrites: [String] = []
    /// Tables whose rows are gathered and inserted together (see PGRowBatch.swift), in the
    /// order they are sent.
    private var batches: [PGRowBatch] = []
    private var sendingBatches = false

    /// Connects with a libpq connection string or URI (`postgresql://user@host:port/dbname`).
    /// The password comes from `PGPASSWORD` or `~/.pgpass`, as libpq reads them.
    init(conninfo: String, target: String) throws(StoreError) {
        guard let connection = PQconnectdb(conninfo) else {
            throw StoreError(.backend, code: 0, message: "cannot connect to PostgreSQL at \(target): out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw StoreError(
                Self.isLoginRefusal(message) ? .backend : .busy, code: 0,
                message: "cannot connect to PostgreSQL at \(target): \(message)")
        }
        handle = connection
        self.target = target
        // Notices (a table that already exists, …) are not ordrecon's output.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether a failure to connect is the server refusing this login (wrong password, unknown
    /// user or database, not allowed by pg_hba.conf): a person must fix it. Anything else (no
    /// answer, connection refused, the server starting or shutting down, too many clients) may
    /// pass by itself, and is reported as the store being busy. libpq gives no code for this
    /// before a session exists, so its English messages are read.
    static func isLoginRefusal(_ message: String) -> Bool {
        [
            "password authentication failed", "no password supplied", "does not exist", "pg_hba.conf",
            "authentication failed", "permission denied",
        ].contains { message.contains($0) }
    }

    /// Whether a transaction is open on this connection (also when it failed and awaits ROLLBACK).
    var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Whether the connection to the server is gone (it must be opened again).
    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    /// The server's major version (15 for 15.4).
    var serverMajorVersion: Int { Int(PQserverVersion(handle)) / 10000 }

    /// Runs one or more statements without parameters, ignoring any rows. The rows batched are
    /// sent before it, unless it is a ROLLBACK (they are forgotten).
    func execute(_ sql: String) throws(StoreError) {
        do {
            if sql == "ROLLBACK" { discardBatches() } else { try sendBatches() }
            try drainPipeline()
        } catch {
            // A deferred write that failed does not keep its transaction from being rolled back.
            if !sql.hasPrefix("ROLLBACK") { throw error }
        }
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    // MARK: Batches

    /// Adds `batch` to those sent before every other statement, after those added before it.
    func register(_ batch: PGRowBatch) {
        batches.append(batch)
    }

    /// Adds a row to `batch` (registered), to be inserted with the next statement; sent at once
    /// when the batch is full, or when no transaction is open (a row is never left behind).
    func append(_ values: [PGRowBatch.Value], to batch: PGRowBatch) throws(StoreError) {
        batch.append(values)
        if batch.count >= batch.limit || !isInTransaction { try sendBatches() }
    }

    /// Sends the rows of every batch, each batch as one INSERT, without waiting (a deferred
    /// write: its failure is thrown by the next statement or COMMIT).
    func sendBatches() throws(StoreError) {
        guard !sendingBatches else { return }
        sendingBatches = true
        defer { sendingBatches = false }
        for batch in batches where !batch.isEmpty {
            let statement = try statement(batch.sql)
            let parameters = batch.take()
            try sendDeferred(statement.name, parameters: parameters, sql: batch.sql)
        }
    }

    /// Forgets the rows batched and not sent (their transaction is rolled back).
    func discardBatches() {
        for batch in batches { batch.clear() }
    }

    /// A prepared statement for `sql` (`$1`… parameters), prepared on first use and cached.
    func statement(_ sql: String) throws(StoreError) -> PGStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        try drainPipeline()  // preparing is not allowed in pipeline mode
        nextStatementNumber += 1
        let name = "ordrecon_\(nextStatementNumber)"
        let result = PQprepare(handle, name, sql, 0, nil)
        defer { PQclear(result) }
        try check(result, sql: sql)
        let statement = PGStatement(connection: self, name: name, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// The first column of the first row of `sql`, as an integer (nil: no row or NULL).
    func scalarInt(_ sql: String, _ values: [(any PGValue)?] = []) throws(StoreError) -> Int64? {
        let s = try statement(sql).bind(values)
        guard try s.step(), !s.isNull(0) else { return nil }
        return s.int64(0)
    }

    /// Fails with the server's error unless `result` is a success.
    func check(_ result: OpaquePointer?, sql: String?) throws(StoreError) {
        guard let result else {
            throw failure(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)), sql: sql)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw failure(sqlState: state, message: Self.trimmed(PQresultErrorMessage(result)), sql: sql)
        }
    }

    /// The ``StoreError`` for a server's SQLSTATE: waits for locks are `busy` (trying again later
    /// is safe), everything else is the backend's.
    func failure(sqlState: String?, message: String, sql: String?) -> StoreError {
        let kind: StoreError.Kind
        switch sqlState {
        case "55P03", "40001", "40P01", "57014": kind = .busy  // lock timeout, serialization, deadlock, canceled
        default: kind = .backend
        }
        var text = message.isEmpty ? "PostgreSQL failed without a message" : message
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if isBroken { text += " (the connection to \(target) is lost)" }
        return StoreError(kind, code: 0, message: text, statement: sql)
    }

    static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        var message = String(cString: text)
        while message.last?.isWhitespace == true { message.removeLast() }
        if message.hasPrefix("ERROR:  ") { message.removeFirst("ERROR:  ".count) }
        return message
    }
}

@available(*, unavailable, message: "a connection is used by one thread at a time")
extension PGConnection: Sendable {}
