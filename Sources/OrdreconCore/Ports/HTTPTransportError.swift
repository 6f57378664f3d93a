/// A request that produced no HTTP response: it timed out, could not connect, lost its
/// connection, failed TLS, or failed in libcurl some other way.
///
/// The message is libcurl's text and never contains request header values, so it is safe to
/// log even when the request carried an `Authorization` token.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it was, for deciding whether and when to retry.
    public enum Kind: String, Sendable {
        /// The connect or total timeout was reached (CURLE_OPERATION_TIMEDOUT).
        case timeout
        /// No connection was made: refused, unreachable, or the name did not resolve.
        case connectionFailed
        /// The connection broke, or closed before a whole response arrived.
        case connectionLost
        /// The TLS handshake or the server's certificate failed.
        case tls
        /// The caller asked to stop while the request was in flight (CURLE_ABORTED_BY_CALLBACK):
        /// the server may or may not have acted on it.
        case aborted
        /// Any other libcurl failure (bad URL, unsupported protocol, out of memory, …).
        case other
    }

    /// What kind of failure it was.
    public var kind: Kind
    /// The libcurl `CURLcode`, such as 28 for a timeout.
    public var curlCode: Int
    /// libcurl's description of the code, followed by its detail for this transfer when any.
    public var message: String
    /// How long the request ran before it failed, in seconds.
    public var seconds: Double

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - kind: what kind of failure it was.
    ///   - curlCode: the libcurl `CURLcode`.
    ///   - message: what failed, without header values.
    ///   - seconds: how long the request ran, in seconds.
    public init(kind: Kind, curlCode: Int, message: String, seconds: Double) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
        self.seconds = seconds
    }

    /// For example `timeout (curl 28: Timeout was reached: Operation timed out after 500
    /// milliseconds with 0 bytes received)`.
    public var description: String {
        "\(kind.rawValue) (curl \(curlCode): \(message))"
    }
}
