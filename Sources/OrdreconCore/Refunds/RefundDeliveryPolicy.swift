/// Decides what an attempt's result means for the refund: sent, try again, or failed for good.
///
/// Pure: the dispatcher does the I/O and keeps the records; this only classifies.
public enum RefundDeliveryPolicy {
    /// The decision for one attempt.
    public enum Decision: Sendable, Equatable {
        /// The gateway accepted the refund (2xx); its own id for it when the answer gave one.
        case sent(gatewayRefundId: String?)
        /// Not done, worth trying again with the same key and body.
        /// - Parameters:
        ///   - retryAfterMilliseconds: the gateway's `Retry-After`, when it sent a usable one.
        ///   - reason: what happened, for the attempt record.
        case retry(retryAfterMilliseconds: Int64?, reason: String)
        /// The gateway refused the refund (a 4xx that retrying cannot change): a person must look.
        case failed(reason: String)
    }

    /// HTTP statuses that are worth retrying besides 5xx: timeout, conflict (a request with this
    /// key still in progress), too early, too many requests.
    public static let retryableClientStatuses: Set<Int> = [408, 409, 425, 429]

    /// Classifies an attempt's result.
    /// - Parameter now: for a `Retry-After` given as a date.
    public static func decide(_ result: AttemptResult, now: Timestamp) -> Decision {
        switch result {
        case .transportFailed(let failure):
            return .retry(retryAfterMilliseconds: nil, reason: failure.description)
        case .answered(let status, let retryAfter, let body):
            let message = GatewayAnswer.message(in: body)
            switch status {
            case 200..<300:
                return .sent(gatewayRefundId: GatewayAnswer.refundId(in: body))
            case _ where retryableClientStatuses.contains(status) || (500..<600).contains(status):
                let wait = retryAfter.flatMap { RetryAfter.milliseconds(from: $0, now: now) }
                return .retry(retryAfterMilliseconds: wait, reason: describe(status, message))
            default:
                // 4xx (and anything unexpected, such as a 3xx redirect, which is never followed).
                return .failed(reason: describe(status, message))
            }
        }
    }

    static func describe(_ status: Int, _ message: String?) -> String {
        guard let message, !message.isEmpty else { return "HTTP \(status)" }
        return "HTTP \(status): \(message)"
    }
}
