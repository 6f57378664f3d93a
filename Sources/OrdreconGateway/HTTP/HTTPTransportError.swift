import CCurl
import OrdreconCore

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
