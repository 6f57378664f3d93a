import CSQLite
public import OrdreconCore

/// SQLite's result codes as the store's errors: the adapter's side of ``StoreError``.
extension StoreError {
    /// A failure SQLite reported with (extended) result code `code`, classified: busy (SQLITE_BUSY
    /// and its extended codes: recovery, snapshot, timeout), locked (SQLITE_LOCKED and its
    /// extended codes), or another refusal of SQLite's.
    public init(code: Int32, message: String, sql: String? = nil) {
        let kind: Kind =
            switch code & 0xFF {
            case SQLITE_BUSY: .busy
            case SQLITE_LOCKED: .locked
            default: .backend
            }
        self.init(kind, code: code, message: message, statement: sql)
    }

    /// The SQL statement that failed, if any.
    public var sql: String? { statement }

    /// SQLITE_CONSTRAINT_UNIQUE: a unique index refused a row.
    static let uniqueConstraint: Int32 = 2067

    /// SQLITE_BUSY_SNAPSHOT: a write on a read snapshot older than another connection's commit.
    static let busySnapshot: Int32 = 517

    /// The error for a database at a schema version newer than this build's.
    static func newerSchema(path: String, version: Int) -> StoreError {
        StoreError(
            .schemaTooNew,
            message: "the database \(path) has schema version \(version), newer than this ordrecon knows "
                + "(\(Schema.migrations.count)): it was written by a newer ordrecon; use that version, "
                + "or restore the database from a backup made with this one")
    }
}
