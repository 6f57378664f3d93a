public import OrdreconCore

/// Sends one refund request to the payment gateway and says what came back.
///
/// The dispatcher calls it from one thread; an implementation need not be thread-safe.
public protocol RefundSender {
    /// POSTs `body` with `Idempotency-Key: refundId`.
    /// - Returns: the result and how long the attempt took, in seconds.
    func send(refundId: String, body: String) -> (result: AttemptResult, seconds: Double)
}
