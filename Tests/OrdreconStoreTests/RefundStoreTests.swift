import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

@testable import OrdreconStore

/// Refund delivery records, on both backends (the upgrade of an old SQLite file on SQLite only).
@Suite struct RefundStoreTests {
    let zone = TimeZone(identifier: "Asia/Kolkata")!

    /// An order paid 100.00 and cancelled: one pending refund `RF.O1.C`.
    func cancelledOrder(_ backend: StoreBackend = .sqlite) throws -> StoreTests.Harness {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        try h.order(
            "O1", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"],
            items: [[.sku: "A", .quantity: "2", .unitPrice: "50"]])
        try h.order("O1", "PAID", "2026-01-01T11:00:00+05:30", [.amount: "100", .paymentRef: "P"])
        try h.order("O1", "CANCELLED", "2026-01-01T12:00:00+05:30", [.reason: "changed mind"])
        return h
    }

    func t(_ ms: Int64) -> Timestamp { Timestamp(milliseconds: ms) }

    /// Ends the harness's connection as a crash would: on PostgreSQL the server ends its session
    /// (and releases its locks, as for a node that died); an SQLite connection holds nothing.
    func crash(_ h: StoreTests.Harness) throws {
        guard h.database.backend == .postgres else { return }
        try h.database.execute(
            """
            SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """)
    }

    @Test(arguments: StoreBackend.allCases)
    func attemptsAreRecordedAndACrashedOneBecomesInterrupted(backend: StoreBackend) throws {
        let h = try cancelledOrder(backend)
        let due = try h.store.dueRefunds(at: t(1000), limit: 10)
        #expect(due.map(\.refundId) == ["RF.O1.C"])
        #expect(due.first?.amount == Money(paise: 10_000))
        #expect(due.first?.body.contains(#""Idempotency-Key""#) == false)

        #expect(try h.store.beginRefundAttempt("RF.O1.C", runId: 7, at: t(1000)) == 1)
        // No answer recorded (the process died): the next attempt marks it interrupted.
        try crash(h)
        let again = try h.reopen()
        #expect(try again.beginRefundAttempt("RF.O1.C", runId: 8, at: t(2000)) == 2)
        try again.finishRefundAttempt(
            "RF.O1.C", attempt: 2, at: t(2100), durationMilliseconds: 100, httpStatus: 503, transport: nil,
            message: "HTTP 503", end: .retry(reason: "HTTP 503", notBefore: t(60_000)))
        #expect(try again.dueRefunds(at: t(59_999), limit: 10).isEmpty)
        #expect(try again.dueRefunds(at: t(60_000), limit: 10).count == 1)
        #expect(try again.earliestRefundWait() == t(60_000))

        #expect(try again.beginRefundAttempt("RF.O1.C", runId: 8, at: t(60_000)) == 3)
        try again.finishRefundAttempt(
            "RF.O1.C", attempt: 3, at: t(60_050), durationMilliseconds: 50, httpStatus: 201, transport: nil,
            message: nil, end: .sent(gatewayRefundId: "gw_000001"))

        let attempts = try again.refundAttempts("RF.O1.C")
        #expect(attempts.map(\.outcome) == ["interrupted", "retry", "sent"])
        #expect(attempts.map(\.runId) == [7, 8, 8])
        #expect(attempts[1].httpStatus == 503 && attempts[1].message == "HTTP 503")
        #expect(attempts[2].gatewayRefundId == "gw_000001" && attempts[2].durationMilliseconds == 50)
        let record = try #require(try again.refunds().first)
        #expect(record.status == .sent && record.attempts == 3 && record.gatewayRefundId == "gw_000001")
        #expect(record.sentAt == t(60_050) && record.lastError == nil && record.nextAttemptAt == nil)
        #expect(try again.dueRefunds(at: t(99_999), limit: 10).isEmpty)
        #expect(try again.beginRefundAttempt("RF.O1.C", runId: 9, at: t(70_000)) == nil)
        #expect(try again.refundCounts() == [.sent: 1])
    }

    @Test(arguments: StoreBackend.allCases)
    func transportErrorsAreKeptWithTheirKindAndCode(backend: StoreBackend) throws {
        let h = try cancelledOrder(backend)
        let attempt = try #require(try h.store.beginRefundAttempt("RF.O1.C", runId: nil, at: t(1)))
        try h.store.finishRefundAttempt(
            "RF.O1.C", attempt: attempt, at: t(2), durationMilliseconds: 1, httpStatus: nil,
            transport: (kind: "connectionFailed", code: 7), message: "connectionFailed (curl 7: ...)",
            end: .retry(reason: "connectionFailed (curl 7: ...)", notBefore: nil))
        let logged = try #require(try h.store.refundAttempts("RF.O1.C").first)
        #expect(logged.errorKind == "connectionFailed" && logged.errorCode == 7 && logged.httpStatus == nil)
        #expect(try h.store.refunds(status: .pending).first?.lastError == "connectionFailed (curl 7: ...)")
    }

    @Test(arguments: StoreBackend.allCases)
    func onlyAFailedRefundCanBeQueuedAgain(backend: StoreBackend) throws {
        let h = try cancelledOrder(backend)
        #expect(try h.store.requeueFailedRefund("RF.O1.C", at: t(1)) == .notFailed(status: .pending))
        #expect(try h.store.requeueFailedRefund("RF.NOPE", at: t(1)) == .unknown)
        let attempt = try #require(try h.store.beginRefundAttempt("RF.O1.C", runId: 1, at: t(1)))
        try h.store.finishRefundAttempt(
            "RF.O1.C", attempt: attempt, at: t(2), durationMilliseconds: 1, httpStatus: 400, transport: nil,
            message: "HTTP 400: unknown payment", end: .failed(reason: "HTTP 400: unknown payment"))
        #expect(try h.store.dueRefunds(at: t(3), limit: 10).isEmpty)
        let failed = try #require(try h.store.refunds(status: .failed).first)
        #expect(failed.lastError == "HTTP 400: unknown payment" && failed.failedAt == t(2))

        #expect(try h.store.requeueFailedRefund("RF.O1.C", at: t(5)) == .requeued)
        let pending = try #require(try h.store.refunds(status: .pending).first)
        #expect(pending.requeuedAt == t(5) && pending.attempts == 1)
        #expect(try h.store.dueRefunds(at: t(6), limit: 10).map(\.refundId) == ["RF.O1.C"])
        #expect(try h.store.beginRefundAttempt("RF.O1.C", runId: 2, at: t(6)) == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func theDatabaseKeepsBodyAndKeyFixedAndSentFinal(backend: StoreBackend) throws {
        let h = try cancelledOrder(backend)
        let database = h.database
        #expect(throws: TestError.self) { try database.execute("UPDATE refunds SET body = '{}'") }
        #expect(throws: TestError.self) { try database.execute("UPDATE refunds SET amount_paise = 1") }
        #expect(throws: TestError.self) { try database.execute("UPDATE refunds SET refund_id = 'RF.X'") }
        let attempt = try #require(try h.store.beginRefundAttempt("RF.O1.C", runId: 1, at: t(1)))
        try h.store.finishRefundAttempt(
            "RF.O1.C", attempt: attempt, at: t(2), durationMilliseconds: 1, httpStatus: 201, transport: nil,
            message: nil, end: .sent(gatewayRefundId: nil))
        #expect(throws: TestError.self) { try database.execute("UPDATE refunds SET status = 'pending'") }
        #expect(throws: TestError.self) { try database.execute("UPDATE refunds SET status = 'failed'") }
        #expect(try h.store.refunds().first?.status == .sent)
    }

    @Test func aVersionOneDatabaseIsUpgradedWithItsRefundsPending() throws {
        let directory = NSTemporaryDirectory() + "ordrecon-v1-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/old.sqlite"
        try SQLiteFile.execute(Schema.version1 + "\nPRAGMA user_version = 1;", at: path)
        // A refund row as version 1 wrote it (the paid-amount trigger is dropped so that the row
        // can be written without the order's history; the upgrade is what is under test).
        try SQLiteFile.execute(
            """
            DROP TRIGGER refunds_never_exceed_paid;
            INSERT INTO refunds (refund_id, kind, order_id, amount_paise, payment_ref, body, audit_id, created_at)
            VALUES ('RF.O9.C', 'cancellation', 'O9', 5000, 'P9', '{"refund_id":"RF.O9.C"}', 1, 0);
            """, at: path)
        let store = try Store(path: path)
        #expect(try store.schemaVersion == Schema.migrations.count)
        let record = try #require(try store.refunds().first)
        #expect(record.status == .pending && record.attempts == 0 && record.body == #"{"refund_id":"RF.O9.C"}"#)
        #expect(try store.dueRefunds(at: t(0), limit: 5).map(\.refundId) == ["RF.O9.C"])
    }
}
