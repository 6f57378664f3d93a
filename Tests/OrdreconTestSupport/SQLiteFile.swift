import CSQLite

/// Direct SQL on a database file, for tests that must do what ordrecon never does
/// (write an old schema, try a forbidden update).
public enum SQLiteFile {
    /// Runs `sql` (one or more statements) on the file, creating it when missing.
    /// - Throws: ``TestError`` with SQLite's message when a statement fails.
    public static func execute(_ sql: String, at path: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else {
            throw TestError("cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        sqlite3_busy_timeout(db, 2000)
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &message) != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw TestError(text)
        }
    }
}

/// A write transaction held open on a database file by a connection of the test's own (as
/// `sqlite3` with `BEGIN IMMEDIATE` would), until ``release()``: every other connection that
/// wants to write meanwhile meets SQLITE_BUSY.
public final class SQLiteWriteLock {
    private var db: OpaquePointer?

    /// Opens `path` and takes its write lock (waiting up to 10 s for it).
    public init(path: String) throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db else {
            throw TestError("cannot open \(path)")
        }
        sqlite3_busy_timeout(db, 10_000)
        guard sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_close_v2(db)
            self.db = nil
            throw TestError("cannot take the write lock of \(path): \(message)")
        }
    }

    /// Rolls the transaction back and closes the connection (again: nothing).
    public func release() {
        guard let db else { return }
        sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
        sqlite3_close_v2(db)
        self.db = nil
    }

    deinit { release() }
}

extension SQLiteFile {
    /// The rows `sql` returns, each value as text (NULL as nil).
    /// - Throws: ``TestError`` with SQLite's message when the statement fails.
    public static func rows(_ sql: String, at path: String) throws -> [[String?]] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw TestError("cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        sqlite3_busy_timeout(db, 2000)
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw TestError(String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        var result: [[String?]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw TestError(String(cString: sqlite3_errmsg(db))) }
            result.append(
                (0..<sqlite3_column_count(statement)).map { column in
                    sqlite3_column_text(statement, column).map { String(cString: $0) }
                })
        }
        return result
    }
}
