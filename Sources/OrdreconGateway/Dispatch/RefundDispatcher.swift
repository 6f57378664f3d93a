#if canImport(Glibc)
import Glibc
#endif
public import Logging
public import OrdreconCore
public import OrdreconStore

/// The transactional-outbox relay: sends pending refunds to the gateway, oldest first, and
/// records every attempt and the outcome in the store.
///
/// Exactly once rests on three things. The refund row (with its body) was committed together
/// with the transition that caused it. Every attempt sends that same body with the refund id as
/// `Idempotency-Key` (the store refuses to change either). And an attempt is recorded as in
/// flight, and committed, before the request goes out: if ordrecon dies after the gateway acted
/// but before the answer was recorded, the next attempt resends the same key, and the gateway
/// answers with its first answer instead of paying again.
///
/// One dispatcher uses one store and one sender from one thread.
public final class RefundDispatcher {
    /// How hard to try.
    public struct Options: Sendable, Equatable {
        /// Attempts per refund in one pass; then it is left pending and the pass ends.
        public var maxAttempts: Int
        public var backoff: Backoff
        /// Refunds read from the store at a time.
        public var pageSize: Int

        public init(maxAttempts: Int, backoff: Backoff, pageSize: Int = 200) {
            self.maxAttempts = max(1, maxAttempts)
            self.backoff = backoff
            self.pageSize = max(1, pageSize)
        }

        /// The options `[gateway]` asks for.
        public init(_ config: GatewayConfig) {
            self.init(
                maxAttempts: config.maxAttempts,
                backoff: Backoff(
                    initialMilliseconds: config.backoffInitialMilliseconds, maxMilliseconds: config.backoffMaxMilliseconds))
        }
    }

    let store: Store
    let sender: any RefundSender
    let options: Options
    let logger: Logger
    let now: @Sendable () -> Timestamp
    let sleep: (Int) -> Void
    var random: ErasedRandom
    /// Told the pass's report after each refund's turn (a run's progress line); nil: nobody watches.
    public var onProgress: ((DispatchReport) -> Void)?

    /// - Parameters:
    ///   - now: the clock (for records and `Retry-After` dates).
    ///   - sleep: waits the given milliseconds between attempts (tests and the daemon inject their own).
    ///   - random: the source of backoff jitter.
    public init(
        store: Store, sender: any RefundSender, options: Options, logger: Logger,
        now: @escaping @Sendable () -> Timestamp, sleep: @escaping (Int) -> Void = RefundDispatcher.sleepThread(milliseconds:),
        random: any RandomNumberGenerator = SystemRandomNumberGenerator()
    ) {
        self.store = store
        self.sender = sender
        self.options = options
        self.logger = logger
        self.now = now
        self.sleep = sleep
        self.random = ErasedRandom(base: random)
    }

    /// A dispatcher sending with libcurl to `[gateway]`, the token taken from `environment`
    /// (``GatewayConfig/tokenEnvironmentVariable``) or the configuration.
    /// - Throws: ``HTTPTransportError`` when libcurl cannot make a handle.
    public convenience init(
        gateway: GatewayConfig, environment: [String: String], store: Store, logger: Logger,
        now: @escaping @Sendable () -> Timestamp, sleep: @escaping (Int) -> Void = RefundDispatcher.sleepThread(milliseconds:)
    ) throws(HTTPTransportError) {
        let sender = try CurlRefundSender(config: gateway, token: gateway.effectiveToken(environment: environment))
        self.init(store: store, sender: sender, options: Options(gateway), logger: logger, now: now, sleep: sleep)
    }

    /// Sleeps the calling thread.
    public static func sleepThread(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    /// How one refund's turn in a pass ended.
    enum Delivery {
        case sent, failed, skipped
        /// Still pending and the pass should stop: the gateway kept failing or asked to wait.
        case gaveUp(String)
        /// Still pending: told to stop while its request was in flight (the attempt is recorded
        /// as interrupted; the next one sends the same key).
        case stopped
    }

    /// The most bytes of a gateway's message (or a transport error) kept in an attempt record,
    /// the refund's last error and the log.
    static let messageLimit = 1024

    /// Sends every refund that is due, once each, until none is left or the gateway cannot take more.
    /// - Parameters:
    ///   - runId: the run the attempts belong to (recorded with each attempt).
    ///   - shouldStop: asked between attempts and while a request is in flight; true ends the pass
    ///     early (SIGTERM, a daemon shutting down): a request in flight is abandoned and its
    ///     attempt recorded as interrupted, so the next pass sends the same key again.
    /// - Throws: ``StoreError`` when the store fails (what was recorded stays recorded).
    public func dispatch(runId: Int64?, shouldStop: () -> Bool = { false }) throws(StoreError) -> DispatchReport {
        let started = Self.monotonicSeconds()
        var report = DispatchReport()
        pass: while true {
            if shouldStop() {
                report.interrupted = true
                break
            }
            let due = try store.dueRefunds(at: now(), limit: options.pageSize)
            if due.isEmpty { break }
            for refund in due {
                if shouldStop() {
                    report.interrupted = true
                    break pass
                }
                defer { onProgress?(report) }
                switch try deliver(refund, runId: runId, report: &report, shouldStop: shouldStop) {
                case .sent: report.sent += 1
                case .failed: report.failed += 1
                case .skipped: continue
                case .gaveUp(let problem):
                    report.gatewayUnavailable = true
                    report.lastProblem = problem
                    break pass
                case .stopped:
                    report.interrupted = true
                    break pass
                }
            }
        }
        report.pendingLeft = try store.refundCounts()["pending"] ?? 0
        report.seconds = Self.monotonicSeconds() - started
        if report.attempts > 0 || report.pendingLeft > 0 {
            let level: Logger.Level = report.gatewayUnavailable ? .warning : .info
            logger.log(level: level, "\(report.line)", metadata: runId.map { ["run.id": "\($0)"] } ?? [:])
        }
        return report
    }

    /// Tries one refund up to `maxAttempts` times.
    func deliver(
        _ refund: DueRefund, runId: Int64?, report: inout DispatchReport, shouldStop: () -> Bool
    ) throws(StoreError) -> Delivery {
        var metadata: Logger.Metadata = [
            "refund.id": "\(refund.refundId)", "order.id": "\(refund.orderId)", "amount.paise": "\(refund.amount.paise)",
        ]
        if let returnId = refund.returnId { metadata["return.id"] = "\(returnId)" }
        var tries = 0
        while true {
            tries += 1
            guard let attempt = try store.beginRefundAttempt(refund.refundId, runId: runId, at: now()) else {
                return .skipped
            }
            metadata["attempt"] = "\(attempt)"
            let (result, seconds) = sender.send(refundId: refund.refundId, body: refund.body, shouldAbort: shouldStop)
            report.attempts += 1
            report.attemptSeconds.append(seconds)
            let facts = Self.facts(of: result)
            let milliseconds = Int((seconds * 1000).rounded())
            if case .transportFailed(let failure) = result, failure.kind == .aborted {
                let reason = "stopped (SIGTERM or SIGINT) before the gateway answered; the next attempt sends the same key"
                try store.finishRefundAttempt(
                    refund.refundId, attempt: attempt, at: now(), durationMilliseconds: milliseconds,
                    httpStatus: nil, transport: facts.transport, message: reason, end: .interrupted(reason: reason))
                logger.notice("refund request abandoned on request; it stays pending", metadata: metadata)
                return .stopped
            }
            let decision = Self.bounded(RefundDeliveryPolicy.decide(result, now: now()))

            switch decision {
            case .sent(let gatewayId):
                try store.finishRefundAttempt(
                    refund.refundId, attempt: attempt, at: now(), durationMilliseconds: milliseconds,
                    httpStatus: facts.status, transport: facts.transport, message: nil, end: .sent(gatewayRefundId: gatewayId))
                metadata["gateway.refund_id"] = "\(gatewayId ?? "")"
                metadata["http.status"] = "\(facts.status ?? 0)"
                // One line per refund at debug; the pass ends with one line at info.
                logger.debug("refund accepted by the gateway", metadata: metadata)
                return .sent

            case .failed(let reason):
                try store.finishRefundAttempt(
                    refund.refundId, attempt: attempt, at: now(), durationMilliseconds: milliseconds,
                    httpStatus: facts.status, transport: facts.transport, message: reason, end: .failed(reason: reason))
                metadata["error"] = "\(reason)"
                logger.error(
                    "refund refused by the gateway; a person must look (`ordrecon refunds retry \(refund.refundId)` once it is fixed)",
                    metadata: metadata)
                return .failed

            case .retry(let retryAfter, let reason):
                report.retriedAttempts += 1
                report.lastProblem = reason
                metadata["error"] = "\(reason)"
                let wait = tries < options.maxAttempts
                    ? options.backoff.wait(afterAttempt: tries, retryAfterMilliseconds: retryAfter, using: &random) : nil
                var notBefore: Timestamp?
                if wait == nil, let retryAfter, retryAfter > 0 {
                    notBefore = Timestamp(milliseconds: now().milliseconds + retryAfter)
                }
                try store.finishRefundAttempt(
                    refund.refundId, attempt: attempt, at: now(), durationMilliseconds: milliseconds,
                    httpStatus: facts.status, transport: facts.transport, message: reason,
                    end: .retry(reason: reason, notBefore: notBefore))
                if wait != nil, shouldStop() {
                    logger.notice("refund left pending: stopping before the next attempt", metadata: metadata)
                    return .stopped
                }
                guard let wait else {
                    let why: String
                    if tries < options.maxAttempts, let retryAfter {
                        why = "the gateway asked to wait \(retryAfter / 1000) s, longer than backoff_max_ms; \(reason)"
                    } else {
                        why = "\(tries) attempt\(tries == 1 ? "" : "s") in a row failed; last: \(reason)"
                    }
                    logger.warning("refund left pending for a later run: \(why)", metadata: metadata)
                    return .gaveUp(why)
                }
                metadata["retry.in_ms"] = "\(wait)"
                logger.notice("refund attempt not accepted; retrying", metadata: metadata)
                metadata["retry.in_ms"] = nil
                sleep(wait)
            }
        }
    }

    /// The decision with its reason cut to ``messageLimit`` bytes: the reason carries the
    /// gateway's own text, which is stored and logged.
    static func bounded(_ decision: RefundDeliveryPolicy.Decision) -> RefundDeliveryPolicy.Decision {
        switch decision {
        case .sent: decision
        case .retry(let wait, let reason): .retry(retryAfterMilliseconds: wait, reason: BoundedText.prefix(reason, maxBytes: messageLimit))
        case .failed(let reason): .failed(reason: BoundedText.prefix(reason, maxBytes: messageLimit))
        }
    }

    /// The status or the transport error of a result, as the attempt record keeps them.
    static func facts(of result: AttemptResult) -> (status: Int?, transport: (kind: String, code: Int)?) {
        switch result {
        case .answered(let status, _, _): return (status, nil)
        case .transportFailed(let failure): return (nil, (failure.kind.rawValue, failure.code))
        }
    }

    static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// Lets a generator of any type be passed as `inout some RandomNumberGenerator`.
struct ErasedRandom: RandomNumberGenerator {
    var base: any RandomNumberGenerator
    mutating func next() -> UInt64 { base.next() }
}
