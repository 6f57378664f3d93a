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

    public static let defaults = GatewayConfig(
        baseURL: "http://127.0.0.1:8099", token: nil, caBundle: nil, connectTimeoutMilliseconds: 3000,
        timeoutMilliseconds: 10_000, maxAttempts: 5, backoffInitialMilliseconds: 250, backoffMaxMilliseconds: 10_000,
        concurrency: 16, maxRequestsPerSecond: 0, giveUpAfterHours: 72)

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

    static let timeoutRange = 1...600_000
    static let attemptsRange = 1...100
    static let backoffRange = 0...3_600_000
    static let concurrencyRange = 1...256
    static let rateRange = 0...100_000
    static let giveUpRange = 1...8760
}

extension Reader {
    /// Reads and checks `[gateway]`.
    func gateway(workspaceRoot root: String) throws(ConfigurationError) -> GatewayConfig {
        let d = GatewayConfig.defaults
        let urlExpectation = "an http:// or https:// URL such as \"http://127.0.0.1:8099\""
        let url = try string(["gateway", "base_url"], default: d.baseURL, expected: urlExpectation)
        if let problem = Configuration.urlProblem(url.value) {
            throw invalid(["gateway", "base_url"], url.source, expected: urlExpectation, because: problem)
        }
        var baseURL = url.value
        while baseURL.hasSuffix("/") { baseURL.removeLast() }

        let tokenExpectation = "a bearer token string (or \"\" for none)"
        let token = try string(["gateway", "token"], default: "", expected: tokenExpectation)
        if token.value.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            throw invalid(["gateway", "token"], token.source, expected: tokenExpectation, because: "it contains spaces or control characters")
        }
        let bundle = try string(["gateway", "ca_bundle"], default: "", expected: "a path to a PEM file (or \"\" for the system's)")
        let caBundle = bundle.value.isEmpty ? nil : Configuration.resolve(bundle.value, against: root)

        func milliseconds(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            try integer(
                ["gateway", key], default: fallback, range: range,
                expected: "a whole number of milliseconds \(range.lowerBound)...\(range.upperBound)")
        }
        let connect = try milliseconds("connect_timeout_ms", d.connectTimeoutMilliseconds, GatewayConfig.timeoutRange)
        let total = try milliseconds("timeout_ms", d.timeoutMilliseconds, GatewayConfig.timeoutRange)
        let attempts = try integer(
            ["gateway", "max_attempts"], default: d.maxAttempts, range: GatewayConfig.attemptsRange,
            expected: "a whole number of attempts \(GatewayConfig.attemptsRange.lowerBound)...\(GatewayConfig.attemptsRange.upperBound)")
        let initial = try milliseconds("backoff_initial_ms", d.backoffInitialMilliseconds, GatewayConfig.backoffRange)
        let maximum = try milliseconds("backoff_max_ms", d.backoffMaxMilliseconds, GatewayConfig.backoffRange)
        if maximum < initial {
            throw invalid(
                ["gateway", "backoff_max_ms"], source(["gateway", "backoff_max_ms"]),
                expected: "at least backoff_initial_ms (\(initial))")
        }
        func whole(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>, _ what: String) throws(ConfigurationError) -> Int {
            try integer(["gateway", key], default: fallback, range: range, expected: "a whole number of \(what) \(range.lowerBound)...\(range.upperBound)")
        }
        let concurrency = try whole("concurrency", d.concurrency, GatewayConfig.concurrencyRange, "requests")
        let rate = try whole(
            "max_requests_per_second", d.maxRequestsPerSecond, GatewayConfig.rateRange, "requests per second (0 = no limit)")
        let giveUp = try whole("give_up_after_hours", d.giveUpAfterHours, GatewayConfig.giveUpRange, "hours")
        return GatewayConfig(
            baseURL: baseURL, token: token.value.isEmpty ? nil : token.value, caBundle: caBundle,
            connectTimeoutMilliseconds: connect, timeoutMilliseconds: total, maxAttempts: attempts,
            backoffInitialMilliseconds: initial, backoffMaxMilliseconds: maximum, concurrency: concurrency,
            maxRequestsPerSecond: rate, giveUpAfterHours: giveUp)
    }
}
