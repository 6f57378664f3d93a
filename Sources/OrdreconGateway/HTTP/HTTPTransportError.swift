import CCurl

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

extension HTTPTransportError {
    /// Creates an error for a failed transfer, classified by its code.
    ///
    /// - Parameters:
    ///   - code: what `curl_easy_perform` (or a setopt) returned.
    ///   - detail: the text libcurl left in the error buffer; empty when none.
    ///   - seconds: how long the request ran, in seconds.
    init(code: CURLcode, detail: String, seconds: Double) {
        let summary = String(cString: curl_easy_strerror(code))
        let detail = HTTPHeaderText.trimmed(detail)
        self.init(
            kind: Kind(code: code),
            curlCode: Int(code.rawValue),
            message: detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)",
            seconds: seconds
        )
    }
}

extension HTTPTransportError.Kind {
    /// The kind of failure a libcurl code stands for.
    ///
    /// - Parameter code: a `CURLcode` other than `CURLE_OK`.
    init(code: CURLcode) {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .connectionFailed
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
            self = .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            self = .tls
        case CURLE_ABORTED_BY_CALLBACK:
            self = .aborted
        default:
            self = .other
        }
    }
}
