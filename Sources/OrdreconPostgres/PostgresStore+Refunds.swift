public import OrdreconCore

extension PostgresStore {
    public func dueRefunds(at now: Timestamp, after cursor: DueRefundCursor?, limit: Int) throws(StoreError)
        -> [DueRefund]
    { throw StoreError.unported("dueRefunds") }
    public func refundCounts() throws(StoreError) -> [RefundStatus: Int] { throw StoreError.unported("refundCounts") }
    public func earliestRefundWait() throws(StoreError) -> Timestamp? {
        throw StoreError.unported("earliestRefundWait")
    }
    public func oldestPendingRefund() throws(StoreError) -> Timestamp? {
        throw StoreError.unported("oldestPendingRefund")
    }
    public func recordRefundAttempts(
        finishing finishes: [RefundAttemptFinish], beginning refundIds: [String], runId: Int64?, at now: Timestamp
    ) throws(StoreError) -> [String: Int] { throw StoreError.unported("recordRefundAttempts") }
    public func requeueFailedRefund(_ refundId: String, at now: Timestamp) throws(StoreError) -> RequeueResult {
        throw StoreError.unported("requeueFailedRefund")
    }
    public func refunds(matching query: RefundQuery) throws(StoreError) -> [RefundRecord] {
        throw StoreError.unported("refunds")
    }
    public func refundAttempts(_ refundId: String) throws(StoreError) -> [RefundAttemptRecord] {
        throw StoreError.unported("refundAttempts")
    }
}
