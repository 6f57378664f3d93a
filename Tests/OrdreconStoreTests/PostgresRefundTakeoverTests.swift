import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What happens to a refund's attempt when its node dies, fails, or sends it again, with other
/// nodes on the same PostgreSQL database; and the refund ledger's counts there.
@Suite struct PostgresRefundTakeoverTests {
    let claims = PostgresRefundClaimTests()
    func t(_ ms: Int64) -> Timestamp { Timestamp(milliseconds: ms) }

    /// Asks `begin` again until it gives a number (the server ends a closed session shortly after
    /// the client left, and only then releases its locks), for at most 10 s.
    func eventually(_ begin: () throws -> Int?) throws -> Int? {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let number = try begin() { return number }
            usleep(20_000)
        }
        return nil
    }

    @Test func anAttemptOfADeadNodeIsInterruptedAndTakenOverWithTheSameKey() throws {
        let database = try claims.seeded(1)
        var first: (any StateStore)? = try database.open()
        let other = try database.open()
        #expect(try first?.beginRefundAttempt("RF.0001", runId: 1, at: t(10)) == 1)
        // While the first node lives, the other neither begins nor interrupts its attempt.
        #expect(try other.dueRefunds(at: t(20), limit: 5).map(\.refundId) == ["RF.0001"])
        for step in 0..<5 { #expect(try other.beginRefundAttempt("RF.0001", runId: 2, at: t(20 + Int64(step))) == nil) }
        #expect(try other.refundAttempts("RF.0001").map(\.outcome) == ["in_flight"])
        #expect(try other.refunds().first?.attempts == 1)

        first = nil  // the node dies: libpq closes its session, the server releases its locks
        #expect(try eventually { try other.beginRefundAttempt("RF.0001", runId: 2, at: t(100)) } == 2)
        let attempts = try other.refundAttempts("RF.0001")
        #expect(attempts.map(\.outcome) == ["interrupted", "in_flight"])
        #expect(attempts.map(\.runId) == [1, 2] && attempts[0].finishedAt == t(100))
        #expect(try other.dueRefunds(at: t(100), limit: 5).first?.body == #"{"refund_id":"RF.0001"}"#)

        // Accepted: never begun again, by this node or a new one.
        try claims.finish(other, "RF.0001", attempt: 2, at: 110, .sent(gatewayRefundId: "gw_1"))
        let third = try database.open()
        #expect(try third.beginRefundAttempt("RF.0001", runId: 3, at: t(120)) == nil)
        #expect(try other.beginRefundAttempt("RF.0001", runId: 2, at: t(120)) == nil)
        #expect(try third.dueRefunds(at: t(120), limit: 5).isEmpty)
        #expect(try third.refundAttempts("RF.0001").map(\.outcome) == ["interrupted", "sent"])
        #expect(try third.refundCounts() == [.sent: 1])
    }

    @Test func aNodesOwnAttemptLeftInFlightIsInterruptedByItsNextBeginAndOneFinishFreesIt() throws {
        let database = try claims.seeded(1)
        let node = try database.open()
        let other = try database.open()
        #expect(try node.beginRefundAttempt("RF.0001", runId: 1, at: t(1)) == 1)
        // Its answer was never recorded (the store failed, the pass was abandoned): this node
        // begins the refund again, as SQLite lets it.
        #expect(try node.beginRefundAttempt("RF.0001", runId: 1, at: t(2)) == 2)
        #expect(try node.refundAttempts("RF.0001").map(\.outcome) == ["interrupted", "in_flight"])
        #expect(try other.beginRefundAttempt("RF.0001", runId: 2, at: t(3)) == nil)
        // One finish, one release: the lock was not taken twice.
        try claims.finish(node, "RF.0001", attempt: 2, at: 4, .retry(reason: "HTTP 503", notBefore: nil))
        #expect(try other.beginRefundAttempt("RF.0001", runId: 2, at: t(5)) == 3)
        #expect(try node.beginRefundAttempt("RF.0001", runId: 1, at: t(6)) == nil)
        #expect(try other.refundAttempts("RF.0001").map(\.outcome) == ["interrupted", "retry", "in_flight"])
    }

    @Test func aBeginThatRollsBackLeavesNoLockBehind() throws {
        let database = try claims.seeded(2)
        let node = try database.open()
        let other = try database.open()
        // An attempt row in the way: the insert of attempt 1 of RF.0002 fails, after RF.0001
        // and RF.0002 were claimed in the same transaction.
        try database.execute(
            "INSERT INTO refund_attempts (refund_id, attempt, started_at, outcome) VALUES ('RF.0002', 1, 0, 'retry')")
        #expect(throws: StoreError.self) { try node.beginRefundAttempts(["RF.0001", "RF.0002"], runId: 1, at: t(1)) }
        #expect(try database.rows("SELECT attempts FROM refunds ORDER BY refund_id") == [["0"], ["0"]])
        try database.execute("DELETE FROM refund_attempts")
        #expect(
            try other.beginRefundAttempts(["RF.0001", "RF.0002"], runId: 2, at: t(2)) == ["RF.0001": 1, "RF.0002": 1])
        // And the node that failed works on.
        try claims.finish(other, "RF.0001", attempt: 1, at: 3, .retry(reason: "HTTP 503", notBefore: nil))
        #expect(try node.beginRefundAttempts(["RF.0001", "RF.0002"], runId: 1, at: t(4)) == ["RF.0001": 2])
    }

    @Test func requeueCountsAndWaitsAsOnSQLite() throws {
        let database = try claims.seeded(2)
        let node = try database.open()
        let other = try database.open()
        #expect(try node.oldestPendingRefund() == t(1001))
        #expect(try node.earliestRefundWait() == nil)
        #expect(try node.requeueFailedRefund("RF.0001", at: t(1)) == .notFailed(status: .pending))
        #expect(try node.requeueFailedRefund("RF.NOPE", at: t(1)) == .unknown)

        #expect(
            try node.beginRefundAttempts(["RF.0001", "RF.0002"], runId: 1, at: t(5000)) == ["RF.0001": 1, "RF.0002": 1])
        try claims.finish(node, "RF.0001", attempt: 1, at: 5001, .failed(reason: "HTTP 400: unknown payment"))
        try claims.finish(node, "RF.0002", attempt: 1, at: 5002, .retry(reason: "HTTP 503", notBefore: t(60_000)))
        #expect(try node.refundCounts() == [.failed: 1, .pending: 1])
        #expect(try node.earliestRefundWait() == t(60_000))
        #expect(try node.dueRefunds(at: t(59_999), limit: 10).isEmpty)
        #expect(try node.dueRefunds(at: t(60_000), limit: 10).map(\.refundId) == ["RF.0002"])
        let failed = try #require(try node.refunds(status: .failed).first)
        #expect(
            failed.refundId == "RF.0001" && failed.failedAt == t(5001)
                && failed.lastError == "HTTP 400: unknown payment")

        // Two operators queue it again at once: one does, the other is told it is pending.
        #expect(try node.requeueFailedRefund("RF.0001", at: t(7000)) == .requeued)
        #expect(try other.requeueFailedRefund("RF.0001", at: t(7001)) == .notFailed(status: .pending))
        let pending = try #require(try other.refunds(status: .pending, orderId: "O1").first)
        #expect(pending.requeuedAt == t(7000) && pending.attempts == 1 && pending.nextAttemptAt == nil)
        #expect(try other.oldestPendingRefund() == t(1002))
        #expect(try other.beginRefundAttempt("RF.0001", runId: 2, at: t(8000)) == 2)
        #expect(try node.refundAttempts("RF.0001").map(\.outcome) == ["failed", "in_flight"])
    }

    @Test func dueRefundsPageInAuditOrder() throws {
        let database = try claims.seeded(7)
        let node = try database.open()
        let first = try node.dueRefunds(at: t(0), limit: 3)
        #expect(first.map(\.refundId) == ["RF.0001", "RF.0002", "RF.0003"])
        #expect(first.map(\.amount) == [Money(paise: 100), Money(paise: 200), Money(paise: 300)])
        #expect(first.map(\.recordedAt) == [t(1001), t(1002), t(1003)] && first.map(\.auditId) == [1, 2, 3])
        let next = try node.dueRefunds(at: t(0), after: DueRefundCursor(first[2]), limit: 10)
        #expect(next.map(\.refundId) == ["RF.0004", "RF.0005", "RF.0006", "RF.0007"])
        #expect(try node.refunds(limit: 2).map(\.refundId) == ["RF.0001", "RF.0002"])
    }
}
