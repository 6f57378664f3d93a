/// A failure of the database: the SQLite result code, its message, and the statement that failed.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// SQLITE_CONSTRAINT_UNIQUE: a unique index refused a row.
    public static let uniqueConstraint: Int32 = 2067

    /// Whether another connection held the database (SQLITE_BUSY and its extended codes:
    /// recovery, snapshot, timeout). Only a ``BusyPolicy`` that gave up lets one through.
    public var isBusy: Bool { code & 0xFF == 5 }

    /// SQLITE_BUSY_SNAPSHOT: a write on a read snapshot older than another connection's commit.
    static let busySnapshot: Int32 = 517

    public var description: String {
        var text = "database error \(code): \(message)"
        if let sql { text += " (in: \(sql.prefix(120)))" }
        return text
    }
}
