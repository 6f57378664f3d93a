import Foundation
import OrdreconCore
import OrdreconEngine
import OrdreconStore
import OrdreconTestSupport
import Testing

/// The relay in process: a real store, libcurl's multi interface, a real HTTP server on
/// 127.0.0.1, and a clock the test moves (no sleeping for backoffs, cool-downs or hours).
@Suite struct RefundDispatcherTests {
    static let start = Timestamp(milliseconds: 1_780_000_000_000)

    static func created(_ status: Int = 201) -> (status: Int, headers: [(name: String, value: String)]) { (status, []) }

    /// One key answered 409 (the gateway still works on it) or 503 for ever: every other refund
    /// is delivered in the same pass, the stuck one is tried `max_attempts` times and left for a
    /// later pass, no key is ever in flight twice, and the circuit breaker stays closed.
    @Test(arguments: [409, 503])
    func oneStuckKeyNeverHoldsUpTheOthers(status: Int) throws {
        let h = try RefundHarness(refunds: 50, recordedAt: Self.start)
        let gateway = try RecordingGateway(delayMilliseconds: 5) { key, _ in
            key == "RF.O7.C" ? (status, []) : Self.created()
        }
        defer { gateway.stop() }
        let clock = TestClock(wallTime: Self.start, waits: .advance)
        let dispatcher = try h.dispatcher(url: gateway.url, clock: clock, concurrency: 8, maxAttempts: 5)

        let report = try dispatcher.dispatch(runId: 1)
        #expect(report.sent == 49 && report.failed == 0 && report.pendingLeft == 1, "\(report)")
        #expect(!report.gatewayUnavailable && dispatcher.breaker.state == .closed)
        #expect(Set(gateway.payments.keys) == Set((1...50).filter { $0 != 7 }.map { "RF.O\($0).C" }))
        #expect(try h.attempts("RF.O7.C") == Array(repeating: "retry:\(status)", count: 5))
        #expect(try h.attempts("RF.O8.C") == ["sent:201"])
        #expect(gateway.requests.count == 49 + 5)
        #expect(gateway.mostAtOnceForOneKey == 1, "a key was in flight twice")
        #expect(gateway.mostInFlight > 1 && gateway.mostInFlight <= 8, "\(gateway.mostInFlight) at once")
        // Its next attempt is stored: a new dispatcher (a restart) waits for it.
        let record = try #require(try h.store.refunds(status: .pending).first)
        let next = try #require(record.nextAttemptAt)
        #expect(next.milliseconds > clock.wallTime.milliseconds - 1)
        #expect(report.line.contains("49 sent, 0 refused by the gateway, 1 pending"))
        #expect(
            report.line.contains(
                "last problem: a refund left for a later pass: 5 attempts in this pass failed; last: HTTP \(status)"))
    }

    /// 401: the gateway refuses ordrecon itself. The pass stops at once (nothing more is sent),
    /// the refund stays pending, the breaker opens; a pass during the cool-down sends nothing;
    /// after it the probe goes alone, and once it is accepted the breaker closes and the rest go.
    @Test func unauthorizedStopsThePassAndTheBreakerProbesAfterTheCoolDown() throws {
        let h = try RefundHarness(refunds: 10, recordedAt: Self.start)
        let gateway = try RecordingGateway { _, _ in (401, []) }
        defer { gateway.stop() }
        let clock = TestClock(wallTime: Self.start, waits: .advance)
        let dispatcher = try h.dispatcher(url: gateway.url, clock: clock, concurrency: 1)

        let first = try dispatcher.dispatch(runId: 1)
        #expect(first.refusedAccess && first.gatewayUnavailable && first.sent == 0 && first.pendingLeft == 10)
        #expect(gateway.requests.count == 1)
        #expect(gateway.requests.first?.authorization == "Bearer test-token")
        #expect(try h.attempts("RF.O1.C") == ["retry:401"])
        #expect(try h.status("RF.O1.C") == "pending")
        guard case .open = dispatcher.breaker.state else {
            Issue.record("the breaker must be open, is \(dispatcher.breaker.state)")
            return
        }

        gateway.answer { _, _ in Self.created() }
        clock.advance(milliseconds: 4_000)
        let cooling = try dispatcher.dispatch(runId: 2)
        #expect(cooling.gatewayUnavailable && cooling.attempts == 0 && gateway.requests.count == 1)

        clock.advance(milliseconds: 1_001)
        let probing = try dispatcher.dispatch(runId: 3)
        #expect(probing.sent == 10 && probing.pendingLeft == 0 && !probing.gatewayUnavailable, "\(probing)")
        #expect(dispatcher.breaker.state == .closed)
        #expect(gateway.payments.count == 10 && gateway.requests.count == 11)
        #expect(try h.attempts("RF.O1.C") == ["retry:401", "sent:201"])
        #expect(
            try h.store.totals(fileBounds: [], gatewayBounds: []).refundAttempts == ["unauthorized": 1, "accepted": 10])
    }

    /// Connections refused: trouble of the whole gateway. With concurrency 4 the breaker opens
    /// after three such failures in a row and the pass stops; nothing was lost and every refund
    /// is still pending for a later pass.
    @Test func refusedConnectionsOpenTheBreaker() throws {
        let h = try RefundHarness(refunds: 20, recordedAt: Self.start)
        let clock = TestClock(wallTime: Self.start, waits: .advance)
        let dispatcher = try h.dispatcher(
            url: "http://127.0.0.1:\(TestWorkspace.closedPort)", clock: clock, concurrency: 4)
        let report = try dispatcher.dispatch(runId: 1)
        #expect(report.gatewayUnavailable && !report.refusedAccess && report.pendingLeft == 20)
        #expect(report.attemptsByClass == ["unreachable": report.attempts])
        #expect(
            try h.store.totals(fileBounds: [], gatewayBounds: []).refundAttempts == ["unreachable": report.attempts])
        #expect((3...6).contains(report.attempts), "\(report.attempts) attempts")
        #expect(report.lastProblem?.contains("circuit breaker opened") == true)
        guard case .open = dispatcher.breaker.state else {
            Issue.record("the breaker must be open, is \(dispatcher.breaker.state)")
            return
        }
    }

    /// Any other 4xx: that refund is failed (a person must look), the others go on.
    @Test func otherClientErrorsFailOnlyThatRefund() throws {
        let h = try RefundHarness(refunds: 6, recordedAt: Self.start)
        let gateway = try RecordingGateway { key, _ in key == "RF.O2.C" ? (422, []) : Self.created() }
        defer { gateway.stop() }
        let report = try h.dispatcher(url: gateway.url, clock: TestClock(wallTime: Self.start, waits: .advance))
            .dispatch(runId: 1)
        #expect(report.sent == 5 && report.failed == 1 && report.pendingLeft == 0)
        #expect(try h.attempts("RF.O2.C") == ["failed:422"])
        #expect(try h.status("RF.O2.C") == "failed")
        #expect(report.attemptsByClass == ["accepted": 5, "refused": 1])
        // The textfile's totals count the same classes from the attempt records.
        #expect(try h.store.totals(fileBounds: [], gatewayBounds: []).refundAttempts == ["accepted": 5, "refused": 1])
    }

    /// `give_up_after_hours`: a refund still not accepted when an attempt ends after its deadline
    /// becomes failed; before the deadline it stays pending; queued again by a person, it has a
    /// new deadline.
    @Test func giveUpAfterHoursWithATestClock() throws {
        let h = try RefundHarness(refunds: 2, recordedAt: Self.start)
        let gateway = try RecordingGateway { key, _ in key == "RF.O1.C" ? (503, []) : Self.created() }
        defer { gateway.stop() }
        let clock = TestClock(wallTime: Self.start, waits: .advance)
        clock.advance(milliseconds: 71 * 3_600_000)
        let early = try h.dispatcher(url: gateway.url, clock: clock, maxAttempts: 1, giveUpHours: 72).dispatch(runId: 1)
        #expect(early.sent == 1 && early.failed == 0 && early.gaveUp == 0 && early.pendingLeft == 1)
        #expect(try h.status("RF.O1.C") == "pending")

        clock.advance(milliseconds: 3_600_000)  // 72 h after it was recorded
        let late = try h.dispatcher(url: gateway.url, clock: clock, maxAttempts: 1, giveUpHours: 72).dispatch(runId: 2)
        #expect(late.failed == 1 && late.gaveUp == 1 && late.pendingLeft == 0)
        let record = try #require(try h.store.refunds().first { $0.refundId == "RF.O1.C" })
        #expect(record.status == .failed)
        #expect(
            record.lastError?.hasPrefix(
                "not accepted within 72 h of being recorded (give_up_after_hours); last: HTTP 503") == true)
        #expect(try h.attempts("RF.O1.C") == ["retry:503", "failed:503"])

        // `ordrecon refunds retry`: a new window of 72 h from now.
        #expect(try h.store.requeueFailedRefund("RF.O1.C", at: clock.wallTime) == .requeued)
        clock.advance(milliseconds: 1000)
        let again = try h.dispatcher(url: gateway.url, clock: clock, maxAttempts: 1, giveUpHours: 72).dispatch(runId: 3)
        #expect(again.gaveUp == 0 && again.pendingLeft == 1)
        #expect(try h.status("RF.O1.C") == "pending")
    }

    /// Each refund's schedule is stored: a `Retry-After` of an hour is kept as its next attempt,
    /// and a new dispatcher (a restart) respects it, then sends it when it is due.
    @Test func theScheduleSurvivesARestart() throws {
        let h = try RefundHarness(refunds: 1, recordedAt: Self.start)
        let gateway = try RecordingGateway { _, before in
            before == 0 ? (503, [("Retry-After", "3600")]) : Self.created()
        }
        defer { gateway.stop() }
        let clock = TestClock(wallTime: Self.start, waits: .advance)
        let first = try h.dispatcher(url: gateway.url, clock: clock).dispatch(runId: 1)
        #expect(first.pendingLeft == 1 && first.attempts == 1)
        let next = try #require(try h.store.refunds().first?.nextAttemptAt)
        #expect(next.milliseconds == Self.start.milliseconds + 3_600_000)

        clock.advance(milliseconds: 600_000)
        let notYet = try h.dispatcher(url: gateway.url, clock: clock).dispatch(runId: 2)
        #expect(notYet.attempts == 0 && notYet.pendingLeft == 1 && gateway.requests.count == 1)

        clock.advance(milliseconds: 3_000_000)
        let due = try h.dispatcher(url: gateway.url, clock: clock).dispatch(runId: 3)
        #expect(due.sent == 1 && due.pendingLeft == 0)
        #expect(try h.attempts("RF.O1.C") == ["retry:503", "sent:201"])
    }

    /// Several requests in flight, never more than `concurrency`, over kept-alive connections
    /// (no more connections than requests at once), oldest refunds first.
    @Test func concurrencyIsHonouredOverKeptAliveConnections() throws {
        let h = try RefundHarness(refunds: 40, recordedAt: Self.start)
        let gateway = try RecordingGateway(delayMilliseconds: 100) { _, _ in Self.created() }
        defer { gateway.stop() }
        let report = try h.dispatcher(
            url: gateway.url, clock: TestClock(wallTime: Self.start, waits: .advance), concurrency: 4
        ).dispatch(runId: 1)
        #expect(report.sent == 40)
        #expect(gateway.mostInFlight == 4)
        let connections = Set(gateway.requests.map(\.remote))
        #expect(connections.count <= 4, "\(connections.count) connections for 40 requests")
        // The first four to arrive (requests are listed as they end, which on a busy machine need
        // not be the order they came in; a fifth can only come once one of them has ended, 100 ms on).
        let arrived = gateway.requests.sorted { $0.arrival < $1.arrival }
        #expect(
            Set(arrived.prefix(4).map(\.key)) == ["RF.O1.C", "RF.O2.C", "RF.O3.C", "RF.O4.C"],
            "\(arrived.prefix(6).map(\.key))")
        // Every request for a key carried the stored body.
        let bodies = Dictionary(uniqueKeysWithValues: try h.store.refunds().map { ($0.refundId, $0.body) })
        #expect(gateway.requests.allSatisfy { bodies[$0.key] == $0.body })
    }

    /// 5xx across many different refunds is trouble of the whole gateway: the breaker opens and
    /// the pass stops before every refund was tried.
    @Test func serverErrorsAcrossManyRefundsOpenTheBreaker() throws {
        let h = try RefundHarness(refunds: 60, recordedAt: Self.start)
        let gateway = try RecordingGateway { _, _ in (503, []) }
        defer { gateway.stop() }
        let dispatcher = try h.dispatcher(
            url: gateway.url, clock: TestClock(wallTime: Self.start, waits: .advance), concurrency: 2)
        let report = try dispatcher.dispatch(runId: 1)
        #expect(report.gatewayUnavailable && report.pendingLeft == 60)
        #expect(report.attempts >= 10 && report.attempts < 60, "\(report.attempts) attempts")
        #expect(Set(gateway.requests.map(\.key)).count >= 3)
        guard case .open = dispatcher.breaker.state else {
            Issue.record("the breaker must be open, is \(dispatcher.breaker.state)")
            return
        }
    }
}
