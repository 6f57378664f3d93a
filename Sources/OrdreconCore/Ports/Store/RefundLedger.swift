/// Which refunds to list (see ``RefundLedger/refunds(matching:)``).
public struct RefundQuery: Sendable, Hashable {
    /// Only refunds in this status.
    public var status: RefundStatus?
    /// Only this order's refunds.
    public var orderId: String?
    /// At most this many.
    public var limit: Int

    public init(status: RefundStatus? = nil, orderId: String? = nil, limit: Int = Int.max) {
        self.status = status
        self.orderId = orderId
        self.limit = limit
    }
}

/// The refunds recorded with the transitions that caused them, and every attempt to send them:
/// the table the refund relay (the engine's `RefundDispatcher`) works from.
///
/// An attempt is recorded, and committed, before its request goes out; a refund's body and key
/// never change. That is what lets a request cut short be sent again without paying twice.
public protocol RefundLedger: StoreSession {
    /// Pending refunds that may be sent at `now`, oldest first (in the order their events were
    /// processed), at most `limit`; with a cursor, only those after it in that order.
    func dueRefunds(at now: Timestamp, after cursor: DueRefundCursor?, limit: Int) throws(StoreError) -> [DueRefund]

    /// How many refunds are in each status; a status without refunds is left out.
    func refundCounts() throws(StoreError) -> [RefundStatus: Int]

    /// The earliest time a pending refund asked to wait for, if any waits.
    func earliestRefundWait() throws(StoreError) -> Timestamp?

    /// When the oldest pending refund was recorded (or queued again), nil when none is pending.
    func oldestPendingRefund() throws(StoreError) -> Timestamp?

    /// Records, and commits in one transaction, how some attempts ended (and their refunds'
    /// states) and that attempts of other refunds are about to be sent. An earlier attempt of
    /// one of `beginning` still marked in flight was cut short: it becomes `interrupted`.
    /// Nothing of `beginning` goes out before this returns. On a store several nodes share, a
    /// refund another live connection has in flight (or is claiming right now) is left alone:
    /// not begun, not interrupted, and not in the answer.
    /// - Returns: the attempt number of each refund of `beginning` that is still pending (and,
    ///   on a shared store, now in flight on this connection only).
    func recordRefundAttempts(
        finishing finishes: [RefundAttemptFinish], beginning refundIds: [String], runId: Int64?, at now: Timestamp
    ) throws(StoreError) -> [String: Int]

    /// Queues a failed refund again, with the same key and body (`ordrecon refunds retry`).
    func requeueFailedRefund(_ refundId: String, at now: Timestamp) throws(StoreError) -> RequeueResult

    /// Refunds as `query` says, in the order they are sent.
    func refunds(matching query: RefundQuery) throws(StoreError) -> [RefundRecord]

    /// The attempts to send one refund, first first.
    func refundAttempts(_ refundId: String) throws(StoreError) -> [RefundAttemptRecord]
}

extension RefundLedger {
    /// Pending refunds that may be sent at `now`, from the first (see ``dueRefunds(at:after:limit:)``).
    public func dueRefunds(at now: Timestamp, limit: Int) throws(StoreError) -> [DueRefund] {
        try dueRefunds(at: now, after: nil, limit: limit)
    }

    /// Refunds, in the order they are sent (see ``refunds(matching:)``).
    public func refunds(status: RefundStatus? = nil, orderId: String? = nil, limit: Int = Int.max) throws(StoreError)
        -> [RefundRecord]
    {
        try refunds(matching: RefundQuery(status: status, orderId: orderId, limit: limit))
    }

    /// Records, and commits, that an attempt is about to be sent (see
    /// ``recordRefundAttempts(finishing:beginning:runId:at:)``).
    /// - Returns: the attempt's number, or nil when the refund is no longer pending.
    public func beginRefundAttempt(_ refundId: String, runId: Int64?, at now: Timestamp) throws(StoreError) -> Int? {
        try beginRefundAttempts([refundId], runId: runId, at: now)[refundId]
    }

    /// Records, and commits in one transaction, that an attempt of each refund is about to be sent.
    /// - Returns: each refund's attempt number; refunds no longer pending are left out.
    public func beginRefundAttempts(_ refundIds: [String], runId: Int64?, at now: Timestamp) throws(StoreError)
        -> [String: Int]
    {
        try recordRefundAttempts(finishing: [], beginning: refundIds, runId: runId, at: now)
    }

    /// Records, and commits, how an attempt ended, and the refund's state after it.
    /// - Parameters:
    ///   - httpStatus: the gateway's status, when it answered.
    ///   - transport: the error kind and code, when it did not.
    ///   - message: the gateway's message or the transport error.
    public func finishRefundAttempt(
        _ refundId: String, attempt: Int, at now: Timestamp, durationMilliseconds: Int,
        httpStatus: Int?, transport: (kind: String, code: Int)?, message: String?, end: RefundAttemptEnd
    ) throws(StoreError) {
        try finishRefundAttempts([
            RefundAttemptFinish(
                refundId: refundId, attempt: attempt, at: now, durationMilliseconds: durationMilliseconds,
                httpStatus: httpStatus,
                transport: transport, message: message, end: end)
        ])
    }

    /// Records, and commits in one transaction, how several attempts ended and their refunds' states.
    public func finishRefundAttempts(_ finishes: [RefundAttemptFinish]) throws(StoreError) {
        _ = try recordRefundAttempts(finishing: finishes, beginning: [], runId: nil, at: Timestamp(milliseconds: 0))
    }
}
