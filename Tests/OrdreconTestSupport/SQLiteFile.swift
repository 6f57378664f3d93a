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
