/// Decides what an attempt's result means for the refund: sent, try again later, failed for a
/// person, or "the gateway refuses ordrecon itself" (which stops the whole pass).
///
/// Pure: the dispatcher does the I/O and keeps the records; this only classifies.
public enum RefundDeliveryPolicy {
    /// The decision for one attempt.
    public enum Decision: Sendable, Equatable {
        /// The gateway accepted the refund (2xx); its own id for it when the answer gave one.
        case sent(gatewayRefundId: String?)
        /// Not done, worth trying again later for this refund, with the same key and body.
        /// - Parameters:
        ///   - retryAfterMilliseconds: the gateway's `Retry-After`, when it sent a usable one.
        ///   - reason: what happened, for the attempt record.
        case retry(retryAfterMilliseconds: Int64?, reason: String)
        /// The gateway refused the refund (a 4xx that retrying cannot change): a person must look.
        case failed(reason: String)
        /// 401 or 403: the gateway refuses ordrecon itself (token, account, address). The refund
        /// stays pending and the pass stops: sending others would be refused alike.
        case refusedAccess(reason: String)
    }

    /// HTTP statuses that are worth retrying besides 5xx: timeout, conflict (a request with this
    /// key still in progress, or the key conflicts), too early, too many requests.
    public static let retryableClientStatuses: Set<Int> = [408, 409, 425, 429]

    /// Statuses that mean the gateway refuses ordrecon, not the refund.
    public static let accessStatuses: Set<Int> = [401, 403]

    /// Classifies an attempt's result.
    /// - Parameter now: for a `Retry-After` given as a date.
    public static func decide(_ result: AttemptResult, now: Timestamp) -> Decision {
        switch result {
        case .transportFailed(let failure):
            return .retry(retryAfterMilliseconds: nil, reason: failure.description)
        case .answered(let status, let retryAfter, let body):
            // The body is read once: for its id when accepted, else for its message.
            switch status {
            case 200..<300:
                return .sent(gatewayRefundId: GatewayAnswer.refundId(in: body))
            case _ where retryableClientStatuses.contains(status) || (500..<600).contains(status):
                let wait = retryAfter.flatMap { RetryAfter.milliseconds(from: $0, now: now) }
                return .retry(retryAfterMilliseconds: wait, reason: describe(status, GatewayAnswer.message(in: body)))
            case _ where accessStatuses.contains(status):
                return .refusedAccess(reason: describe(status, GatewayAnswer.message(in: body)))
            default:
                // 4xx (and anything unexpected, such as a 3xx redirect, which is never followed).
                return .failed(reason: describe(status, GatewayAnswer.message(in: body)))
            }
        }
    }

    static func describe(_ status: Int, _ message: String?) -> String {
        guard let message, !message.isEmpty else { return "HTTP \(status)" }
        return "HTTP \(status): \(message)"
    }
}

/// The class of an attempt's outcome, for metrics (`ordrecon_refund_attempts_total{class=…}`)
/// and the circuit breaker. Every attempt that ended falls in exactly one.
public enum AttemptClass: String, Sendable, CaseIterable {
    /// 2xx.
    case accepted
    /// 409: the gateway is still working on the key, or the key conflicts.
    case conflict
    /// 408, 425, 429: the gateway asks to come back later.
    case throttled
    /// 5xx.
    case serverError = "server_error"
    /// 401, 403: the gateway refuses ordrecon itself.
    case unauthorized
    /// Any other status (4xx, 3xx): the refund is refused, a person must look.
    case refused
    /// A timeout, or the connection broke before a whole answer arrived.
    case noAnswer = "no_answer"
    /// No connection at all: refused, name not resolved, TLS failed, or another client error.
    case unreachable
    /// ordrecon was told to stop while the request was in flight.
    case interrupted

    /// The class of a result.
    public init(_ result: AttemptResult) {
        switch result {
        case .transportFailed(let failure):
            switch failure.kind {
            case .timeout, .connectionLost: self = .noAnswer
            case .connectionFailed, .tls, .other: self = .unreachable
            case .aborted: self = .interrupted
            }
        case .answered(let status, _, _):
            switch status {
            case 200..<300: self = .accepted
            case 409: self = .conflict
            case 408, 425, 429: self = .throttled
            case 500..<600: self = .serverError
            case 401, 403: self = .unauthorized
            default: self = .refused
            }
        }
    }

    /// What the result says about the gateway as a whole, for ``CircuitBreaker``.
    public var health: CircuitBreaker.Signal {
        switch self {
        // The gateway answered sensibly: it works.
        case .accepted, .conflict, .refused: .healthy
        // Trouble of the whole gateway, whichever refund met it.
        case .unauthorized, .unreachable: .gatewayDown
        // Could be one refund's trouble: counts only across several different refunds.
        case .serverError, .noAnswer: .failure
        // Says nothing about the gateway's health.
        case .throttled, .interrupted: .neutral
        }
    }
}
