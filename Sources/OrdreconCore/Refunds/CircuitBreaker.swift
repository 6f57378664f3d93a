/// A gateway-wide circuit breaker: it stops sending when the gateway as a whole is in trouble,
/// and never because of one refund.
///
/// - Closed: requests go out. It opens after ``Settings/downThreshold`` results in a row that
///   are trouble of the whole gateway (no connection, name not resolved, TLS failed; one 401
///   or 403 is enough), or after ``Settings/failureThreshold`` failures in a row (5xx, timeout,
///   broken connection) that came from at least ``Settings/distinctRefunds`` different refunds:
///   one refund answered 503 forever never opens it. Any sensible answer (2xx, 409, another
///   4xx) resets the counts; 408, 425, 429 and interruptions change nothing.
/// - Open: no request goes out until the cool-down ends (``Settings/coolDownMilliseconds``,
///   doubled each time a probe fails, up to ``Settings/maxCoolDownMilliseconds``).
/// - Half-open: one request, the probe, goes out; its success closes the breaker, its failure
///   opens it again, a neutral answer lets another probe go.
///
/// Pure: times are milliseconds of a monotonic clock given by the caller, so it is tested with
/// a test clock.
public struct CircuitBreaker: Sendable, Equatable {
    public struct Settings: Sendable, Equatable {
        public var downThreshold: Int
        public var failureThreshold: Int
        public var distinctRefunds: Int
        public var coolDownMilliseconds: Int64
        public var maxCoolDownMilliseconds: Int64

        public init(
            downThreshold: Int = 3, failureThreshold: Int = 10, distinctRefunds: Int = 3,
            coolDownMilliseconds: Int64 = 5_000, maxCoolDownMilliseconds: Int64 = 60_000
        ) {
            self.downThreshold = max(1, downThreshold)
            self.failureThreshold = max(1, failureThreshold)
            self.distinctRefunds = max(1, distinctRefunds)
            self.coolDownMilliseconds = max(0, coolDownMilliseconds)
            self.maxCoolDownMilliseconds = max(self.coolDownMilliseconds, maxCoolDownMilliseconds)
        }
    }

    /// What one result says about the gateway.
    public enum Signal: Sendable, Equatable {
        /// It answered sensibly.
        case healthy
        /// Trouble of the whole gateway whatever the refund (no connection, TLS, 401/403).
        case gatewayDown
        /// A failure that may be one refund's (5xx, timeout, broken connection).
        case failure
        /// Says nothing (429, interrupted).
        case neutral
    }

    public enum State: Sendable, Equatable {
        case closed
        /// Until this time (monotonic milliseconds).
        case open(until: Int64)
        /// The probe is out when `probe` is its refund id.
        case halfOpen(probe: String?)

        /// `closed`, `open` or `half_open`.
        public var name: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half_open"
            }
        }
    }

    /// What the caller may do now.
    public enum Permit: Sendable, Equatable {
        /// Send as many as the other limits allow.
        case allowed
        /// Send exactly this one request as the probe (``begin(probe:)``), nothing else until
        /// its result comes.
        case probe
        /// Send nothing before this time (monotonic milliseconds); nil: wait for the probe's result.
        case denied(until: Int64?)
    }

    public let settings: Settings
    public private(set) var state: State = .closed
    /// Why it opened last (the result that tripped it), for the operator.
    public private(set) var lastTrouble: String?
    private var downInARow = 0
    private var failuresInARow = 0
    private var failingRefunds: Set<String> = []
    /// The first trouble of the current streak of failures.
    private var streakTrouble: String?
    private var coolDown: Int64

    public init(settings: Settings = Settings()) {
        self.settings = settings
        coolDown = settings.coolDownMilliseconds
    }

    public var isOpen: Bool {
        if case .closed = state { return false }
        return true
    }

    /// Whether a request may start at `now`; moves an open breaker whose cool-down ended to half-open.
    public mutating func permit(now: Int64) -> Permit {
        switch state {
        case .closed:
            return .allowed
        case .open(let until):
            guard now >= until else { return .denied(until: until) }
            state = .halfOpen(probe: nil)
            return .probe
        case .halfOpen(let probe):
            return probe == nil ? .probe : .denied(until: nil)
        }
    }

    /// Marks the probe as sent (after ``permit(now:)`` said ``Permit/probe``).
    public mutating func begin(probe refundId: String) {
        if case .halfOpen(nil) = state { state = .halfOpen(probe: refundId) }
    }

    /// Forgets a probe that was not sent after all; the next request may be the probe.
    public mutating func cancel(probe refundId: String) {
        if case .halfOpen(refundId) = state { state = .halfOpen(probe: nil) }
    }

    /// Takes one result. While open, results of requests sent before it opened change nothing;
    /// while half-open, only the probe's result counts.
    /// - Returns: true when this result opened the breaker.
    @discardableResult
    public mutating func record(_ signal: Signal, refundId: String, trouble: String? = nil, now: Int64) -> Bool {
        switch state {
        case .open:
            return false
        case .halfOpen(let probe):
            guard probe == refundId else { return false }
            switch signal {
            case .healthy:
                close()
                return false
            case .gatewayDown, .failure:
                coolDown = min(settings.maxCoolDownMilliseconds, max(1, coolDown) * 2)
                open(now: now, trouble: trouble)
                return true
            case .neutral:
                state = .halfOpen(probe: nil)
                return false
            }
        case .closed:
            switch signal {
            case .healthy:
                downInARow = 0
                failuresInARow = 0
                failingRefunds.removeAll(keepingCapacity: true)
                streakTrouble = nil
                return false
            case .neutral:
                return false
            case .gatewayDown:
                downInARow += 1
                failuresInARow += 1
                failingRefunds.insert(refundId)
            case .failure:
                failuresInARow += 1
                failingRefunds.insert(refundId)
            }
            if streakTrouble == nil { streakTrouble = trouble }
            let down = downInARow >= settings.downThreshold
            let failing =
                failuresInARow >= settings.failureThreshold && failingRefunds.count >= settings.distinctRefunds
            guard down || failing else { return false }
            open(now: now, trouble: streakTrouble ?? trouble)
            return true
        }
    }

    /// Opens at once (a 401 or 403: the gateway refuses ordrecon itself).
    public mutating func trip(now: Int64, trouble: String?) {
        if case .halfOpen = state { coolDown = min(settings.maxCoolDownMilliseconds, max(1, coolDown) * 2) }
        open(now: now, trouble: trouble)
    }

    private mutating func open(now: Int64, trouble: String?) {
        state = .open(until: now + coolDown)
        lastTrouble = trouble ?? lastTrouble
        downInARow = 0
        failuresInARow = 0
        failingRefunds.removeAll(keepingCapacity: true)
        streakTrouble = nil
    }

    private mutating func close() {
        state = .closed
        coolDown = settings.coolDownMilliseconds
        downInARow = 0
        failuresInARow = 0
        failingRefunds.removeAll(keepingCapacity: true)
    }
}

/// At most `limit` request starts in any window of `windowMilliseconds` (a sliding log of the
/// last starts). The window is a little longer than a second (``defaultWindowMilliseconds``):
/// requests reach the gateway with network jitter, so a client that starts exactly `limit` in
/// each second could be counted `limit + 1` in some second by the gateway.
public struct RequestRateLimiter: Sendable, Equatable {
    /// 1 s and 5 %.
    public static let defaultWindowMilliseconds: Int64 = 1050

    /// Starts per window; 0 = no limit.
    public let limit: Int
    public let windowMilliseconds: Int64
    /// The last `limit` start times, oldest first (a ring).
    private var starts: [Int64] = []
    private var oldest = 0

    public init(limit: Int, windowMilliseconds: Int64 = RequestRateLimiter.defaultWindowMilliseconds) {
        self.limit = max(0, limit)
        self.windowMilliseconds = max(1, windowMilliseconds)
        starts.reserveCapacity(min(self.limit, 100_000))
    }

    /// The earliest time at or after `now` when a request may start.
    public func nextStart(now: Int64) -> Int64 {
        guard limit > 0, starts.count == limit else { return now }
        return max(now, starts[oldest] + windowMilliseconds)
    }

    /// Records a start at `now` (call only when ``nextStart(now:)`` is `now` or earlier).
    public mutating func record(now: Int64) {
        guard limit > 0 else { return }
        if starts.count < limit {
            starts.append(now)
        } else {
            starts[oldest] = now
            oldest = (oldest + 1) % limit
        }
    }
}
