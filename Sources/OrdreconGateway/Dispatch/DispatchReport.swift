public import OrdreconCore

/// What one dispatch pass did.
public struct DispatchReport: Sendable, Equatable {
    /// Refunds the gateway accepted in this pass.
    public var sent = 0
    /// Refunds the gateway refused in this pass (a person must look: `ordrecon refunds --status failed`).
    public var failed = 0
    /// Requests made (every attempt, including retries).
    public var attempts = 0
    /// Attempts that will be (or were) tried again: 408/409/425/429, 5xx, no answer.
    public var retriedAttempts = 0
    /// Refunds still pending after the pass.
    public var pendingLeft = 0
    /// The pass stopped early because the gateway kept failing or asked to wait: the refunds
    /// left pending could not be delivered now.
    public var gatewayUnavailable = false
    /// The pass was told to stop (SIGTERM, SIGINT, a daemon shutting down) before it had tried
    /// every due refund; the rest stay pending, an abandoned request's attempt is `interrupted`.
    public var interrupted = false
    /// What the last unsuccessful attempt met, for the operator.
    public var lastProblem: String?
    /// Seconds each answered or failed request took (gateway latency), in order.
    public var attemptSeconds: [Double] = []
    /// Wall-clock seconds of the whole pass.
    public var seconds: Double = 0

    public init() {}

    /// The report as a JSON object (for `--json` outputs).
    public var json: JSONValue {
        .object([
            ("sent", .int(Int64(sent))), ("failed", .int(Int64(failed))), ("pending", .int(Int64(pendingLeft))),
            ("attempts", .int(Int64(attempts))), ("retried_attempts", .int(Int64(retriedAttempts))),
            ("gateway_unavailable", .bool(gatewayUnavailable)), ("interrupted", .bool(interrupted)),
            ("last_problem", .optional(lastProblem)),
            ("seconds", .string(JSONText.seconds(seconds))),
        ])
    }

    /// One line for people: what was sent, refused and left.
    public var line: String {
        var text = "refunds: \(sent) sent, \(failed) refused by the gateway, \(pendingLeft) pending"
        if attempts > 0 { text += " (\(attempts) request\(attempts == 1 ? "" : "s"))" }
        if gatewayUnavailable, let lastProblem { text += "; gateway unavailable: \(lastProblem)" }
        if interrupted { text += "; stopped on request before the end" }
        return text
    }
}
