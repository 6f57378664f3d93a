import Foundation

/// What the mock answers to one request, decided before any byte is sent.
struct MockReply: Sendable {
    /// What happened to the request, as logged and journaled.
    enum Outcome: String, Sendable, Codable {
        /// `conflict`: 409, a request with this key is still being processed (retry later);
        /// `key_reused`: 422, the key was processed with another body (never retried).
        case accepted, replayed, conflict, invalid, scripted, dropped
        case keyReused = "key_reused"
        case injectedFailure = "injected_failure"
        case health, listed, queued
        case badScript = "bad_script"
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
    }

    var status: Int
    var body: Data
    var contentType: String?
    var headers: [(name: String, value: String)] = []
    var outcome: Outcome
    /// Close the connection after the status line and headers, without the body.
    var drop = false
    var delayMilliseconds = 0
    /// A key being processed until this answer is sent: requests with it meanwhile get 409.
    var processingKey: String?

    /// A JSON answer.
    static func json(_ status: Int, _ body: Data, _ outcome: Outcome) -> MockReply {
        MockReply(status: status, body: body, contentType: "application/json", outcome: outcome)
    }

    /// `{"error": message}` with `status`.
    static func error(_ status: Int, _ message: String, _ outcome: Outcome) -> MockReply {
        json(status, errorBody(message), outcome)
    }

    /// The body `{"error": message}`.
    static func errorBody(_ message: String) -> Data {
        encode(["error": message])
    }

    /// A scripted answer, as the script entry says.
    static func scripted(_ answer: MockAnswer) -> MockReply {
        var reply = MockReply(status: answer.status, body: Data(), outcome: .scripted)
        if let message = answer.message {
            reply = .error(answer.status, message, .scripted)
        }
        if let retryAfter = answer.retryAfter {
            reply.headers.append(("Retry-After", retryAfter))
        }
        reply.drop = answer.drop
        reply.delayMilliseconds = answer.delayMilliseconds ?? 0
        return reply
    }

    /// JSON with sorted keys and unescaped slashes, so answers are stable byte for byte.
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structures cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
