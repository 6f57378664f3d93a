/// What the store holds, counted for metrics: totals since the database was created.
///
/// Every number comes from rows that ordrecon never deletes (files, audit records, documents,
/// refund attempts, runs), so each only grows, and a run that crashed is counted as far as it
/// committed: the next count includes it, and nothing is counted twice.
public struct StoreTotals: Sendable, Equatable {
    /// Observations sorted into buckets, like a Prometheus histogram.
    public struct Histogram: Sendable, Equatable {
        /// Upper bounds in milliseconds, ascending (the `+Inf` bucket is ``count``).
        public var bounds: [Double]
        /// Observations at or below each bound (cumulative, as exposed).
        public var cumulativeCounts: [Int]
        public var count: Int
        /// The sum of the observations, in milliseconds.
        public var sumMilliseconds: Int64

        public init(bounds: [Double]) {
            self.bounds = bounds
            self.cumulativeCounts = Array(repeating: 0, count: bounds.count)
            self.count = 0
            self.sumMilliseconds = 0
        }
    }

    /// One feed's files and events.
    public struct Feed: Sendable, Equatable {
        public var applied = 0
        public var duplicate = 0
        public var rejected = 0
        /// Files finished (archived).
        public var processedFiles = 0
        /// Files refused as a whole (moved to `failed/`).
        public var refusedFiles = 0
        /// Finished files that an earlier run had begun.
        public var resumedFiles = 0
        /// Bytes of finished files.
        public var bytes = 0
        /// Time spent on each finished file.
        public var fileSeconds: Histogram

        public init(bounds: [Double]) {
            fileSeconds = Histogram(bounds: bounds)
        }
    }

    /// Per feed name.
    public var feeds: [String: Feed] = [:]
    /// Rejections per feed, then per reason code (each rejected event, and each file refused as a whole).
    public var rejections: [String: [String: Int]] = [:]
    /// Documents whose PDF was written: `invoice`, `credit_note`.
    public var documentsRendered: [String: Int] = [:]
    /// Documents still without a PDF: `invoice`, `credit_note`.
    public var documentsUnrendered: [String: Int] = [:]
    /// Invoices that lack something (``InvoiceCompleteness``).
    public var incompleteInvoices = 0
    /// Finished refund requests by their result: `sent`, `refused` (the gateway said no; a person
    /// must look) and `retried` (tried again later).
    public var refundRequests: [String: Int] = [:]
    /// Finished refund requests by class of outcome (the raw values of `AttemptClass`: accepted,
    /// conflict, throttled, server_error, unauthorized, refused, no_answer, unreachable, interrupted).
    public var refundAttempts: [String: Int] = [:]
    /// The time each finished refund request took.
    public var gatewaySeconds: Histogram
    /// Runs of one command (`ordrecon run`), whatever their result.
    public var runs = 0

    public init(gatewayBounds: [Double]) {
        gatewaySeconds = Histogram(bounds: gatewayBounds)
    }
}
