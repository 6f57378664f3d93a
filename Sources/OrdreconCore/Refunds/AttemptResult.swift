/// What one attempt to send a refund to the gateway came back with.
public enum AttemptResult: Sendable, Equatable {
    /// The gateway answered with an HTTP status.
    /// - Parameters:
    ///   - retryAfter: the `Retry-After` header as sent, if any.
    ///   - body: the answer's body (for the gateway's message and refund id).
    case answered(status: Int, retryAfter: String?, body: String)
    /// No answer: the request could not be sent, or the answer did not arrive whole.
    case transportFailed(TransportFailure)
}

/// Why an attempt got no answer.
public struct TransportFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Nothing listening, host unknown: the gateway could not be reached.
        case connectionFailed
        /// Connected, but the answer did not come in time.
        case timeout
        /// The connection broke before a whole answer arrived (the gateway may have acted).
        case connectionLost
        /// The TLS handshake or certificate check failed.
        case tls
        /// ordrecon was told to stop (SIGTERM, SIGINT) while the request was in flight; the
        /// gateway may have acted on it. The next attempt sends the same key again.
        case aborted
        /// Anything else the HTTP library reports.
        case other
    }

    public var kind: Kind
    /// The HTTP library's own error code (libcurl's CURLcode).
    public var code: Int
    /// A message for people (never contains header values such as the token).
    public var message: String

    public init(kind: Kind, code: Int, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(kind.rawValue) (curl \(code): \(message))" }
}
