import CSQLite
import OrdreconCore

/// A prepared statement with typed bind and column helpers.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    private unowned let database: SQLiteDatabase

    init(database: SQLiteDatabase, sql: String) throws(StoreError) {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw database.error(rc, sql: sql) }
        self.handle = statement
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Makes the statement ready to run again. Bindings stay: every caller binds every parameter.
    func reset() {
        sqlite3_reset(handle)
    }

    // MARK: Binding (1-based indices, as in SQLite)
    //
    // Every bind checks SQLite's result code: a parameter index out of range, a text over
    // SQLite's length limit or memory exhausted throws, so a statement never runs with a
    // parameter left unset (NULL) or holding an earlier row's value.

    /// Throws unless `rc` is SQLITE_OK, naming the parameter.
    @inline(__always)
    func checkBind(_ rc: Int32, _ index: Int32) throws(StoreError) {
        guard rc != SQLITE_OK else { return }
        throw StoreError(code: rc, message: "cannot bind parameter \(index): \(database.message(rc))", sql: sql)
    }

    @discardableResult
    func bind(_ index: Int32, _ value: String?) throws(StoreError) -> Statement {
        guard var value else {
            try checkBind(sqlite3_bind_null(handle, index), index)
            return self
        }
        let rc = value.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // An empty buffer may have no base address; SQLite needs a pointer for '' (not NULL).
                if let base = chars.baseAddress {
                    sqlite3_bind_text(handle, index, base, Int32(chars.count), ordrecon_sqlite_transient())
                } else {
                    sqlite3_bind_text(handle, index, "", 0, ordrecon_sqlite_transient())
                }
            }
        }
        try checkBind(rc, index)
        return self
    }

    /// Binds a literal without copying it (literals live as long as the program).
    @discardableResult
    func bind(_ index: Int32, static text: StaticString) throws(StoreError) -> Statement {
        // A literal's bytes live as long as the program, so SQLite may keep the pointer (SQLITE_STATIC).
        let pointer = UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
        try checkBind(sqlite3_bind_text(handle, index, pointer, Int32(text.utf8CodeUnitCount), nil), index)
        return self
    }

    @discardableResult
    func bind(_ index: Int32, _ value: Int64?) throws(StoreError) -> Statement {
        let rc = if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
        try checkBind(rc, index)
        return self
    }

    @discardableResult
    func bind(_ index: Int32, _ value: Int?) throws(StoreError) -> Statement {
        try bind(index, value.map(Int64.init))
    }

    /// Binds each value in order, starting at index 1.
    @discardableResult
    func bind(_ values: [(any SQLValue)?]) throws(StoreError) -> Statement {
        var index: Int32 = 1
        for value in values {
            if let value { try value.bind(to: self, at: index) } else { try bind(index, nil as Int64?) }
            index += 1
        }
        return self
    }

    // MARK: Stepping

    /// Advances to the next row. - Returns: true when a row is available, false when done.
    @discardableResult
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: return try stepAgain(after: rc)
        }
    }

    /// After a failed step: outside a transaction a busy database is waited for (as the
    /// connection's ``BusyPolicy`` says) and the statement run again, since a statement that
    /// failed on busy changed nothing; any other failure is thrown. Inside a transaction, which
    /// ``Store/begin(durable:)`` starts with the write lock, busy cannot come up.
    private func stepAgain(after failure: Int32) throws(StoreError) -> Bool {
        var rc = failure
        var wait: BusyWait?
        while true {
            let error = database.error(rc, sql: sql)
            sqlite3_reset(handle)
            guard error.isBusy, !database.isInTransaction else { throw error }
            // A write on a stale read snapshot: end this connection's reads, then try again.
            if rc == StoreError.busySnapshot { database.resetActiveStatements() }
            if wait == nil { wait = BusyWait(database.busyPolicy) }
            try wait!.pause(after: error)
            rc = sqlite3_step(handle)
            if rc == SQLITE_ROW { return true }
            if rc == SQLITE_DONE { return false }
        }
    }

    /// Runs the statement to completion, ignoring rows.
    func run() throws(StoreError) {
        while try step() {}
        sqlite3_reset(handle)
    }

    // MARK: Columns (0-based indices, as in SQLite)

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
}

/// Values that can be bound to a statement parameter.
protocol SQLValue {
    func bind(to statement: Statement, at index: Int32) throws(StoreError)
}

extension String: SQLValue {
    func bind(to statement: Statement, at index: Int32) throws(StoreError) { try statement.bind(index, self) }
}

extension Int64: SQLValue {
    func bind(to statement: Statement, at index: Int32) throws(StoreError) { try statement.bind(index, self) }
}

extension Int: SQLValue {
    func bind(to statement: Statement, at index: Int32) throws(StoreError) { try statement.bind(index, Int64(self)) }
}

extension Bool: SQLValue {
    func bind(to statement: Statement, at index: Int32) throws(StoreError) {
        try statement.bind(index, Int64(self ? 1 : 0))
    }
}

@available(*, unavailable, message: "a statement belongs to its connection's thread")
extension Statement: Sendable {}

extension Statement: StoreRow {}
