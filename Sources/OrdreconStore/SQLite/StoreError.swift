/// A failure of the database: what kind, SQLite's result code when SQLite refused, the message,
/// and the statement that failed.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// SQLite refused: ``StoreError/code`` is its (extended) result code. Also used for what
        /// ``DatabaseFile`` finds before SQLite opens the file, with the code SQLite would give.
        case sqlite
        /// The database holds what the store's own rules exclude (a status it does not know, a
        /// return without history, a credit note without the invoice it cites, a row that was
        /// not there to update): written by something else, or damaged.
        case inconsistentData
        /// A document number series has no number left for the financial year.
        case numberSeriesExhausted
        /// A read-only connection met a database at an older schema version than this build's.
        case schemaTooOld
        /// The database was written by a newer ordrecon (its schema version is higher than this
        /// build knows) and is left alone.
        case schemaTooNew
    }

    public var kind: Kind
    /// SQLite's result code for ``Kind/sqlite``; 0 for the kinds that are not SQLite's, -1
    /// (``newerSchema``) for ``Kind/schemaTooNew``, as messages have always shown them.
    public var code: Int32
    public var message: String
    public var sql: String?

    /// A failure SQLite reported with result code `code`.
    public init(code: Int32, message: String, sql: String? = nil) {
        self.kind = .sqlite
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// A failure that is not SQLite's.
    public init(_ kind: Kind, message: String) {
        self.kind = kind
        self.code = kind == .schemaTooNew ? StoreError.newerSchema : 0
        self.message = message
        self.sql = nil
    }

    /// SQLITE_CONSTRAINT_UNIQUE: a unique index refused a row.
    public static let uniqueConstraint: Int32 = 2067

    /// Whether another connection held the database (SQLITE_BUSY and its extended codes:
    /// recovery, snapshot, timeout). Only a ``BusyPolicy`` that gave up lets one through.
    public var isBusy: Bool { kind == .sqlite && code & 0xFF == 5 }

    /// SQLITE_BUSY_SNAPSHOT: a write on a read snapshot older than another connection's commit.
    static let busySnapshot: Int32 = 517

    /// The ``code`` of ``Kind/schemaTooNew``.
    public static let newerSchema: Int32 = -1

    /// The error for a database at a schema version newer than this build's.
    static func newerSchema(path: String, version: Int) -> StoreError {
        StoreError(
            .schemaTooNew,
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
