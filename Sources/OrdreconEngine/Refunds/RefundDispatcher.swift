public import Logging
public import OrdreconCore

/// The transactional-outbox relay: decides which refund to send when, sends it through an HTTP
/// client that only speaks HTTP, and records every attempt and its outcome in the store.
///
/// Exactly once rests on four things. The refund row (with its body) was committed together
/// with the transition that caused it. Every attempt sends that same body with the refund id as
/// `Idempotency-Key` (the store refuses to change either). An attempt is recorded as in flight,
/// and committed, before its request goes out: if ordrecon dies after the gateway acted but
/// before the answer was recorded, the next attempt resends the same key and the gateway
/// answers with its first answer instead of paying again. And a refund is never in flight twice:
/// this dispatcher keeps each refund in one place at a time (waiting, in flight, done), and
/// across dispatchers the store decides: on SQLite one works on a workspace at a time (the
/// workspace lock of `run`, `dispatch`, `watch`); on PostgreSQL every node may dispatch, and
/// ``RefundLedger/recordRefundAttempts(finishing:beginning:runId:at:)`` begins an attempt only
/// for a refund no other connection has in flight (it leaves the others out of its answer).
///
/// Fairness: each refund has its own schedule (`next_attempt_at`, stored), and a pass works on
/// many refunds at once (`[gateway] concurrency`): a refund that keeps failing waits for its
/// next attempt while the others go on, and after `max_attempts` in one pass it is left for a
/// later pass. The pass as a whole stops only for trouble of the whole gateway: a 401 or 403
/// (the gateway refuses ordrecon), or the circuit breaker opening.
///
/// One dispatcher uses one store and one HTTP client from one thread; it keeps its circuit
/// breaker from pass to pass (the daemon's dispatcher lives long).
public final class RefundDispatcher {
    let store: any RefundLedger
    let client: any ConcurrentHTTPClient
    let options: Options
    let token: String?
    let logger: Logger
    let clock: any MonotonicClock
    var random: ErasedRandom
    /// Survives from pass to pass.
    public internal(set) var breaker: CircuitBreaker
    var limiter: RequestRateLimiter
    /// Told the pass's report after each batch of answers (a run's progress line); nil: nobody watches.
    public var onProgress: ((DispatchReport) -> Void)?
    /// Told how many requests are in flight whenever that changes (a metrics gauge).
    public var onInFlight: ((Int) -> Void)?

    /// - Parameters:
    ///   - client: sends the requests (libcurl in production, anything that speaks HTTP in tests).
    ///   - token: the bearer token, sent as `Authorization: Bearer …`; never logged.
    ///   - clock: time for records and schedules (its wall time), the rate limit and the circuit
    ///     breaker (its monotonic time), and the waits while no request is in flight.
    ///   - random: the source of backoff jitter.
    public init(
        store: any RefundLedger, client: any ConcurrentHTTPClient, options: Options, token: String?, logger: Logger,
        clock: any MonotonicClock = SystemClock(), random: any RandomNumberGenerator = SystemRandomNumberGenerator()
    ) {
        self.store = store
        self.client = client
        self.options = options
        self.token = token
        self.logger = logger
        self.clock = clock
        self.random = ErasedRandom(base: random)
        self.breaker = CircuitBreaker(settings: options.breaker)
        self.limiter = RequestRateLimiter(
            limit: options.maxRequestsPerSecond, windowMilliseconds: options.rateWindowMilliseconds)
    }

    /// The most bytes of a gateway's message (or a transport error) kept in an attempt record,
    /// the refund's last error and the log.
    static let messageLimit = 1024
    /// The longest wait for answers before looking at `shouldStop` again.
    static let pollMilliseconds = 50

    /// The clock's monotonic time in whole milliseconds (the rate limit, the circuit breaker).
    var monotonicMilliseconds: Int64 { Int64((clock.now * 1000).rounded()) }

    /// Sends every refund that is due, each on its own schedule, until none is left for this
    /// pass, the gateway as a whole cannot take more, or `shouldStop` says so.
    /// - Parameters:
    ///   - runId: the run the attempts belong to (recorded with each attempt).
    ///   - shouldStop: asked at least every 50 ms; true ends the pass at once (SIGTERM, a daemon
    ///     shutting down): requests in flight are cancelled and their attempts recorded as
    ///     interrupted, so the next pass sends the same keys again.
    /// - Throws: ``StoreError`` when the store fails (what was recorded stays recorded; requests
    ///   in flight are cancelled and stay `in_flight` in the store, which the next attempt
    ///   marks interrupted).
    public func dispatch(runId: Int64?, shouldStop: () -> Bool = { false }) throws(StoreError) -> DispatchReport {
        let started = monotonicMilliseconds
        var pass = Pass(runId: runId)
        do {
            try run(&pass, shouldStop: shouldStop)
        } catch {
            _ = client.abortAll()
            onInFlight?(0)
            throw error
        }
        var report = pass.report
        report.pendingLeft = try store.refundCounts()[.pending] ?? 0
        report.seconds = Double(monotonicMilliseconds - started) / 1000
        if report.attempts > 0 || report.pendingLeft > 0 {
            let level: Logger.Level = report.gatewayUnavailable ? .warning : .info
            var metadata: Logger.Metadata = runId.map { ["run.id": "\($0)"] } ?? [:]
            metadata["circuit"] = "\(breaker.state.name)"
            logger.log(level: level, "\(report.line)", metadata: metadata)
        }
        return report
    }

    // MARK: - One pass

    /// A refund's place in this pass.
    struct Flight {
        var refund: DueRefund
        var attempt: Int
        var probe: Bool
    }

    /// A refund waiting in this pass for its next attempt.
    struct Waiting {
        var due: Int64
        var refund: DueRefund
    }

    /// Why the pass stops starting requests.
    enum Stop {
        case stopped
        case refusedAccess
        case circuitOpen
    }

    struct Pass {
        var runId: Int64?
        var report = DispatchReport()
        /// Refunds read from the store, not yet tried in this pass, and where the walk stands.
        var fresh: [DueRefund] = []
        var freshIndex = 0
        var cursor: DueRefundCursor?
        var storeExhausted = false
        /// Refunds waiting for their next attempt in this pass, soonest first.
        var waiting: [Waiting] = []
        /// Requests in flight, by tag; and the refunds they carry.
        var flights: [Int: Flight] = [:]
        var inFlightIds: Set<String> = []
        var nextTag = 0
        /// Attempts per refund in this pass.
        var tries: [String: Int] = [:]
        var stop: Stop?
        /// Outcomes decided but not committed yet, and the retries they schedule: committed
        /// together with the next attempts that begin (one commit per turn of the loop).
        var finishes: [RefundAttemptFinish] = []
        var retries: [Waiting] = []

        init(runId: Int64?) { self.runId = runId }
    }

    /// Why ``fill(_:)`` started no more requests.
    enum Blocked {
        /// As many in flight as the concurrency allows, or the half-open breaker's probe is out.
        case busy
        /// The rate limit lets the next request go at this time (monotonic milliseconds).
        case rateLimited(until: Int64)
        /// Nothing is due now: what is left waits for its next attempt (or nothing is left).
        case nothingDue
        /// The pass starts nothing more.
        case stopped
    }

    private func run(_ pass: inout Pass, shouldStop: () -> Bool) throws(StoreError) {
        if case .denied(let until?) = breaker.permit(now: monotonicMilliseconds) {
            pass.stop = .circuitOpen
            pass.report.gatewayUnavailable = true
            pass.report.lastProblem =
                "the circuit breaker is open after gateway-wide trouble (\(breaker.lastTrouble ?? "unknown"));"
                + " next probe in \(max(0, until - monotonicMilliseconds) / 1000) s"
            return
        }
        while true {
            if shouldStop() {
                try commit(&pass)
                try abort(&pass)
                return
            }
            let blocked = try fill(&pass)
            // When something can start again without an answer arriving (monotonic ms), if ever.
            var wake: Int64?
            switch blocked {
            case .busy, .stopped: wake = nil
            case .rateLimited(let until): wake = until
            case .nothingDue:
                if let first = pass.waiting.first {
                    wake = monotonicMilliseconds + max(0, first.due - clock.wallTime.milliseconds)
                }
            }
            if pass.flights.isEmpty {
                // Full of refunds that were no longer pending when their attempts were to begin.
                if case .busy = blocked { continue }
                guard let wake else {  // stopped, or nothing left for this pass
                    try commit(&pass)
                    return
                }
                let wait = Int(max(0, wake - monotonicMilliseconds))
                if wait > 0 {
                    clock.wait(
                        until: clock.now + Double(wait) / 1000, every: Double(Self.pollMilliseconds) / 1000,
                        shouldStop: shouldStop)
                }
                continue
            }
            var timeout = Self.pollMilliseconds
            if let wake { timeout = Int(min(Int64(timeout), max(0, wake - monotonicMilliseconds))) }
            let completions = client.waitForCompletions(timeoutMilliseconds: timeout)
            if !completions.isEmpty {
                finish(completions, &pass)
                onInFlight?(pass.flights.count)
                onProgress?(pass.report)
            }
        }
    }

    /// Starts as many requests as the concurrency, the rate limit and the breaker allow, their
    /// attempts recorded in one commit first.
    private func fill(_ pass: inout Pass) throws(StoreError) -> Blocked {
        var batch: [(refund: DueRefund, probe: Bool)] = []
        var blocked = Blocked.busy
        filling: while true {
            if pass.stop != nil {
                blocked = .stopped
                break
            }
            if pass.flights.count + batch.count >= options.concurrency {
                blocked = .busy
                break
            }
            let monotonic = monotonicMilliseconds
            var probe = false
            switch breaker.permit(now: monotonic) {
            case .allowed:
                break
            case .probe:
                // The probe goes alone: nothing else until its answer.
                if !batch.isEmpty || !pass.flights.isEmpty {
                    blocked = .busy
                    break filling
                }
                probe = true
            case .denied(let until):
                if until != nil {
                    pass.stop = .circuitOpen
                    pass.report.gatewayUnavailable = true
                    blocked = .stopped
                } else {
                    blocked = .busy
                }
                break filling
            }
            let slot = limiter.nextStart(now: monotonic)
            if slot > monotonic {
                blocked = .rateLimited(until: slot)
                break
            }
            guard let refund = try nextCandidate(&pass) else {
                blocked = .nothingDue
                break
            }
            limiter.record(now: monotonic)
            batch.append((refund, probe))
            if probe {
                breaker.begin(probe: refund.refundId)
                blocked = .busy
                break
            }
        }
        // The outcomes that came, and these attempts, recorded and committed together, before
        // any of these requests goes out (and before any retry of those outcomes may).
        let numbers = try commit(&pass, beginning: batch.map(\.refund.refundId))
        guard !batch.isEmpty else { return blocked }
        for (refund, probe) in batch {
            guard let attempt = numbers[refund.refundId] else {  // no longer pending
                if probe { breaker.cancel(probe: refund.refundId) }
                continue
            }
            let tag = pass.nextTag
            pass.nextTag += 1
            pass.tries[refund.refundId, default: 0] += 1
            precondition(pass.inFlightIds.insert(refund.refundId).inserted, "refund \(refund.refundId) in flight twice")
            let flight = Flight(refund: refund, attempt: attempt, probe: probe)
            pass.flights[tag] = flight
            do {
                try client.start(request(for: refund), tag: tag)
            } catch {
                // It never left: the request could not even be set up (a token with a line break, say).
                pass.flights[tag] = nil
                pass.inFlightIds.remove(refund.refundId)
                let failure = TransportFailure(kind: .other, code: error.curlCode, message: error.message)
                decide([(flight, .transportFailed(failure), error.seconds)], &pass)
                try commit(&pass)
            }
        }
        onInFlight?(pass.flights.count)
        return blocked
    }

    /// The next refund to try: a waiting one whose time has come, else the next due one from the store.
    private func nextCandidate(_ pass: inout Pass) throws(StoreError) -> DueRefund? {
        let now = clock.wallTime.milliseconds
        if let first = pass.waiting.first, first.due <= now {
            pass.waiting.removeFirst()
            return first.refund
        }
        while true {
            if pass.freshIndex < pass.fresh.count {
                let refund = pass.fresh[pass.freshIndex]
                pass.freshIndex += 1
                // Tried already in this pass (waiting, in flight or done): never twice at once.
                if pass.tries[refund.refundId] != nil || pass.inFlightIds.contains(refund.refundId) { continue }
                return refund
            }
            guard !pass.storeExhausted else { return nil }
            pass.fresh = try store.dueRefunds(
                at: Timestamp(milliseconds: now), after: pass.cursor, limit: options.pageSize)
            pass.freshIndex = 0
            if let last = pass.fresh.last { pass.cursor = DueRefundCursor(last) }
            if pass.fresh.count < options.pageSize { pass.storeExhausted = true }
            if pass.fresh.isEmpty { return nil }
        }
    }

    /// The request for a refund: always the same URL, key and body.
    private func request(for refund: DueRefund) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("Accept", "application/json"), ("Idempotency-Key", refund.refundId),
        ]
        if let token { headers.append(("Authorization", "Bearer " + token)) }
        return HTTPRequest(url: options.url, headers: headers, body: Array(refund.body.utf8))
    }

    /// Cancels what is in flight (SIGTERM): each attempt is recorded as interrupted.
    private func abort(_ pass: inout Pass) throws(StoreError) {
        pass.report.interrupted = true
        let aborted = client.abortAll()
        guard !aborted.isEmpty else { return }
        var results: [(Flight, AttemptResult, Double)] = []
        for completion in aborted {
            guard let flight = pass.flights.removeValue(forKey: completion.tag) else { continue }
            pass.inFlightIds.remove(flight.refund.refundId)
            results.append((flight, Self.attemptResult(completion.result), completion.seconds))
        }
        decide(results, &pass)
        try commit(&pass)
        onInFlight?(0)
        logger.notice(
            "\(results.count) refund request\(results.count == 1 ? "" : "s") abandoned on request; they stay pending and go again with the same key"
        )
    }

    /// Takes the answers that came (recorded by the next commit).
    private func finish(_ completions: [HTTPCompletion], _ pass: inout Pass) {
        var results: [(Flight, AttemptResult, Double)] = []
        for completion in completions {
            guard let flight = pass.flights.removeValue(forKey: completion.tag) else { continue }
            pass.inFlightIds.remove(flight.refund.refundId)
            results.append((flight, Self.attemptResult(completion.result), completion.seconds))
        }
        decide(results, &pass)
    }

    /// Records, in one commit, the outcomes decided so far and the beginning of attempts of
    /// `refundIds`; then lets the retries of those outcomes wait for their turn.
    /// - Returns: the attempt number of each refund begun (those no longer pending are left out).
    @discardableResult
    private func commit(_ pass: inout Pass, beginning refundIds: [String] = []) throws(StoreError) -> [String: Int] {
        guard !pass.finishes.isEmpty || !refundIds.isEmpty else { return [:] }
        let numbers = try store.recordRefundAttempts(
            finishing: pass.finishes, beginning: refundIds, runId: pass.runId, at: clock.wallTime)
        pass.finishes.removeAll(keepingCapacity: true)
        for retry in pass.retries {
            let index = pass.waiting.partitioningIndex { $0.due > retry.due }
            pass.waiting.insert(retry, at: index)
        }
        pass.retries.removeAll(keepingCapacity: true)
        return numbers
    }
}
