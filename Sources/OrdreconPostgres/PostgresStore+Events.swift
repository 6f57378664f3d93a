public import OrdreconCore

// The hot path of ingestion: audit records, applying changes, the judge's reads.
extension PostgresStore: ReconciliationState {
    public func appliedContentHash(feed: String, eventId: String) throws -> UInt64? {
        throw StoreError.unported("appliedContentHash")
    }
    public func order(_ orderId: String) throws -> OrderSnapshot? { throw StoreError.unported("order") }
    public func returnSnapshot(_ returnId: String) throws -> ReturnSnapshot? {
        throw StoreError.unported("returnSnapshot")
    }
    public func orderLines(_ orderId: String) throws -> [OrderLine] { throw StoreError.unported("orderLines") }
    public func heldReturnQuantities(orderId: String, excluding returnId: String) throws -> [String: Int64] {
        throw StoreError.unported("heldReturnQuantities")
    }
    public func returnItems(_ returnId: String) throws -> [String: Int64] { throw StoreError.unported("returnItems") }
}

extension PostgresStore {
    @discardableResult
    public func recordAudit(_ entry: AuditEntry, recordedAt: Timestamp) throws(StoreError) -> Int64 {
        throw StoreError.unported("recordAudit")
    }
    public func recordAppliedAudit(_ event: FeedEvent, runId: Int64, fileId: Int64, line: Int, recordedAt: Timestamp)
        throws(StoreError) -> Int64?
    { throw StoreError.unported("recordAppliedAudit") }
    public func apply(_ event: FeedEvent, change: Change, effects: [SideEffect], auditId: Int64, at now: Timestamp)
        throws(StoreError) -> AppliedEffects
    { throw StoreError.unported("apply") }
    public func pendingRefunds() throws(StoreError) -> [RecordedRefund] { throw StoreError.unported("pendingRefunds") }
}
