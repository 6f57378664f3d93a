/// One audit record: what an event (or a whole file) became.
public struct AuditEntry: Sendable {
    public var runId: Int64
    public var fileId: Int64
    public var feed: String
    public var line: Int?
    public var eventId: String?
    public var entity: String?
    public var orderId: String?
    public var returnId: String?
    public var status: String?
    public var occurredAt: Timestamp?
    public var actor: String?
    public var reason: String?
    public var outcome: Outcome
    public var reasonCode: ReasonCode?
    public var message: String?
    public var contentHash: UInt64?
    /// For rejected events: the lines of the `.rejected.csv` (already CSV-encoded, with the
    /// reject columns), written when the file is finished.
    public var rejectedRows: String?

    public init(runId: Int64, fileId: Int64, feed: String, outcome: Outcome) {
        self.runId = runId
        self.fileId = fileId
        self.feed = feed
        self.outcome = outcome
    }
}

/// A refund the store recorded in this transaction (to write into the outbox after commit).
public struct RecordedRefund: Sendable, Hashable {
    public var refundId: String
    public var body: String

    public init(refundId: String, body: String) {
        self.refundId = refundId
        self.body = body
    }
}

/// What applying one event produced beyond the state change.
public struct AppliedEffects: Sendable {
    public var invoiceNumbers: [String] = []
    public var creditNoteNumbers: [String] = []
    public var refunds: [RecordedRefund] = []

    public init() {}
}
