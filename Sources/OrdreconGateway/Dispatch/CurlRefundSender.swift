public import OrdreconCore

/// Sends refunds with libcurl: `POST <base_url>/refunds`, the refund id as `Idempotency-Key`,
/// the stored JSON body byte for byte, and the bearer token when one is configured.
///
/// Owns one ``CurlHTTPClient`` (one reused connection); use it from one thread.
public final class CurlRefundSender: RefundSender {
    let client: CurlHTTPClient
    let url: String
    let token: String?

    /// - Parameters:
    ///   - config: `[gateway]`.
    ///   - token: the bearer token to send (see ``GatewayConfig/effectiveToken(environment:)``); never logged.
    /// - Throws: ``HTTPTransportError`` when libcurl cannot make a handle.
    public init(config: GatewayConfig, token: String?) throws(HTTPTransportError) {
        client = try CurlHTTPClient(settings: HTTPClientSettings(
            connectTimeoutMilliseconds: config.connectTimeoutMilliseconds,
            totalTimeoutMilliseconds: config.timeoutMilliseconds, caBundlePath: config.caBundle,
            userAgent: "ordrecon"))
        url = config.baseURL + "/refunds"
        self.token = token
    }

    public func send(refundId: String, body: String, shouldAbort: () -> Bool) -> (result: AttemptResult, seconds: Double) {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("Accept", "application/json"), ("Idempotency-Key", refundId),
        ]
        if let token { headers.append(("Authorization", "Bearer " + token)) }
        switch client.post(url: url, headers: headers, body: Array(body.utf8), shouldAbort: shouldAbort) {
        case .success(let response):
            return (.answered(status: response.status, retryAfter: response.header("retry-after"), body: response.bodyText),
                    response.seconds)
        case .failure(let error):
            return (.transportFailed(TransportFailure(kind: Self.kind(error.kind), code: error.curlCode, message: error.message)),
                    error.seconds)
        }
    }

    static func kind(_ kind: HTTPTransportError.Kind) -> TransportFailure.Kind {
        switch kind {
        case .timeout: .timeout
        case .connectionFailed: .connectionFailed
        case .connectionLost: .connectionLost
        case .tls: .tls
        case .aborted: .aborted
        case .other: .other
        }
    }
}
