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

    /// Not SQLite's: the database was written by a newer ordrecon (its schema version is
    /// higher than this build knows) and is left alone.
    public static let newerSchema: Int32 = -1

    /// The error for a database at a schema version newer than this build's.
    static func newerSchema(path: String, version: Int) -> StoreError {
        StoreError(
            code: newerSchema,
            message: "the database \(path) has schema version \(version), newer than this ordrecon knows "
                + "(\(Schema.migrations.count)): it was written by a newer ordrecon; use that version, "
                + "or restore the database from a backup made with this one")
    }

    public var description: String {
        var text = "database error \(code): \(message)"
        if let sql { text += " (in: \(sql.prefix(120)))" }
        return text
    }
}
