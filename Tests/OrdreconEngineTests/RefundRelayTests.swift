import OrdreconCore
import OrdreconEngine
import OrdreconStore
import OrdreconTestSupport
import Testing

/// The refund relay on its own: a real store, a scripted sender in place of the gateway (no
/// network), and a clock that moves itself when the relay waits, so each wait it asks for is
/// seen exactly.
@Suite struct RefundRelayTests {
    static let start = Timestamp(milliseconds: 1_780_000_000_000)

    static func clock() -> TestClock { TestClock(wallTime: start, waits: .advance) }

    /// Every due refund goes once, oldest first, with its id as `Idempotency-Key`, the bearer
    /// token and the body stored with it; an accepted one is recorded sent, and nothing waits.
    @Test func eachRefundGoesOnceWithItsKeyTokenAndStoredBody() throws {
        let h = try RefundHarness(refunds: 4, recordedAt: Self.start)
        let sender = ScriptedHTTPClient { _, _ in .answer(status: 201) }
        let clock = Self.clock()
        let report = try h.dispatcher(client: sender, clock: clock, concurrency: 1).dispatch(runId: 1)

        #expect(report.sent == 4 && report.failed == 0 && report.pendingLeft == 0, "\(report)")
        #expect(sender.requests.map(\.key) == ["RF.O1.C", "RF.O2.C", "RF.O3.C", "RF.O4.C"])
        #expect(
            sender.requests.allSatisfy {
                $0.authorization == "Bearer test-token" && $0.url == "http://gateway.test/refunds"
            })
        let bodies = Dictionary(uniqueKeysWithValues: try h.store.refunds().map { ($0.refundId, $0.body) })
        #expect(sender.requests.allSatisfy { bodies[$0.key ?? ""] == $0.body })
        #expect(try h.attempts("RF.O3.C") == ["sent:201"])
        #expect(try h.status("RF.O3.C") == "sent")
        #expect(clock.waits.isEmpty)
    }

    /// A server error is tried again after the jittered backoff, waited on the clock: the relay
    /// waits exactly what the backoff draws (same seed), and the third attempt is accepted.
    @Test func aServerErrorIsTriedAgainAfterItsBackoffOnTheClock() throws {
        let h = try RefundHarness(refunds: 1, recordedAt: Self.start)
        let sender = ScriptedHTTPClient { _, before in before < 2 ? .answer(status: 503) : .answer(status: 201) }
        let clock = Self.clock()
        let report = try h.dispatcher(
            client: sender, clock: clock, concurrency: 1, backoffInitial: 1000, backoffMax: 8000
        )
        .dispatch(runId: 1)

        #expect(report.sent == 1 && report.pendingLeft == 0, "\(report)")
        #expect(try h.attempts("RF.O1.C") == ["retry:503", "retry:503", "sent:201"])
        var random = SplitMix64(seed: 7)
        let backoff = Backoff(initialMilliseconds: 1000, maxMilliseconds: 8000)
        let drawn = [1, 2].map { backoff.delay(afterAttempt: $0, using: &random) }
        #expect(clock.waits == drawn.filter { $0 > 0 }.map { Double($0) / 1000 }, "drawn \(drawn)")
        #expect(clock.wallTime.milliseconds == Self.start.milliseconds + Int64(drawn.reduce(0, +)))
    }

    /// `Retry-After` is the wait: the relay waits those seconds on the clock, to the millisecond.
    @Test func retryAfterIsWaitedOnTheClock() throws {
        let h = try RefundHarness(refunds: 1, recordedAt: Self.start)
        let sender = ScriptedHTTPClient { _, before in
            before == 0 ? .answer(status: 429, headers: [("Retry-After", "3")]) : .answer(status: 201)
        }
        let clock = Self.clock()
        let report = try h.dispatcher(client: sender, clock: clock, concurrency: 1, backoffMax: 10_000).dispatch(
            runId: 1)

        #expect(report.sent == 1 && report.pendingLeft == 0, "\(report)")
        #expect(clock.waits == [3.0])
        #expect(try h.attempts("RF.O1.C") == ["retry:429", "sent:201"])
    }

    /// A longer `Retry-After` than `backoff_max_ms` is not waited for in the pass: the refund is
    /// left pending, due at the time asked, and nothing waits.
    @Test func aLongRetryAfterLeavesTheRefundForALaterPass() throws {
        let h = try RefundHarness(refunds: 1, recordedAt: Self.start)
        let sender = ScriptedHTTPClient { _, _ in .answer(status: 503, headers: [("Retry-After", "120")]) }
        let clock = Self.clock()
        let report = try h.dispatcher(client: sender, clock: clock, concurrency: 1, backoffMax: 10_000).dispatch(
            runId: 1)

        #expect(report.sent == 0 && report.pendingLeft == 1 && sender.requests.count == 1, "\(report)")
        #expect(clock.waits.isEmpty)
        let next = try #require(try h.store.refunds().first?.nextAttemptAt)
        #expect(next.milliseconds == Self.start.milliseconds + 120_000)
    }

    /// Stopped while a request is in flight (SIGTERM): the request is abandoned, its attempt
    /// recorded as interrupted, the refund stays pending; the next pass sends the same key and body.
    @Test func stoppingMidFlightKeepsTheRefundForTheSameKey() throws {
        let h = try RefundHarness(refunds: 1, recordedAt: Self.start)
        let held = ScriptedHTTPClient { _, _ in .hold }
        let stopped = try h.dispatcher(client: held, clock: Self.clock(), concurrency: 1)
            .dispatch(runId: 1, shouldStop: { held.requests.count > 0 })
        #expect(stopped.interrupted && stopped.sent == 0 && stopped.pendingLeft == 1, "\(stopped)")
        #expect(held.inFlight == 0)
        #expect(try h.status("RF.O1.C") == "pending")
        let interrupted = try h.attempts("RF.O1.C")
        #expect(interrupted.count == 1 && interrupted.first?.hasPrefix("interrupted") == true, "\(interrupted)")

        let answering = ScriptedHTTPClient { _, _ in .answer(status: 201) }
        let resumed = try h.dispatcher(client: answering, clock: Self.clock(), concurrency: 1).dispatch(runId: 2)
        #expect(resumed.sent == 1 && resumed.pendingLeft == 0)
        #expect(answering.requests.map(\.key) == held.requests.map(\.key))
        #expect(answering.requests.first?.body == held.requests.first?.body)
        #expect(try h.attempts("RF.O1.C") == interrupted + ["sent:201"])
    }

    /// A refused connection is trouble of the whole gateway: with concurrency 1 the circuit
    /// breaker opens after the failures in a row, the pass stops, every refund stays pending.
    @Test func refusedConnectionsOpenTheBreakerWithoutANetwork() throws {
        let h = try RefundHarness(refunds: 10, recordedAt: Self.start)
        let sender = ScriptedHTTPClient { _, _ in .failure(.connectionFailed) }
        let dispatcher = try h.dispatcher(client: sender, clock: Self.clock(), concurrency: 1)
        let report = try dispatcher.dispatch(runId: 1)
        #expect(report.gatewayUnavailable && report.pendingLeft == 10 && report.sent == 0, "\(report)")
        #expect(report.attemptsByClass == ["unreachable": report.attempts])
        #expect(report.attempts < 10 && sender.requests.count == report.attempts)
        guard case .open = dispatcher.breaker.state else {
            Issue.record("the breaker must be open, is \(dispatcher.breaker.state)")
            return
        }
    }
}
