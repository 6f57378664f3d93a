/// One connection to the state store: its transactions and its reads. Every part of the store
/// port (``EventLedger``, ``FileLedger``, ``DocumentLedger``, ``RefundLedger``,
/// ``ReviewQueries``) builds on it, and ``StateStore`` is all of them over one connection.
///
/// A connection is used by one thread at a time: adapters are classes that are not `Sendable`,
/// so the compiler keeps each one in one place; every worker opens its own
/// (``StateStoreFactory``). Several connections, in several processes or on several nodes, may
/// use the same database at once; a write waits for the others as ``busyPolicy`` says.
///
/// Every failure is a ``StoreError``, whose kind tells a busy database from a damaged one or
/// one at another schema version.
public protocol StoreSession: AnyObject {
    /// Starts a write transaction, taking the write lock at once (nothing inside it can then
    /// be busy).
    /// - Parameter durable: make its commit wait until it is on disk. Batches in the middle of
    ///   a file need not (after a power loss the store is back at an earlier batch, and the
    ///   file resumes there); a transaction after which something leaves the store's control
    ///   (a file moved to the archive) must be.
    func begin(durable: Bool) throws(StoreError)

    /// Commits the current transaction.
    func commit() throws(StoreError)

    /// Rolls back the current transaction, if one is open, and forgets what was cached of it.
    func rollback()

    /// Whether a write transaction is open on this connection.
    var isInTransaction: Bool { get }

    /// Ends every read in progress on this connection, so that the next one sees what other
    /// connections committed since. Long-lived users (the daemon's workers) call it each pass.
    func endReads()

    /// Moves what was written out of the store's log into the database proper (at the end of a
    /// run); a store without such a log does nothing.
    /// - Parameter truncate: also empty the log, waiting for every reader: only for a
    ///   connection that is alone in writing (`run`).
    func checkpoint(truncate: Bool)

    /// How long a step waits while another connection holds the database before it fails with
    /// a ``StoreError/Kind/busy`` error.
    var busyPolicy: BusyPolicy { get set }

    /// The schema version the database is at.
    var schemaVersion: Int { get throws(StoreError) }
}

extension StoreSession {
    /// Starts a durable write transaction (see ``begin(durable:)``).
    public func begin() throws(StoreError) {
        try begin(durable: true)
    }

    /// Writes the log back and empties it (see ``checkpoint(truncate:)``).
    public func checkpoint() {
        checkpoint(truncate: true)
    }

    /// Runs `body` in one durable transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin(durable: true)
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            rollback()
            throw error
        }
    }
}
