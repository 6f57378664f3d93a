import CSQLite
import OrdreconCore

/// One SQLite connection, opened in SQLite's multi-thread mode (`SQLITE_OPEN_NOMUTEX`): it may
/// be used from any thread, one at a time. That it is, is the compiler's to check: neither it nor
/// its statements are `Sendable` (see ``Store``).
///
/// Prepared statements are cached by their SQL text and reused.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String
    /// Statements for SQL written as literals, keyed by the literal's address (no hashing of text).
    private var staticStatements: [UInt: Statement] = [:]
    /// Statements for SQL built at run time, keyed by their text.
    private var dynamicStatements: [String: Statement] = [:]
    /// How long to wait, and try again, while another connection holds the database.
    var busyPolicy = BusyPolicy.oneShot {
        didSet { sqlite3_busy_timeout(handle, busyPolicy.sliceMilliseconds) }
    }

    /// Opens (creating if needed) the database file at `path`.
    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let configured: Bool = {
        ordrecon_sqlite_disable_memory_statistics() == SQLITE_OK
    }()

    init(path: String, readOnly: Bool = false) throws(StoreError) {
        _ = SQLiteDatabase.configured
        var db: OpaquePointer?
        let flags =
            readOnly
            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw StoreError(code: rc, message: "\(message): \(path)")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        _ = ordrecon_sqlite_set_lookaside(db, 512, 512)
        sqlite3_busy_timeout(db, busyPolicy.sliceMilliseconds)
    }

    deinit {
        staticStatements.removeAll()
        dynamicStatements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw StoreError(code: rc, message: message, sql: sql)
        }
    }

    /// Runs a statement that takes a lock (`BEGIN IMMEDIATE`, `COMMIT`) until it gets it, waiting
    /// while another connection holds the database, as ``busyPolicy`` says. A busy `BEGIN` or
    /// `COMMIT` leaves the connection as it was, so trying again is safe.
    func executeWaitingIfBusy(_ sql: String) throws(StoreError) {
        var wait: BusyWait?
        while true {
            do throws(StoreError) {
                return try execute(sql)
            } catch  where error.isBusy {
                if wait == nil { wait = BusyWait(busyPolicy) }
                try wait!.pause(after: error)
            }
        }
    }

    /// A cached prepared statement for the literal `sql`, reset and with bindings cleared.
    func statement(_ sql: StaticString) throws(StoreError) -> Statement {
        let key = UInt(bitPattern: sql.utf8Start)
        if let cached = staticStatements[key] {
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql.description)
        staticStatements[key] = statement
        return statement
    }

    /// A cached prepared statement for `sql` built at run time.
    func statement(dynamic sql: String) throws(StoreError) -> Statement {
        if let cached = dynamicStatements[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        dynamicStatements[sql] = statement
        return statement
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    func error(_ rc: Int32, sql: String?) -> StoreError {
        StoreError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// SQLite's message for the failure `rc` of the last call on this connection: its own
    /// words when the connection's last error is `rc`, else the generic text of the code.
    func message(_ rc: Int32) -> String {
        sqlite3_errcode(handle) == rc ? String(cString: sqlite3_errmsg(handle)) : String(cString: sqlite3_errstr(rc))
    }

    /// The first column of the first row of `sql`, as an integer.
    func scalarInt(_ sql: String) throws(StoreError) -> Int64? {
        let statement = try statement(dynamic: sql)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    /// Resets every statement still in the middle of its rows. An unfinished statement keeps
    /// the connection's read snapshot open: later reads would not see other connections'
    /// commits, and a write would fail with SQLITE_BUSY_SNAPSHOT.
    func resetActiveStatements() {
        var statement = sqlite3_next_stmt(handle, nil)
        while let current = statement {
            if sqlite3_stmt_busy(current) != 0 { sqlite3_reset(current) }
            statement = sqlite3_next_stmt(handle, current)
        }
    }
}

@available(*, unavailable, message: "a connection is used by one thread at a time")
extension SQLiteDatabase: Sendable {}
