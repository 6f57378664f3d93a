/// The runs, the audit log and the state that events change: what the engine writes for every
/// event, inside the transactions of its batches. The hot path of ingestion: an adapter keeps
/// each of these to a few indexed statements.
///
/// The state is the audit log itself: an order's or return's current status is its newest
/// applied audit record, so a state never disagrees with its history.
public protocol EventLedger: StoreSession, ReconciliationState {
    /// Records the start of a run. - Returns: the run id.
    func startRun(command: String, pid: Int32, at time: Timestamp) throws(StoreError) -> Int64

    /// Records the end of a run with its summary.
    func finishRun(_ runId: Int64, at time: Timestamp, summaryJSON: String) throws(StoreError)

    /// Inserts one audit record (a duplicate or rejected event, or a file refused as a whole).
    /// - Returns: its id.
    @discardableResult
    func recordAudit(_ entry: AuditEntry, recordedAt: Timestamp) throws(StoreError) -> Int64

    /// Inserts the audit record of an event judged `applied`, unless this feed applied an event
    /// with the same event id before (then nothing is written).
    /// - Returns: the record's id, or nil when the event id was applied before.
    func recordAppliedAudit(
        _ event: FeedEvent, runId: Int64, fileId: Int64, line: Int, recordedAt: Timestamp
    ) throws(StoreError) -> Int64?

    /// Applies an accepted event's change and side effects (numbering invoices and credit notes,
    /// recording refunds with their bodies), in the caller's transaction, after its audit
    /// record was written with ``recordAppliedAudit(_:runId:fileId:line:recordedAt:)``.
    /// - Parameter auditId: the event's audit record (documents and refunds point to it).
    func apply(
        _ event: FeedEvent, change: Change, effects: [SideEffect], auditId: Int64, at now: Timestamp
    ) throws(StoreError) -> AppliedEffects

    /// Tells the store which events the engine is about to judge, in order, so that it can learn
    /// in one go what judging and recording them will ask: which of these event ids `feed`
    /// applied before, and the orders and returns they name (or that they do not exist). A store
    /// whose reads are local (SQLite) needs nothing and does nothing; one behind a network (each
    /// statement a round trip) answers the lookups of the events that follow from what it
    /// learned here. It changes no answer: ids, orders or returns it was not told of are looked up
    /// as before, and the events are still judged and recorded one by one.
    func prefetch(feed: String, eventIds: [String], orderIds: [String], returnIds: [String]) throws(StoreError)

    /// Tells the store, like ``prefetch(feed:eventIds:orderIds:returnIds:)`` and right after
    /// it, what the events read ahead may need beyond the orders' and returns' state: orders
    /// they may ship (an invoice needs the order's lines and buyer), orders whose returns they
    /// request or complete (the order's lines; a credit note cites its invoice), and returns
    /// they may complete (the refund is priced from the return's lines). A hint, judged from the
    /// raw fields: it changes no answer, and what it was not told of is looked up as before.
    func prefetchDocuments(shipping: [String], returning: [String], completing: [String]) throws(StoreError)

    /// Whether ``prefetch(feed:eventIds:orderIds:returnIds:)`` does anything now: when not, the
    /// engine spares itself gathering the ids.
    var learnsAhead: Bool { get }

    /// Pending refunds with their bodies (to make sure each has its outbox file).
    func pendingRefunds() throws(StoreError) -> [RecordedRefund]

    /// Makes this connection the one that ingests, if no other connection (process, node) is:
    /// the ingest lock, held until ``releaseIngestLead()`` or until the connection ends (a node
    /// that dies loses it with its connection). Taking it again while holding it is harmless.
    /// A store that only one machine can use (SQLite, whose workspace lock keeps a second
    /// writer out) has no such lock and always answers true.
    /// - Returns: whether this connection now holds the lock.
    func tryLeadIngest() throws(StoreError) -> Bool

    /// Lets the ingest lock go, if this connection holds it.
    func releaseIngestLead()

    /// Who holds the ingest lock, as the database knows the connection (for `/healthz`), or nil
    /// when nobody does or the store has no such lock.
    func ingestLeader() throws(StoreError) -> String?
}

extension EventLedger {
    /// Nothing to learn ahead: each lookup is as cheap as an answer from memory would be.
    public func prefetch(feed: String, eventIds: [String], orderIds: [String], returnIds: [String])
        throws(StoreError)
    {}

    public func prefetchDocuments(shipping: [String], returning: [String], completing: [String])
        throws(StoreError)
    {}

    public var learnsAhead: Bool { false }
}
