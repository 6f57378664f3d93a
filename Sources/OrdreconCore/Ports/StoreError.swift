/// A failure of the state store (whatever database is behind the ``StateStore`` port): what
/// kind, so that callers decide by it, with the backend's own words for people.
///
/// The kinds are the backend's business to assign: an adapter maps its own result codes onto
/// them. Callers never look at ``code`` to decide anything; it is only shown.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// Another connection (another process, another node) held the database for longer than
        /// the ``BusyPolicy`` waits, or the wait was given up because ordrecon is stopping.
        /// Nothing of the step was written; trying again later is safe.
        case busy
        /// A lock inside the database conflicted with another user of the same connection's
        /// resources (SQLite's "locked", as opposed to "busy"). Also temporary.
        case locked
        /// The backend refused for a reason of its own (it cannot open or read the database,
        /// the disk is full, a statement was refused): see the message.
        case backend
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
    /// The backend's own number for the failure, as messages show it (`database error 5: …`):
    /// 0 for the kinds that are not the backend's, ``newerSchema`` for ``Kind/schemaTooNew``.
    /// For people and logs only: decide by ``kind``.
    public var code: Int32
    public var message: String
    /// The backend's text of the statement that failed, if any (shown, shortened, in the description).
    public var statement: String?

    /// A failure the backend reported: `kind` as the adapter classified it, `code` its own number.
    public init(_ kind: Kind, code: Int32, message: String, statement: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.statement = statement
    }

    /// A failure that is not the backend's (the store's own rules, the schema version).
    public init(_ kind: Kind, message: String) {
        self.init(kind, code: kind == .schemaTooNew ? StoreError.newerSchema : 0, message: message)
    }

    /// Whether another connection held the database (see ``Kind/busy``).
    public var isBusy: Bool { kind == .busy }

    /// The ``code`` of ``Kind/schemaTooNew``.
    public static let newerSchema: Int32 = -1

    public var description: String {
        var text = "database error \(code): \(message)"
        if let statement { text += " (in: \(statement.prefix(120)))" }
        return text
    }
}
