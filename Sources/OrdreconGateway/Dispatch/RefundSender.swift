public import OrdreconCore

/// Sends one refund request to the payment gateway and says what came back.
///
/// The dispatcher calls it from one thread; an implementation need not be thread-safe.
public protocol RefundSender {
    /// POSTs `body` with `Idempotency-Key: refundId`.
    /// - Parameter shouldAbort: asked while the request is in flight; true ends it early with a
    ///   transport failure of kind `.aborted`.
    /// - Returns: the result and how long the attempt took, in seconds.
    func send(refundId: String, body: String, shouldAbort: () -> Bool) -> (result: AttemptResult, seconds: Double)
}
