import Logging
import OrdreconCore

/// What an answer (or its absence) means for a refund, the pass and the circuit breaker.
extension RefundDispatcher {
    /// Decides what each result means; the outcomes and the retries they schedule wait in the
    /// pass for the next commit.
    func decide(_ results: [(flight: Flight, result: AttemptResult, seconds: Double)], _ pass: inout Pass) {
        guard !results.isEmpty else { return }
        let now = clock.wallTime
        let monotonic = monotonicMilliseconds
        var finishes: [RefundAttemptFinish] = []
        var retries: [Waiting] = []
        for (flight, result, seconds) in results {
            let refund = flight.refund
            // Built only when a line is written (most answers log nothing at the default level).
            func metadata(_ extra: Logger.Metadata) -> Logger.Metadata {
                var metadata: Logger.Metadata = [
                    "refund.id": "\(refund.refundId)", "order.id": "\(refund.orderId)",
                    "amount.paise": "\(refund.amount.paise)",
                    "attempt": "\(flight.attempt)",
                ]
                if let returnId = refund.returnId { metadata["return.id"] = "\(returnId)" }
                return metadata.merging(extra) { $1 }
            }
            let kind = AttemptClass(result)
            pass.report.attempts += 1
            pass.report.attemptSeconds.append(seconds)
            pass.report.attemptsByClass[kind.rawValue, default: 0] += 1
            let facts = Self.facts(of: result)
            let milliseconds = Int((seconds * 1000).rounded())
            func finish(_ message: String?, _ end: RefundAttemptEnd) {
                finishes.append(
                    RefundAttemptFinish(
                        refundId: refund.refundId, attempt: flight.attempt, at: now, durationMilliseconds: milliseconds,
                        httpStatus: facts.status, transport: facts.transport, message: message, end: end))
            }

            if kind == .interrupted {
                let reason =
                    "stopped (SIGTERM or SIGINT) before the gateway answered; the next attempt sends the same key"
                finish(reason, .interrupted(reason: reason))
                breaker.record(.neutral, refundId: refund.refundId, now: monotonic)
                continue
            }
            let decision = Self.bounded(RefundDeliveryPolicy.decide(result, now: now))
            var trouble: String?
            switch decision {
            case .sent(let gatewayId):
                finish(nil, .sent(gatewayRefundId: gatewayId))
                pass.report.sent += 1
                logger.debug(
                    "refund accepted by the gateway",
                    metadata: metadata([
                        "gateway.refund_id": "\(gatewayId ?? "")", "http.status": "\(facts.status ?? 0)",
                    ]))

            case .failed(let reason):
                finish(reason, .failed(reason: reason))
                pass.report.failed += 1
                logger.error(
                    "refund refused by the gateway; a person must look (`ordrecon refunds retry \(refund.refundId)` once it is fixed)",
                    metadata: metadata(["error": "\(reason)"]))

            case .refusedAccess(let reason):
                // Not the refund's fault: it stays pending, due again as soon as the gateway takes ordrecon.
                finish(reason, .retry(reason: reason, notBefore: nil))
                trouble = reason
                pass.report.retriedAttempts += 1
                if !pass.report.refusedAccess { pass.report.lastProblem = reason }
                if !pass.report.refusedAccess {
                    logger.error(
                        "the gateway refuses ordrecon itself (check [gateway] token or ORDRECON_GATEWAY_TOKEN); the pass stops",
                        metadata: metadata(["error": "\(reason)"]))
                }
                pass.report.refusedAccess = true
                pass.report.gatewayUnavailable = true
                pass.stop = .refusedAccess
                breaker.trip(now: monotonic, trouble: reason)

            case .retry(let retryAfter, let reason):
                trouble = reason
                if pass.stop == nil { pass.report.lastProblem = reason }
                let deadline = refund.recordedAt.milliseconds + options.giveUpAfterMilliseconds
                if now.milliseconds >= deadline {
                    let hours = options.giveUpAfterMilliseconds / 3_600_000
                    let why = "not accepted within \(hours) h of being recorded (give_up_after_hours); last: \(reason)"
                    let bounded = BoundedText.prefix(why, maxBytes: Self.messageLimit)
                    finish(bounded, .failed(reason: bounded))
                    pass.report.failed += 1
                    pass.report.gaveUp += 1
                    logger.error(
                        "refund given up: \(why); a person must look (`ordrecon refunds retry \(refund.refundId)`)",
                        metadata: metadata(["error": "\(reason)"]))
                    break
                }
                pass.report.retriedAttempts += 1
                let wait: Int64 =
                    retryAfter ?? Int64(options.backoff.delay(afterAttempt: flight.attempt, using: &random))
                let notBefore = Timestamp(milliseconds: now.milliseconds + wait)
                finish(reason, .retry(reason: reason, notBefore: notBefore))
                let tries = pass.tries[refund.refundId] ?? 1
                if tries < options.maxAttempts, wait <= Int64(options.backoff.maxMilliseconds) {
                    retries.append(Waiting(due: notBefore.milliseconds, refund: refund))
                    logger.debug(
                        "refund attempt not accepted; retrying",
                        metadata: metadata(["error": "\(reason)", "retry.in_ms": "\(wait)"]))
                } else {
                    let why =
                        tries < options.maxAttempts
                        ? "the gateway asked to wait \(wait / 1000) s, longer than backoff_max_ms; \(reason)"
                        : "\(tries) attempt\(tries == 1 ? "" : "s") in this pass failed; last: \(reason)"
                    if pass.stop == nil { pass.report.lastProblem = "a refund left for a later pass: \(why)" }
                    logger.notice(
                        "refund left pending for a later pass: \(why)",
                        metadata: metadata(["error": "\(reason)", "retry.at": "\(notBefore)"]))
                }
            }

            // The circuit breaker hears about the gateway as a whole.
            if case .refusedAccess = decision { continue }
            if breaker.record(kind.health, refundId: refund.refundId, trouble: trouble, now: monotonic) {
                pass.stop = .circuitOpen
                pass.report.gatewayUnavailable = true
                pass.report.lastProblem =
                    "the circuit breaker opened after gateway-wide trouble: \(breaker.lastTrouble ?? trouble ?? kind.rawValue)"
                logger.warning(
                    "the gateway is failing as a whole; no more requests in this pass",
                    metadata: [
                        "error": "\(trouble ?? kind.rawValue)", "circuit": "open",
                    ])
            }
        }
        pass.finishes += finishes
        // Only after the commit may a retry go out.
        pass.retries += retries
    }

    /// The decision with its reason cut to ``messageLimit`` bytes: the reason carries the
    /// gateway's own text, which is stored and logged.
    static func bounded(_ decision: RefundDeliveryPolicy.Decision) -> RefundDeliveryPolicy.Decision {
        switch decision {
        case .sent: decision
        case .retry(let wait, let reason):
            .retry(retryAfterMilliseconds: wait, reason: BoundedText.prefix(reason, maxBytes: messageLimit))
        case .failed(let reason): .failed(reason: BoundedText.prefix(reason, maxBytes: messageLimit))
        case .refusedAccess(let reason): .refusedAccess(reason: BoundedText.prefix(reason, maxBytes: messageLimit))
        }
    }

    /// What an HTTP exchange means as an attempt: the status, `Retry-After` and body, or the
    /// kind of transport failure.
    static func attemptResult(_ result: Result<HTTPResponse, HTTPTransportError>) -> AttemptResult {
        switch result {
        case .success(let response):
            return .answered(
                status: response.status, retryAfter: response.header("retry-after"), body: response.bodyText)
        case .failure(let error):
            let kind: TransportFailure.Kind =
                switch error.kind {
                case .timeout: .timeout
                case .connectionFailed: .connectionFailed
                case .connectionLost: .connectionLost
                case .tls: .tls
                case .aborted: .aborted
                case .other: .other
                }
            return .transportFailed(TransportFailure(kind: kind, code: error.curlCode, message: error.message))
        }
    }

    /// The status or the transport error of a result, as the attempt record keeps them.
    static func facts(of result: AttemptResult) -> (status: Int?, transport: (kind: String, code: Int)?) {
        switch result {
        case .answered(let status, _, _): return (status, nil)
        case .transportFailed(let failure): return (nil, (failure.kind.rawValue, failure.code))
        }
    }
}

/// Lets a generator of any type be passed as `inout some RandomNumberGenerator`.
struct ErasedRandom: RandomNumberGenerator {
    var base: any RandomNumberGenerator
    mutating func next() -> UInt64 { base.next() }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for an array where every element that
    /// satisfies it comes after every element that does not (binary search).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
