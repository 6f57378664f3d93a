import Foundation
import OrdreconCore
import OrdreconStore
import OrdreconTestSupport
import Testing

/// The store against a real database: an SQLite file in a temporary folder, or a PostgreSQL
/// database (removed after each test); tests about behaviour run on both.
@Suite
struct StoreTests {
    let zone = TimeZone(identifier: "Asia/Kolkata")!

    /// A store with one registered file, and helpers to push events through judge and store.
    final class Harness {
        /// The database (an SQLite file, or a PostgreSQL database), removed with the harness.
        let database: TestDatabase
        let store: any StateStore
        let fileId: Int64
        let judge: Judge
        let validator: EventValidator
        var line = 1

        init(zone: TimeZone, backend: StoreBackend = .sqlite) throws {
            database = try backend.newDatabase()
            let store = try database.open()
            self.store = store
            fileId = try store.transaction {
                try store.registerFile(
                    feed: "all", name: "f.csv", format: "csv", size: 0, mtimeNanoseconds: 0, inode: 0, runId: 1,
                    at: Timestamp(milliseconds: 0)
                ).id
            }
            judge = Judge(zone: zone, returnWindowDays: 30)
            validator = EventValidator(feed: "all", zone: zone)
        }

        /// The SQLite database's folder (SQLite tests only).
        var directory: String { database.directory ?? "" }

        /// The SQLite database file (SQLite tests only).
        var sqlitePath: String { directory + "/test.sqlite" }

        /// A new connection to the same database (nothing cached).
        func reopen() throws -> any StateStore { try database.open() }

        static let allowAll = Set(
            OrderStatus.allCases.map { "order:\($0.rawValue)" } + ReturnStatus.allCases.map { "return:\($0.rawValue)" })

        /// Validates, judges and (when applied) records one event in its own transaction.
        @discardableResult
        func send(_ fields: [EventField: String], items: [[ItemField: String]] = []) throws -> Verdict {
            var raw = RawEvent(line: line)
            line += 1
            for (field, value) in fields { raw[field] = RawValue(value) }
            raw.items = items.map { values in
                var item = RawItem()
                for (field, value) in values { item[field] = RawValue(value) }
                return item
            }
            let event = try validator.validate(raw).get()
            return try store.transaction {
                let verdict = try judge.judge(event, allowed: Harness.allowAll, state: store)
                if case .applied(let change, let effects) = verdict {
                    let auditId = try #require(
                        try store.recordAppliedAudit(
                            event, runId: 1, fileId: fileId, line: raw.line, recordedAt: Timestamp(milliseconds: 0)))
                    _ = try store.apply(
                        event, change: change, effects: effects, auditId: auditId, at: Timestamp(milliseconds: 0))
                }
                return verdict
            }
        }

        @discardableResult
        func order(
            _ id: String, _ status: String, _ time: String, _ extra: [EventField: String] = [:],
            items: [[ItemField: String]] = []
        ) throws -> Verdict {
            var fields: [EventField: String] = [
                .eventId: "E\(line)", .entity: "order", .orderId: id, .status: status, .occurredAt: time,
            ]
            fields.merge(extra) { _, new in new }
            return try send(fields, items: items)
        }

        /// Creates, pays and ships an order (one item of 100.00), shipped at `shippedAt`.
        func shippedOrder(_ id: String, shippedAt: String) throws {
            try order(
                id, "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"],
                items: [[.sku: "A", .quantity: "1", .unitPrice: "100.00"]])
            try order(id, "PAID", "2026-01-01T11:00:00+05:30", [.amount: "100", .paymentRef: "P-\(id)"])
            try order(id, "PROCESSING_IN_WAREHOUSE", "2026-01-01T12:00:00+05:30")
            try order(id, "SHIPPED", shippedAt)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func reopeningKeepsTheSchema(backend: StoreBackend) throws {
        let h = try Harness(zone: zone, backend: backend)
        let latest = h.database.factory.latestSchemaVersion
        #expect(try h.store.schemaVersion == latest)
        let again = try h.reopen()
        #expect(try again.schemaVersion == latest)
        #expect(try again.file(id: h.fileId)?.name == "f.csv")
    }

    @Test(arguments: StoreBackend.allCases)
    func stateIsDerivedFromTheAppliedHistory(backend: StoreBackend) throws {
        let h = try Harness(zone: zone, backend: backend)
        try h.shippedOrder("O1", shippedAt: "2026-01-02T10:00:00+05:30")
        try h.order("O1", "DELIVERED", "2026-01-03T10:00:00+05:30", [.carrier: "BlueDart"])
        // The views the reviewer reads (orderDetails is made from them).
        #expect(
            try h.database.rows("SELECT status, paid_paise, payment_ref, carrier FROM orders WHERE order_id = 'O1'")
                == [["DELIVERED", "10000", "P-O1", "BlueDart"]])
        #expect(
            try h.database.rows("SELECT status FROM transition_history WHERE order_id = 'O1' ORDER BY audit_id")
                == [["PENDING_PAYMENT"], ["PAID"], ["PROCESSING_IN_WAREHOUSE"], ["SHIPPED"], ["DELIVERED"]])
        // A fresh connection (no cache) folds the same snapshot from the audit rows.
        let fresh = try h.reopen()
        let snapshot = try #require(try fresh.order("O1"))
        #expect(snapshot.status == .delivered)
        #expect(snapshot.paid == Money(paise: 10_000))
        #expect(snapshot.deliveredAt == (try Timestamp(iso8601: "2026-01-03T10:00:00+05:30", zone: zone)))
    }

    /// The order's invoice number, from the table.
    static func invoiceNumber(_ orderId: String, in h: Harness) throws -> String? {
        try h.database.rows("SELECT number FROM invoices WHERE order_id = '\(orderId)'").first?.first ?? nil
    }

    @Test(arguments: StoreBackend.allCases)
    func invoiceNumbersRestartWithTheFinancialYear(backend: StoreBackend) throws {
        let h = try Harness(zone: zone, backend: backend)
        try h.shippedOrder("O1", shippedAt: "2027-03-31T23:59:00+05:30")
        try h.shippedOrder("O2", shippedAt: "2027-04-01T00:00:00+05:30")
        try h.shippedOrder("O3", shippedAt: "2027-03-31T18:29:00Z")  // 23:59 in Kolkata: still March
        try h.shippedOrder("O4", shippedAt: "2027-04-02T10:00:00+05:30")
        let numbers = try ["O1", "O2", "O3", "O4"].map { try #require(try Self.invoiceNumber($0, in: h)) }
        #expect(numbers == ["IN/26-27/0000001", "IN/27-28/0000001", "IN/26-27/0000002", "IN/27-28/0000002"])
        #expect(numbers.allSatisfy { $0.count <= 16 })
    }

    @Test(arguments: StoreBackend.allCases)
    func aRolledBackTransactionLeavesNoNumberAndNoCachedState(backend: StoreBackend) throws {
        let h = try Harness(zone: zone, backend: backend)
        try h.shippedOrder("O1", shippedAt: "2026-05-01T10:00:00+05:30")
        try h.order(
            "O2", "PENDING_PAYMENT", "2026-05-01T10:00:00+05:30", [.customerId: "C"],
            items: [[.sku: "A", .quantity: "1", .unitPrice: "5"]])
        try h.order("O2", "PAID", "2026-05-01T11:00:00+05:30", [.amount: "5", .paymentRef: "P"])
        try h.order("O2", "PROCESSING_IN_WAREHOUSE", "2026-05-01T12:00:00+05:30")
        // Ship O2 inside a transaction that fails after the number was taken.
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try h.store.transaction {
                var raw = RawEvent(line: 99)
                for (f, v) in [
                    (EventField.eventId, "S2"), (.entity, "order"), (.orderId, "O2"), (.status, "SHIPPED"),
                    (.occurredAt, "2026-05-02T10:00:00+05:30"),
                ] { raw[f] = RawValue(v) }
                let event = try h.validator.validate(raw).get()
                guard
                    case .applied(let change, let effects) = try h.judge.judge(
                        event, allowed: Harness.allowAll, state: h.store)
                else { return }
                let id = try #require(
                    try h.store.recordAppliedAudit(
                        event, runId: 1, fileId: h.fileId, line: 99, recordedAt: Timestamp(milliseconds: 0)))
                _ = try h.store.apply(
                    event, change: change, effects: effects, auditId: id, at: Timestamp(milliseconds: 0))
                throw Boom()
            }
        }
        #expect(try h.store.order("O2")?.status == .processingInWarehouse)
        try h.order("O2", "SHIPPED", "2026-05-02T10:00:00+05:30")
        #expect(try Self.invoiceNumber("O2", in: h) == "IN/26-27/0000002")
    }

    @Test(arguments: StoreBackend.allCases)
    func anAppliedEventIdIsReservedOnce(backend: StoreBackend) throws {
        let h = try Harness(zone: zone, backend: backend)
        try h.order(
            "O1", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C", .eventId: "X"],
            items: [[.sku: "A", .quantity: "1", .unitPrice: "5"]])
        var raw = RawEvent(line: 5)
        for (f, v) in [
            (EventField.eventId, "X"), (.entity, "order"), (.orderId, "O9"), (.status, "DELIVERED"),
            (.occurredAt, "2026-01-01T10:00:00+05:30"),
        ] { raw[f] = RawValue(v) }
        let other = try h.validator.validate(raw).get()
        let id = try h.store.transaction {
            try h.store.recordAppliedAudit(
                other, runId: 1, fileId: h.fileId, line: 5, recordedAt: Timestamp(milliseconds: 0))
        }
        #expect(id == nil)
        #expect(try h.store.appliedContentHash(feed: "all", eventId: "X") != nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func theStoreRefusesRefundsAbovePaid(backend: StoreBackend) throws {
        let h = try Harness(zone: zone, backend: backend)
        try h.order(
            "O1", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"],
            items: [[.sku: "A", .quantity: "2", .unitPrice: "50"]])
        try h.order("O1", "PAID", "2026-01-01T11:00:00+05:30", [.amount: "100", .paymentRef: "P"])
        let cancel = try h.order("O1", "CANCELLED", "2026-01-01T12:00:00+05:30", [.reason: "changed mind"])
        guard case .applied(_, let effects) = cancel, case .requestRefund(let refund)? = effects.first else {
            Issue.record("expected a refund, got \(cancel)")
            return
        }
        #expect(refund.amount == Money(paise: 10_000))
        #expect(try h.store.pendingRefunds().map(\.refundId) == ["RF.O1.C"])
        // One paisa more than what is left (nothing) is refused by the database itself.
        var extra = refund
        extra.refundId = "RF.O1.EXTRA"
        extra.amount = Money(paise: 1)
        let error = #expect(throws: StoreError.self) {
            try h.store.transaction {
                var raw = RawEvent(line: 50)
                for (f, v) in [
                    (EventField.eventId, "Z"), (.entity, "order"), (.orderId, "O1"), (.status, "CANCELLED"),
                    (.occurredAt, "2026-01-01T13:00:00+05:30"), (.reason, "x"),
                ] { raw[f] = RawValue(v) }
                let event = try h.validator.validate(raw).get()
                let id = try #require(
                    try h.store.recordAppliedAudit(
                        event, runId: 1, fileId: h.fileId, line: 50, recordedAt: Timestamp(milliseconds: 0)))
                _ = try h.store.apply(
                    event, change: .moveOrder(from: .cancelled, to: .cancelled), effects: [.requestRefund(extra)],
                    auditId: id, at: Timestamp(milliseconds: 0))
            }
        }
        #expect(error?.kind == .backend)
        #expect(error?.message.contains("refund exceeds the amount paid for the order") == true)
        #expect(try h.store.pendingRefunds().count == 1)
    }
}
