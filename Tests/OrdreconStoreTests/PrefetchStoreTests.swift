import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

/// What the engine tells the store ahead of the events it is about to judge
/// (`EventLedger.prefetch`) changes no answer: on SQLite it does nothing, on PostgreSQL the
/// store answers from what it learned and writes applied records without waiting.
@Suite
struct PrefetchStoreTests {
    let zone = TimeZone(identifier: "Asia/Kolkata")!

    private func event(
        _ h: StoreTests.Harness, _ eventId: String, order: String, _ status: String, hour: Int,
        _ extra: [EventField: String] = [:]
    ) throws -> FeedEvent {
        var raw = RawEvent(line: h.line)
        h.line += 1
        raw[.eventId] = RawValue(eventId)
        raw[.entity] = RawValue("order")
        raw[.orderId] = RawValue(order)
        raw[.status] = RawValue(status)
        raw[.occurredAt] = RawValue(String(format: "2026-01-01T%02d:00:00+05:30", hour))
        for (field, value) in extra { raw[field] = RawValue(value) }
        if status == "PENDING_PAYMENT" {
            var item = RawItem()
            item[.sku] = RawValue("A")
            item[.quantity] = RawValue("1")
            item[.unitPrice] = RawValue("100.00")
            raw.items = [item]
            raw[.customerId] = RawValue("C")
        }
        return try h.validator.validate(raw).get()
    }

    /// Judges and records one event as the engine does (an applied or duplicate record; other
    /// verdicts are only returned). - Returns: its outcome.
    @discardableResult
    private func ingest(_ h: StoreTests.Harness, _ event: FeedEvent) throws -> Outcome {
        let store = h.store
        let verdict = try h.judge.judge(
            event, allowed: StoreTests.Harness.allowAll, state: store, deferEventIdCheck: true)
        guard case .applied(let change, let effects) = verdict else { return verdict.outcome }
        guard
            let auditId = try store.recordAppliedAudit(
                event, runId: 1, fileId: h.fileId, line: 1, recordedAt: Timestamp(milliseconds: 0))
        else {
            // Applied before: the engine records it as a duplicate.
            var entry = AuditEntry(runId: 1, fileId: h.fileId, feed: "all", outcome: .duplicate)
            entry.eventId = event.eventId
            try store.recordAudit(entry, recordedAt: Timestamp(milliseconds: 0))
            return .duplicate
        }
        _ = try store.apply(event, change: change, effects: effects, auditId: auditId, at: Timestamp(milliseconds: 0))
        return .applied
    }

    @Test(arguments: StoreBackend.allCases)
    func eventIdsAppliedBeforeOrEarlierInTheBatchStayDuplicates(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        #expect(try h.store.tryLeadIngest())
        try h.store.transaction { try ingest(h, try event(h, "E1", order: "O1", "PENDING_PAYMENT", hour: 1)) }
        let e1Again = try event(h, "E1", order: "O2", "PENDING_PAYMENT", hour: 2)
        let e2 = try event(h, "E2", order: "O3", "PENDING_PAYMENT", hour: 3)
        let e2Again = try event(h, "E2", order: "O4", "PENDING_PAYMENT", hour: 4)
        let outcomes = try h.store.transaction {
            try h.store.prefetch(
                feed: "all", eventIds: ["E1", "E2", "E2"], orderIds: ["O2", "O3", "O4"], returnIds: [])
            return [try ingest(h, e1Again), try ingest(h, e2), try ingest(h, e2Again)]
        }
        #expect(outcomes == [.duplicate, .applied, .duplicate])
        #expect(
            try h.database.rows("SELECT event_id, order_id FROM audit_events WHERE outcome = 'applied' ORDER BY id")
                == [["E1", "O1"], ["E2", "O3"]])
        #expect(try h.database.rows("SELECT order_id FROM order_headers ORDER BY order_id") == [["O1"], ["O3"]])
    }

    @Test(arguments: StoreBackend.allCases)
    func anOrderCreatedEarlierInTheBatchIsFound(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        #expect(try h.store.tryLeadIngest())
        let created = try event(h, "E1", order: "O1", "PENDING_PAYMENT", hour: 1)
        let paid = try event(h, "E2", order: "O1", "PAID", hour: 2, [.amount: "100", .paymentRef: "P1"])
        let outcomes = try h.store.transaction {
            // Learned absent, then created in the same batch: the next event finds it.
            try h.store.prefetch(feed: "all", eventIds: ["E1", "E2"], orderIds: ["O1", "O1"], returnIds: [])
            #expect(try h.store.order("O1") == nil)
            let first = try ingest(h, created)
            #expect(try h.store.order("O1")?.status == .pendingPayment)
            return [first, try ingest(h, paid)]
        }
        #expect(outcomes == [.applied, .applied])
        let fresh = try h.reopen()
        #expect(try fresh.order("O1")?.status == .paid)
    }

    @Test(arguments: StoreBackend.allCases)
    func prefetchedOrdersAreTheSnapshotsTheHistoryGives(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        try h.shippedOrder("O1", shippedAt: "2026-01-02T10:00:00+05:30")
        try h.order(
            "O2", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"],
            items: [[.sku: "A", .quantity: "1", .unitPrice: "5"]])
        let expected = try [h.reopen().order("O1"), h.reopen().order("O2")]
        let store = try h.reopen()
        #expect(try store.tryLeadIngest())
        try store.transaction {
            try store.prefetch(feed: "all", eventIds: [], orderIds: ["O1", "O2", "O9"], returnIds: ["R9"])
            #expect(try [store.order("O1"), store.order("O2")] == expected)
            #expect(try store.order("O9") == nil)
            #expect(try store.returnSnapshot("R9") == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func auditIdsFollowTheOrderOfRecording(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        #expect(try h.store.tryLeadIngest())
        try h.store.transaction { try ingest(h, try event(h, "E1", order: "O1", "PENDING_PAYMENT", hour: 1)) }
        try h.store.transaction {
            try h.store.prefetch(feed: "all", eventIds: ["E2", "E1", "E4"], orderIds: ["O1", "O2"], returnIds: [])
            try ingest(h, try event(h, "E2", order: "O1", "PAID", hour: 2, [.amount: "100", .paymentRef: "P"]))
            var rejected = AuditEntry(runId: 1, fileId: h.fileId, feed: "all", outcome: .rejected)
            rejected.eventId = "E3"
            rejected.message = "bad"
            try h.store.recordAudit(rejected, recordedAt: Timestamp(milliseconds: 0))
            try ingest(h, try event(h, "E1", order: "O2", "PENDING_PAYMENT", hour: 3))  // duplicate
            // Not learned ahead: asked of the server.
            try ingest(h, try event(h, "E5", order: "O1", "PROCESSING_IN_WAREHOUSE", hour: 4))
            try ingest(h, try event(h, "E4", order: "O1", "SHIPPED", hour: 5))
        }
        #expect(
            try h.database.rows("SELECT event_id, outcome FROM audit_events ORDER BY id")
                == [
                    ["E1", "applied"], ["E2", "applied"], ["E3", "rejected"], ["E1", "duplicate"], ["E5", "applied"],
                    ["E4", "applied"],
                ])
        #expect(try h.reopen().order("O1")?.status == .shipped)
    }

    /// The leader's rows travel in batches (on PostgreSQL, one INSERT of arrays per table):
    /// texts a hostile partner may send come back as they went in, in the order recorded, also
    /// across more rows than one batch holds.
    @Test(arguments: StoreBackend.allCases)
    func batchedAuditRowsKeepEveryTextAndTheirOrder(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        #expect(try h.store.tryLeadIngest())
        let hostile: [String?] = [
            "\"", "\\", "a,b", "{x,y}", "NULL", "\"NULL\"", "", " ", "a\u{0}b", "\u{FFFF}lead", "line\nbreak",
            "तिरुवनंतपुरम्", "Ελένη 😀", "'; DROP TABLE audit_events; --", "{\"json\": [1, 2]}", nil,
        ]
        let count = 250
        try h.store.transaction {
            try h.store.prefetch(feed: "all", eventIds: [], orderIds: [], returnIds: [])
            for index in 0..<count {
                var entry = AuditEntry(runId: 1, fileId: h.fileId, feed: "all", outcome: .rejected)
                entry.line = index
                entry.eventId = hostile[index % hostile.count]
                entry.message = hostile[(index + 3) % hostile.count]
                entry.reasonCode = .invalidValue
                try h.store.recordAudit(entry, recordedAt: Timestamp(milliseconds: Int64(index)))
            }
        }
        let page = try h.reopen().auditRecords(AuditFilter(), limit: count + 10)
        #expect(page.records.count == count)
        let byLine = page.records.sorted { $0.id < $1.id }
        #expect(byLine.map(\.line) == (0..<count).map { Optional($0) })
        #expect(byLine.map(\.eventId) == (0..<count).map { hostile[$0 % hostile.count] })
        #expect(byLine.map(\.message) == (0..<count).map { hostile[($0 + 3) % hostile.count] })
    }

    /// What the engine says the events ahead may need (invoices, returns) changes no answer: the
    /// order's lines, a return's items, the quantities other returns hold (also after a return is
    /// created in the same batch) and the gaps an invoice records are those a store asked one by
    /// one gives.
    @Test(arguments: StoreBackend.allCases)
    func documentsLearnedAheadGiveTheSameAnswers(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        for id in ["O1", "O2"] {
            try h.shippedOrder(id, shippedAt: "2026-01-02T10:00:00+05:30")
            try h.order(id, "DELIVERED", "2026-01-03T10:00:00+05:30")
        }
        for id in ["O3", "O4"] {
            try h.order(
                id, "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C", .customerName: "Asha"],
                items: [[.sku: "A", .quantity: "1", .unitPrice: "100.00"]])
            try h.order(id, "PAID", "2026-01-01T11:00:00+05:30", [.amount: "100", .paymentRef: "P-\(id)"])
            try h.order(id, "PROCESSING_IN_WAREHOUSE", "2026-01-01T12:00:00+05:30")
        }
        func returnEvent(_ returnId: String, order: String, _ status: String, hour: Int, quantity: String? = nil)
            throws -> FeedEvent
        {
            var raw = RawEvent(line: h.line)
            h.line += 1
            raw[.eventId] = RawValue("E\(h.line)")
            raw[.entity] = RawValue("return")
            raw[.orderId] = RawValue(order)
            raw[.returnId] = RawValue(returnId)
            raw[.status] = RawValue(status)
            raw[.reason] = RawValue("damaged")
            raw[.occurredAt] = RawValue(String(format: "2026-01-04T%02d:00:00+05:30", hour))
            if let quantity {
                var item = RawItem()
                item[.sku] = RawValue("A")
                item[.quantity] = RawValue(quantity)
                raw.items = [item]
            }
            return try h.validator.validate(raw).get()
        }
        try h.store.transaction {
            try ingest(h, try returnEvent("R1", order: "O1", "REQUESTED", hour: 1, quantity: "1"))
        }

        let store = try h.reopen()
        let asked = try h.reopen()
        #expect(try store.tryLeadIngest())
        let outcomes = try store.transaction {
            try store.prefetch(feed: "all", eventIds: [], orderIds: ["O1", "O2", "O3"], returnIds: ["R1"])
            try store.prefetchDocuments(shipping: ["O3"], returning: ["O1", "O2"], completing: ["R1"])
            #expect(try store.orderLines("O1") == asked.orderLines("O1"))
            #expect(try store.returnItems("R1") == asked.returnItems("R1"))
            #expect(try store.returnItems("R1") == ["A": 1])
            #expect(try store.heldReturnQuantities(orderId: "O1", excluding: "R9") == ["A": 1])
            #expect(try store.heldReturnQuantities(orderId: "O2", excluding: "R9") == [:])
            let harness = StoreTests.Harness.self
            func send(_ event: FeedEvent) throws -> Outcome {
                let verdict = try h.judge.judge(event, allowed: harness.allowAll, state: store)
                guard case .applied(let change, let effects) = verdict else { return verdict.outcome }
                let auditId = try #require(
                    try store.recordAppliedAudit(
                        event, runId: 1, fileId: h.fileId, line: 1, recordedAt: Timestamp(milliseconds: 0)))
                _ = try store.apply(
                    event, change: change, effects: effects, auditId: auditId, at: Timestamp(milliseconds: 0))
                return .applied
            }
            // O2's first return is created here: the second sees what the first holds (1 of 1).
            return [
                try send(try returnEvent("R2", order: "O2", "REQUESTED", hour: 2, quantity: "1")),
                try send(try returnEvent("R3", order: "O2", "REQUESTED", hour: 3, quantity: "1")),
                // Told of O3's shipping, not of O4's: both invoices record the same gaps.
                try send(try event(h, "E-O3", order: "O3", "SHIPPED", hour: 13)),
                try send(try event(h, "E-O4", order: "O4", "SHIPPED", hour: 13)),
            ]
        }
        #expect(outcomes == [.applied, .rejected, .applied, .applied])
        let gaps = try h.database.rows(
            "SELECT order_id, missing FROM invoices WHERE order_id IN ('O3', 'O4') ORDER BY order_id")
        #expect(gaps.count == 2)
        #expect(gaps.first?[1] != nil)
        #expect(gaps.first?[1] == gaps.last?[1])
    }

    /// Only the ingest lock's holder writes applied records; should one appear behind its back
    /// after all, the unique index fails the batch rather than letting a double in.
    @Test func anEventIdAppliedBehindTheLeadersBackFailsTheBatch() throws {
        let h = try StoreTests.Harness(zone: zone, backend: .postgres)
        #expect(try h.store.tryLeadIngest())
        let e1 = try event(h, "E1", order: "O1", "PENDING_PAYMENT", hour: 1)
        try h.store.begin(durable: true)
        try h.store.prefetch(feed: "all", eventIds: ["E1"], orderIds: ["O1"], returnIds: [])
        try h.database.execute(
            """
            INSERT INTO audit_events (run_id, file_id, feed, line, event_id, entity, order_id, status, outcome, recorded_at)
            VALUES (1, \(h.fileId), 'all', 1, 'E1', 'order', 'O9', 'PENDING_PAYMENT', 'applied', 0)
            """)
        #expect(throws: StoreError.self) {
            try ingest(h, e1)
            try h.store.commit()
        }
        h.store.rollback()
        #expect(
            try h.database.rows("SELECT order_id FROM audit_events WHERE event_id = 'E1' AND outcome = 'applied'")
                == [["O9"]])
    }
}
