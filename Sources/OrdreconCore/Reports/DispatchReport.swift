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
    /// Attempts that ended, by ``AttemptClass`` (its raw value).
    public var attemptsByClass: [String: Int] = [:]
    /// Refunds of ``failed`` that became failed because they were not accepted within
    /// `[gateway] give_up_after_hours`.
    public var gaveUp = 0
    /// Refunds still pending after the pass.
    public var pendingLeft = 0
    /// The pass stopped early because of the gateway as a whole: its circuit breaker opened
    /// (no connection, TLS, 5xx across several refunds), or it refused ordrecon (401/403).
    public var gatewayUnavailable = false
    /// The gateway answered 401 or 403: it refuses ordrecon itself (token, account); the pass stopped.
    public var refusedAccess = false
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
            ("gave_up", .int(Int64(gaveUp))),
            ("gateway_unavailable", .bool(gatewayUnavailable)), ("refused_access", .bool(refusedAccess)),
            ("interrupted", .bool(interrupted)),
            (
                "attempts_by_class",
                .object(attemptsByClass.keys.sorted().map { ($0, .int(Int64(attemptsByClass[$0] ?? 0))) })
            ),
            ("last_problem", .optional(lastProblem)),
            ("seconds", .string(JSONText.seconds(seconds))),
        ])
    }

    /// One line for people: what was sent, refused and left.
    public var line: String {
        var text = "refunds: \(sent) sent, \(failed) refused by the gateway, \(pendingLeft) pending"
        if attempts > 0 { text += " (\(attempts) request\(attempts == 1 ? "" : "s"))" }
        if gaveUp > 0 { text += "; \(gaveUp) not accepted within give_up_after_hours (now failed)" }
        if refusedAccess, let lastProblem {
            text += "; the gateway refuses ordrecon (check [gateway] token or ORDRECON_GATEWAY_TOKEN): \(lastProblem)"
        } else if gatewayUnavailable, let lastProblem {
            text += "; gateway unavailable: \(lastProblem)"
        } else if pendingLeft > 0, let lastProblem {
            text += "; last problem: \(lastProblem)"
        }
        if interrupted { text += "; stopped on request before the end" }
        return text
    }
}
