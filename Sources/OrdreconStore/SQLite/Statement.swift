import CSQLite

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

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Binding (1-based indices, as in SQLite)

    @discardableResult
    func bind(_ index: Int32, _ value: String?) -> Statement {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return self
        }
        value.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // An empty buffer may have no base address; SQLite needs a pointer for '' (not NULL).
                if let base = chars.baseAddress {
                    _ = sqlite3_bind_text(handle, index, base, Int32(chars.count), ordrecon_sqlite_transient())
                } else {
                    _ = sqlite3_bind_text(handle, index, "", 0, ordrecon_sqlite_transient())
                }
            }
        }
        return self
    }

    @discardableResult
    func bind(_ index: Int32, _ value: Int64?) -> Statement {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
        return self
    }

    @discardableResult
    func bind(_ index: Int32, _ value: Int?) -> Statement {
        bind(index, value.map(Int64.init))
    }

    /// Binds each value in order, starting at index 1.
    @discardableResult
    func bind(_ values: [(any SQLValue)?]) -> Statement {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case nil: sqlite3_bind_null(handle, index)
            case let text as String: bind(index, text)
            case let number as Int64: bind(index, number)
            case let number as Int: bind(index, Int64(number))
            case let flag as Bool: bind(index, Int64(flag ? 1 : 0))
            default: sqlite3_bind_null(handle, index)
            }
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
        default:
            let error = database.error(rc, sql: sql)
            sqlite3_reset(handle)
            throw error
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
protocol SQLValue {}
extension String: SQLValue {}
extension Int64: SQLValue {}
extension Int: SQLValue {}
extension Bool: SQLValue {}
