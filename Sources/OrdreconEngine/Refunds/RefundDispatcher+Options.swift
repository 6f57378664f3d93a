public import OrdreconCore

extension RefundDispatcher {
    /// How to send.
    public struct Options: Sendable, Equatable {
        /// `<base_url>/refunds`.
        public var url: String
        /// Attempts per refund in one pass; then it is left for a later pass.
        public var maxAttempts: Int
        public var backoff: Backoff
        /// Requests in flight at once.
        public var concurrency: Int
        /// Requests started in any window of ``rateWindowMilliseconds``; 0 = no limit.
        public var maxRequestsPerSecond: Int
        public var rateWindowMilliseconds: Int64
        /// A refund not accepted this long after it was recorded (or queued again) becomes failed.
        public var giveUpAfterMilliseconds: Int64
        public var breaker: CircuitBreaker.Settings
        /// Refunds read from the store at a time.
        public var pageSize: Int

        public init(
            url: String, maxAttempts: Int, backoff: Backoff, concurrency: Int = 1, maxRequestsPerSecond: Int = 0,
            rateWindowMilliseconds: Int64 = RequestRateLimiter.defaultWindowMilliseconds,
            giveUpAfterMilliseconds: Int64 = 72 * 3_600_000,
            breaker: CircuitBreaker.Settings = CircuitBreaker.Settings(),
            pageSize: Int = 500
        ) {
            self.url = url
            self.maxAttempts = max(1, maxAttempts)
            self.backoff = backoff
            self.concurrency = max(1, concurrency)
            self.maxRequestsPerSecond = max(0, maxRequestsPerSecond)
            self.rateWindowMilliseconds = rateWindowMilliseconds
            self.giveUpAfterMilliseconds = giveUpAfterMilliseconds
            self.breaker = breaker
            self.pageSize = max(1, pageSize)
        }

        /// The options `[gateway]` asks for.
        public init(_ config: GatewayConfig) {
            self.init(
                url: config.baseURL + "/refunds", maxAttempts: config.maxAttempts,
                backoff: Backoff(
                    initialMilliseconds: config.backoffInitialMilliseconds,
                    maxMilliseconds: config.backoffMaxMilliseconds),
                concurrency: config.concurrency, maxRequestsPerSecond: config.maxRequestsPerSecond,
                giveUpAfterMilliseconds: Int64(config.giveUpAfterHours) * 3_600_000)
        }
    }
}
