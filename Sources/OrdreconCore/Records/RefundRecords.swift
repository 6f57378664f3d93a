// Refunds and their attempts, as the store records them for the refund relay and `ordrecon refunds`.

/// A refund waiting to be sent: its key (the refund id) and the exact body to send.
public struct DueRefund: Sendable, Hashable {
    public var refundId: String
    public var orderId: String
    public var returnId: String?
    public var amount: Money
    public var body: String
    /// Attempts made so far, over the refund's life.
    public var attempts: Int
    /// When the refund was recorded, or queued again by a person (`refunds retry`): the start
    /// of its time to be accepted (`[gateway] give_up_after_hours`).
    public var recordedAt: Timestamp
    /// Its place in the order of sending (the audit record of the event that caused it).
    public var auditId: Int64

    public init(
        refundId: String, orderId: String, returnId: String?, amount: Money, body: String, attempts: Int,
        recordedAt: Timestamp, auditId: Int64
    ) {
        self.refundId = refundId
        self.orderId = orderId
        self.returnId = returnId
        self.amount = amount
        self.body = body
        self.attempts = attempts
        self.recordedAt = recordedAt
        self.auditId = auditId
    }
}

/// Where a walk through the due refunds stands: after this refund (see ``RefundLedger/dueRefunds(at:after:limit:)``).
public struct DueRefundCursor: Sendable, Hashable {
    public var auditId: Int64
    public var refundId: String

    public init(auditId: Int64, refundId: String) {
        self.auditId = auditId
        self.refundId = refundId
    }

    public init(_ refund: DueRefund) {
        self.init(auditId: refund.auditId, refundId: refund.refundId)
    }
}

/// How one attempt ended, for ``RefundLedger/recordRefundAttempts(finishing:beginning:runId:at:)``.
public struct RefundAttemptFinish: Sendable, Equatable {
    public var refundId: String
    public var attempt: Int
    public var at: Timestamp
    public var durationMilliseconds: Int
    /// The gateway's status, when it answered.
    public var httpStatus: Int?
    /// The error kind and code, when it did not.
    public var transportKind: String?
    public var transportCode: Int?
    /// The gateway's message or the transport error.
    public var message: String?
    public var end: RefundAttemptEnd

    public init(
        refundId: String, attempt: Int, at: Timestamp, durationMilliseconds: Int, httpStatus: Int?,
        transport: (kind: String, code: Int)?, message: String?, end: RefundAttemptEnd
    ) {
        self.refundId = refundId
        self.attempt = attempt
        self.at = at
        self.durationMilliseconds = durationMilliseconds
        self.httpStatus = httpStatus
        self.transportKind = transport?.kind
        self.transportCode = transport?.code
        self.message = message
        self.end = end
    }
}

/// A refund with its delivery state, for `ordrecon refunds`.
public struct RefundRecord: Sendable, Hashable {
    public var refundId: String
    public var kind: String
    public var orderId: String
    public var returnId: String?
    public var amount: Money
    public var paymentRef: String
    public var status: RefundStatus
    public var attempts: Int
    public var createdAt: Timestamp
    public var lastAttemptAt: Timestamp?
    public var nextAttemptAt: Timestamp?
    public var sentAt: Timestamp?
    public var failedAt: Timestamp?
    public var requeuedAt: Timestamp?
    public var gatewayRefundId: String?
    /// The gateway's message (failed) or the last transport error (pending).
    public var lastError: String?
    public var body: String

    public init(
        refundId: String, kind: String, orderId: String, returnId: String?, amount: Money, paymentRef: String,
        status: RefundStatus, attempts: Int, createdAt: Timestamp, lastAttemptAt: Timestamp?, nextAttemptAt: Timestamp?,
        sentAt: Timestamp?, failedAt: Timestamp?, requeuedAt: Timestamp?, gatewayRefundId: String?, lastError: String?,
        body: String
    ) {
        self.refundId = refundId
        self.kind = kind
        self.orderId = orderId
        self.returnId = returnId
        self.amount = amount
        self.paymentRef = paymentRef
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.lastAttemptAt = lastAttemptAt
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.failedAt = failedAt
        self.requeuedAt = requeuedAt
        self.gatewayRefundId = gatewayRefundId
        self.lastError = lastError
        self.body = body
    }
}

/// One attempt to send a refund, as recorded.
public struct RefundAttemptRecord: Sendable, Hashable {
    public var attempt: Int
    public var runId: Int64?
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    /// `in_flight`, `sent`, `retry`, `failed` or `interrupted`.
    public var outcome: String
    public var httpStatus: Int?
    public var errorKind: String?
    public var errorCode: Int?
    public var message: String?
    public var gatewayRefundId: String?
    public var durationMilliseconds: Int?

    public init(
        attempt: Int, runId: Int64?, startedAt: Timestamp, finishedAt: Timestamp?, outcome: String, httpStatus: Int?,
        errorKind: String?, errorCode: Int?, message: String?, gatewayRefundId: String?, durationMilliseconds: Int?
    ) {
        self.attempt = attempt
        self.runId = runId
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.errorKind = errorKind
        self.errorCode = errorCode
        self.message = message
        self.gatewayRefundId = gatewayRefundId
        self.durationMilliseconds = durationMilliseconds
    }
}

/// How an attempt ended, as the dispatcher records it.
public enum RefundAttemptEnd: Sendable, Equatable {
    case sent(gatewayRefundId: String?)
    /// Still pending; not to be sent again before `notBefore` (the refund's own schedule:
    /// backoff or the gateway's `Retry-After`), nil: as soon as a pass comes.
    case retry(reason: String, notBefore: Timestamp?)
    case failed(reason: String)
    /// Still pending: ordrecon was told to stop while the request was in flight, so the
    /// gateway's answer is unknown; the next attempt sends the same key again.
    case interrupted(reason: String)
}

/// What `requeueFailedRefund` did.
public enum RequeueResult: Sendable, Equatable {
    case requeued
    case unknown
    /// Only failed refunds can be queued again; this one is `status`.
    case notFailed(status: RefundStatus)
}
