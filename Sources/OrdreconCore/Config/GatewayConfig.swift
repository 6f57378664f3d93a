import Foundation

/// `[gateway]`: the payment gateway that refunds are sent to, and how hard to try.
public struct GatewayConfig: Sendable, Equatable {
    /// `base_url`, without trailing `/`; refunds go to `<baseURL>/refunds`.
    public var baseURL: String
    /// `token`: bearer token sent as `Authorization: Bearer ...`; nil when not configured.
    /// The environment variable ``tokenEnvironmentVariable`` takes precedence when set.
    public var token: String?
    /// `ca_bundle`: a PEM file of trusted certificate authorities (absolute); nil = the system's.
    public var caBundle: String?
    /// `connect_timeout_ms`: how long to wait for a connection.
    public var connectTimeoutMilliseconds: Int
    /// `timeout_ms`: how long one request may take in all.
    public var timeoutMilliseconds: Int
    /// `max_attempts`: attempts per refund within one pass; then the refund waits for a later
    /// pass (its next attempt time is stored). Other refunds are never held up by it.
    public var maxAttempts: Int
    /// `backoff_initial_ms`: the cap of the first wait between attempts (doubled each time).
    public var backoffInitialMilliseconds: Int
    /// `backoff_max_ms`: the largest wait between attempts of one refund; a pass waits for a
    /// refund's next attempt only up to this long (a longer `Retry-After` leaves it for a later pass).
    public var backoffMaxMilliseconds: Int
    /// `concurrency`: refund requests in flight at once (each refund at most once).
    public var concurrency: Int
    /// `max_requests_per_second`: the most requests started in any second; 0 = no limit.
    public var maxRequestsPerSecond: Int
    /// `give_up_after_hours`: a refund not accepted this long after it was recorded (or queued
    /// again by a person) becomes `failed` at its next unsuccessful attempt.
    public var giveUpAfterHours: Int

    /// The environment variable that holds the bearer token (wins over `token`).
    public static let tokenEnvironmentVariable = "ORDRECON_GATEWAY_TOKEN"

    /// Every key at its default.
    public static let defaults = Configuration.builtInDefaults.gateway

    public init(
        baseURL: String, token: String?, caBundle: String?, connectTimeoutMilliseconds: Int, timeoutMilliseconds: Int,
        maxAttempts: Int, backoffInitialMilliseconds: Int, backoffMaxMilliseconds: Int,
        concurrency: Int = GatewayConfig.defaults.concurrency,
        maxRequestsPerSecond: Int = GatewayConfig.defaults.maxRequestsPerSecond,
        giveUpAfterHours: Int = GatewayConfig.defaults.giveUpAfterHours
    ) {
        self.baseURL = baseURL
        self.token = token
        self.caBundle = caBundle
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxAttempts = maxAttempts
        self.backoffInitialMilliseconds = backoffInitialMilliseconds
        self.backoffMaxMilliseconds = backoffMaxMilliseconds
        self.concurrency = concurrency
        self.maxRequestsPerSecond = maxRequestsPerSecond
        self.giveUpAfterHours = giveUpAfterHours
    }

    /// The token to send: the environment's when set and not empty, else the configured one.
    public func effectiveToken(environment: [String: String]) -> String? {
        if let value = environment[Self.tokenEnvironmentVariable], !value.isEmpty { return value }
        return token
    }
}

extension GatewayConfig {
    /// Reads `[gateway]`; a relative `ca_bundle` is taken from `root`.
    init(_ t: TableReader, workspaceRoot root: String) throws(ConfigurationError) {
        let url = try t.text(
            "base_url", default: "http://127.0.0.1:8099",
            accepts: "an http:// or https:// URL such as \"http://127.0.0.1:8099\"", kind: .url,
            doc: "the payment gateway; refunds are POSTed to `<base_url>/refunds`",
            comment: ["Payment gateway; refunds are sent as POST <base_url>/refunds."])
        if let problem = Configuration.urlProblem(url.value) { throw t.invalid(url, because: problem) }
        baseURL = url.value
        while baseURL.hasSuffix("/") { baseURL.removeLast() }

        let token = try t.text(
            "token", default: "", accepts: "a bearer token string (or \"\" for none)",
            doc: "bearer token (`\"\"`: none); `ORDRECON_GATEWAY_TOKEN` wins (prefer it); never logged",
            comment: [
                "Bearer token for the gateway (\"\" = none). The environment variable ORDRECON_GATEWAY_TOKEN,",
                "when set, wins; prefer it, so the secret stays out of this file. Never logged.",
            ], secret: true)
        if token.value.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            throw t.invalid(token, because: "it contains spaces or control characters")
        }
        self.token = token.value.isEmpty ? nil : token.value

        let bundle = try t.text(
            "ca_bundle", default: "", accepts: "a path to a PEM file (or \"\" for the system's)", kind: .path,
            doc: "PEM file of the CAs to trust for https (`\"\"`: the system's); TLS is always verified",
            comment: [
                "PEM file of certificate authorities to trust for https (\"\" = the system's). TLS is always verified."
            ])
        caBundle = bundle.value.isEmpty ? nil : Configuration.resolve(bundle.value, against: root)

        connectTimeoutMilliseconds = try t.integer(
            "connect_timeout_ms", 1...600_000, unit: "milliseconds", default: 3000, doc: "time allowed to connect",
            comment: ["Time allowed to connect, and for a whole request (milliseconds)."]
        ).value
        timeoutMilliseconds = try t.integer(
            "timeout_ms", 1...600_000, unit: "milliseconds", default: 10_000, doc: "time allowed for a whole request"
        ).value
        maxAttempts = try t.integer(
            "max_attempts", 1...100, unit: "attempts", default: 5,
            doc: "attempts per refund in one pass; then it waits for a later pass (its next attempt stored)",
            comment: [
                "Each refund has its own schedule. After 408, 409, 425, 429, 5xx or no answer, its next",
                "attempt waits the gateway's Retry-After, else a random time up to backoff_initial_ms,",
                "doubling with each attempt up to backoff_max_ms; the time is stored, so it holds across",
                "restarts. A pass tries one refund at most max_attempts times (1...100) and waits at most",
                "backoff_max_ms for its next attempt; then the refund is left pending for a later pass.",
                "Other refunds go on meanwhile: one refund that keeps failing never holds up another.",
            ]
        ).value
        backoffInitialMilliseconds = try t.integer(
            "backoff_initial_ms", 0...3_600_000, unit: "milliseconds", default: 250,
            doc: "the first wait between attempts of a refund (at most; full jitter), doubled each time"
        ).value
        let maximum = try t.integer(
            "backoff_max_ms", 0...3_600_000, unit: "milliseconds", default: 10_000,
            doc: "the longest wait between attempts; a pass waits no longer (a longer `Retry-After`: a later pass)")
        if maximum.value < backoffInitialMilliseconds {
            throw t.invalid(maximum, expected: "at least backoff_initial_ms (\(backoffInitialMilliseconds))")
        }
        backoffMaxMilliseconds = maximum.value
        concurrency = try t.integer(
            "concurrency", 1...256, unit: "requests", default: 16, doc: "refund requests in flight at once",
            comment: ["Refund requests in flight at once (1...256), over kept-alive connections."]
        ).value
        maxRequestsPerSecond = try t.integer(
            "max_requests_per_second", 0...100_000, unit: "requests per second (0 = no limit)", default: 0,
            doc: "requests started in any second (0: no limit); set it to the gateway's rate limit",
            comment: ["The most requests started in any second (0 = no limit); set it to the gateway's rate limit."]
        ).value
        giveUpAfterHours = try t.integer(
            "give_up_after_hours", 1...8760, unit: "hours", default: 72,
            doc: "a refund not accepted this long after it was recorded becomes `failed`, for a person",
            comment: [
                "A refund the gateway has not accepted this many hours (1...8760) after it was recorded (or",
                "queued again with `ordrecon refunds retry`) becomes failed at its next unsuccessful attempt.",
            ]
        ).value
    }
}

// MARK: - URL

extension Configuration {
    static func urlProblem(_ text: String) -> String? {
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("http://") {
            scheme = "http://"
        } else if lower.hasPrefix("https://") {
            scheme = "https://"
        } else {
            return "it does not start with http:// or https://"
        }
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "it contains spaces or control characters"
        }
        if text.contains("?") || text.contains("#") {
            return
                "it has a query or fragment; give only scheme, host, port and path (refunds are sent to <base_url>/refunds)"
        }
        let rest = text.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        let host = authority.split(separator: "@").last.map(String.init) ?? ""
        if host.isEmpty || host.hasPrefix(":") { return "it names no host" }
        if URL(string: text) == nil { return "it is not a valid URL" }
        return nil
    }

    /// The URL with any `user:password@` replaced, for messages.
    static func redactedURL(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<schemeEnd.upperBound]) + "***" + String(text[at...])
    }
}
