import Foundation
import OrdreconCore
import OrdreconTestSupport
import Synchronization
import Testing

/// Ingestion rules that are easy to lose in a second backend: document numbers taken by several
/// connections at once, and text with NUL bytes in it.
@Suite struct IngestStoreTests {
    let zone = TimeZone(identifier: "Asia/Kolkata")!

    /// What other threads shipped: each order's invoice number, or why it failed.
    final class Results: Sendable {
        let results = Mutex<[String: Result<String?, TestError>]>([:])
    }

    /// Judges and applies one SHIPPED event for `orderId` in the caller's transaction.
    /// - Returns: the invoice number it issued.
    static func ship(_ orderId: String, eventId: String, store: any StateStore, zone: TimeZone) throws -> String? {
        var raw = RawEvent(line: 1)
        for (field, value) in [
            (EventField.eventId, eventId), (.entity, "order"), (.orderId, orderId), (.status, "SHIPPED"),
            (.occurredAt, "2026-06-01T10:00:00+05:30"),
        ] { raw[field] = RawValue(value) }
        let event = try EventValidator(feed: "all", zone: zone).validate(raw).get()
        let judge = Judge(zone: zone, returnWindowDays: 30)
        guard
            case .applied(let change, let effects) = try judge.judge(
                event, allowed: StoreTests.Harness.allowAll, state: store)
        else { throw TestError("\(orderId) was not shipped") }
        let auditId = try #require(
            try store.recordAppliedAudit(event, runId: 1, fileId: 1, line: 1, recordedAt: Timestamp(milliseconds: 0)))
        let applied = try store.apply(
            event, change: change, effects: effects, auditId: auditId, at: Timestamp(milliseconds: 0))
        return applied.invoiceNumbers.first
    }

    /// Waits until another connection of the database waits for a row lock.
    static func waitForLockWaiter(_ database: TestDatabase) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let waiting = try database.rows(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
            if waiting == [["1"]] { return }
            usleep(10_000)
        }
        throw TestError("no connection came to wait for the number series' row lock")
    }

    /// Two connections take invoice numbers in overlapping transactions; the second waits for
    /// the first's row lock. A rolled-back number is taken again, a committed one never.
    @Test func invoiceNumbersStayConsecutiveAcrossConnections() throws {
        let h = try StoreTests.Harness(zone: zone, backend: .postgres)
        for id in ["O1", "O2", "O3", "O4"] {
            try h.order(
                id, "PENDING_PAYMENT", "2026-05-01T10:00:00+05:30", [.customerId: "C"],
                items: [[.sku: "A", .quantity: "1", .unitPrice: "5"]])
            try h.order(id, "PAID", "2026-05-01T11:00:00+05:30", [.amount: "5", .paymentRef: "P"])
            try h.order(id, "PROCESSING_IN_WAREHOUSE", "2026-05-01T12:00:00+05:30")
        }
        let database = h.database
        let zone = zone
        let taken = Results()
        /// Ships `orderId` on a connection of its own, in another thread, and commits.
        func shipElsewhere(_ orderId: String) -> Thread {
            let thread = Thread {
                let result = Result { () throws(TestError) -> String? in
                    do {
                        let store = try database.open()
                        return try store.transaction {
                            try Self.ship(orderId, eventId: "S-\(orderId)", store: store, zone: zone)
                        }
                    } catch {
                        throw TestError("\(error)")
                    }
                }
                taken.results.withLock { $0[orderId] = result }
            }
            thread.start()
            return thread
        }
        func waitFor(_ orderId: String) throws -> String? {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if let result = taken.results.withLock({ $0[orderId] }) { return try result.get() }
                usleep(10_000)
            }
            throw TestError("\(orderId) was not shipped in time")
        }

        // A takes number 1 and rolls back while B waits for it: B gets number 1.
        try h.store.begin(durable: false)
        #expect(try Self.ship("O1", eventId: "S-O1", store: h.store, zone: zone) == "IN/26-27/0000001")
        _ = shipElsewhere("O2")
        try Self.waitForLockWaiter(database)
        h.store.rollback()
        #expect(try waitFor("O2") == "IN/26-27/0000001")

        // A takes number 2 and commits while B waits: B gets number 3.
        try h.store.begin(durable: false)
        #expect(try Self.ship("O1", eventId: "S-O1", store: h.store, zone: zone) == "IN/26-27/0000002")
        _ = shipElsewhere("O3")
        try Self.waitForLockWaiter(database)
        try h.store.commit()
        #expect(try waitFor("O3") == "IN/26-27/0000003")

        let fourth = try h.store.transaction { try Self.ship("O4", eventId: "S-O4", store: h.store, zone: zone) }
        #expect(fourth == "IN/26-27/0000004")
        #expect(
            try database.rows("SELECT order_id, seq FROM invoices ORDER BY seq")
                == [["O2", "1"], ["O1", "2"], ["O3", "3"], ["O4", "4"]])
        #expect(try database.rows("SELECT last_seq FROM number_series") == [["4"]])
    }

    /// A CSV row with NUL bytes, read and judged as the engine does, and what reaches the store.
    /// SQLite keeps text as it is; PostgreSQL's `text` cannot hold NUL, yet the row must be
    /// recorded whole (its `.rejected.csv` line the same on both), and cost nothing more: the
    /// transaction that holds it goes on and commits. Text of applied events with NUL bytes (an
    /// order id, a reason) is read back the same too.
    @Test func textWithNULBytesIsKeptWholeOnBothStores() throws {
        let csv =
            "event_id,entity,order_id,status,occurred_at,reason,customer_id,sku,quantity,unit_price\n"
            + "E1,order,O\u{0}1,PEND\u{0}ING,2026-01-01T10:00:00+05:30,x,C,A,1,5\n"
            + "E2,order,O\u{0}2,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,\u{FFFF}why\u{0}\\0,C\u{0},A,1,5\n"
        var source = InMemoryByteSource(Array(csv.utf8))
        let header = try CSVEventReader.readHeader(from: &source)
        var reader = CSVEventReader(
            source: InMemoryByteSource(Array(csv.utf8), position: Int(header.byteLength)), header: header,
            startOffset: header.byteLength, startLine: header.nextLine)
        let bad = try #require(try reader.next())
        let good = try #require(try reader.next())
        // The reader and validator let the NUL through: the rejection's message quotes it.
        let validator = EventValidator(feed: "all", zone: zone)
        guard case .failure(let rejection) = validator.validate(bad) else {
            Issue.record("a status with a NUL in it was accepted")
            return
        }
        #expect(rejection.message.contains("PEND\u{0}ING"))
        let event = try validator.validate(good).get()
        #expect(event.orderId == "O\u{0}2" && event.reason == "\u{FFFF}why\u{0}\\0")
        // The rejected rows as the engine makes them (RejectionRows): the source row, then the reject columns.
        let rows = CSVText.row(bad.sourceRows[0] + [rejection.code.rawValue, rejection.message, String(bad.line)])
        #expect(rows.contains("O\u{0}1,PEND\u{0}ING"))

        var rejectionFiles: [String] = []
        for backend in StoreBackend.allCases {
            let h = try StoreTests.Harness(zone: zone, backend: backend)
            try h.store.transaction {
                var entry = AuditEntry(runId: 1, fileId: h.fileId, feed: "all", outcome: .rejected)
                entry.line = bad.line
                entry.eventId = "E1"
                entry.orderId = "O\u{0}1"
                entry.reasonCode = rejection.code
                entry.message = rejection.message
                entry.rejectedRows = rows
                try h.store.recordAudit(entry, recordedAt: Timestamp(milliseconds: 0))
                // The same transaction goes on.
                let judge = Judge(zone: zone, returnWindowDays: 30)
                guard
                    case .applied(let change, let effects) = try judge.judge(
                        event, allowed: StoreTests.Harness.allowAll, state: h.store)
                else { throw TestError("E2 was not applied") }
                let auditId = try #require(
                    try h.store.recordAppliedAudit(
                        event, runId: 1, fileId: h.fileId, line: good.line, recordedAt: Timestamp(milliseconds: 0)))
                _ = try h.store.apply(
                    event, change: change, effects: effects, auditId: auditId, at: Timestamp(milliseconds: 0))
            }
            var text = ""
            try h.store.forEachRejectedRows(ofFile: h.fileId) { text += $0 }
            #expect(text == rows, "\(backend)")
            rejectionFiles.append(text)
            let fresh = try h.reopen()
            #expect(try fresh.order("O\u{0}2")?.status == .pendingPayment, "\(backend)")
            #expect(try fresh.order("O") == nil, "\(backend)")
            #expect(try fresh.orderLines("O\u{0}2").map(\.sku) == ["A"], "\(backend)")
            #expect(try fresh.appliedContentHash(feed: "all", eventId: "E2") == event.contentHash, "\(backend)")
            #expect(try fresh.rejectionCounts(ofFile: h.fileId) == [rejection.code.rawValue: 1], "\(backend)")
        }
        #expect(rejectionFiles.count == 2 && rejectionFiles[0] == rejectionFiles[1])
    }

    /// A write that fails (here a second creation of the same order) fails its transaction, on
    /// PostgreSQL too, where it is sent ahead without waiting and its error comes back with the
    /// next statement or COMMIT; nothing of the transaction stays, and the connection goes on.
    @Test(arguments: StoreBackend.allCases)
    func aFailedWriteFailsItsTransaction(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        try h.order(
            "O1", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"],
            items: [[.sku: "A", .quantity: "1", .unitPrice: "5"]])
        var raw = RawEvent(line: 9)
        for (field, value) in [
            (EventField.eventId, "AGAIN"), (.entity, "order"), (.orderId, "O1"), (.status, "PENDING_PAYMENT"),
            (.occurredAt, "2026-01-01T10:00:00+05:30"), (.customerId, "C"),
        ] { raw[field] = RawValue(value) }
        var item = RawItem()
        for (field, value) in [(ItemField.sku, "A"), (.quantity, "1"), (.unitPrice, "5")] {
            item[field] = RawValue(value)
        }
        raw.items = [item]
        let event = try h.validator.validate(raw).get()
        let error = #expect(throws: StoreError.self) {
            try h.store.transaction {
                let id = try #require(
                    try h.store.recordAppliedAudit(
                        event, runId: 1, fileId: h.fileId, line: 9, recordedAt: Timestamp(milliseconds: 0)))
                _ = try h.store.apply(
                    event, change: .createOrder(total: Money(paise: 500)), effects: [], auditId: id,
                    at: Timestamp(milliseconds: 0))
            }
        }
        // The order's key, refused in its header (SQLite) or lines (PostgreSQL checks those first).
        #expect(error?.kind == .backend)
        #expect(error.map { $0.message.contains("order_headers") || $0.message.contains("order_items") } == true)
        #expect(try h.database.rows("SELECT count(*) FROM audit_events WHERE event_id = 'AGAIN'") == [["0"]])
        // The same when the failure comes back with the next statement rather than COMMIT.
        #expect(throws: StoreError.self) {
            try h.store.transaction {
                let id = try #require(
                    try h.store.recordAppliedAudit(
                        event, runId: 1, fileId: h.fileId, line: 9, recordedAt: Timestamp(milliseconds: 0)))
                _ = try h.store.apply(
                    event, change: .createOrder(total: Money(paise: 500)), effects: [], auditId: id,
                    at: Timestamp(milliseconds: 0))
                var entry = AuditEntry(runId: 1, fileId: h.fileId, feed: "all", outcome: .duplicate)
                entry.message = "after the failed write"
                try h.store.recordAudit(entry, recordedAt: Timestamp(milliseconds: 0))
            }
        }
        #expect(try h.database.rows("SELECT count(*) FROM audit_events") == [["1"]])
        try h.order("O1", "PAID", "2026-01-01T11:00:00+05:30", [.amount: "5", .paymentRef: "P"])
        #expect(try h.reopen().order("O1")?.status == .paid)
    }

    /// The judge's reads of returns: held quantities count the order's other returns by their
    /// newest applied status (not a rejected or duplicate audit row's), and a return's snapshot
    /// is its newest applied transition, from a fresh connection as from the cache.
    @Test(arguments: StoreBackend.allCases)
    func returnReadsFollowTheAppliedHistoryOnly(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        try h.order(
            "O1", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"],
            items: [[.sku: "A", .quantity: "3", .unitPrice: "5"], [.sku: "B", .quantity: "1", .unitPrice: "7"]])
        try h.order("O1", "PAID", "2026-01-01T11:00:00+05:30", [.amount: "22", .paymentRef: "P"])
        try h.order("O1", "PROCESSING_IN_WAREHOUSE", "2026-01-01T12:00:00+05:30")
        try h.order("O1", "SHIPPED", "2026-01-02T10:00:00+05:30")
        try h.order("O1", "DELIVERED", "2026-01-03T10:00:00+05:30")
        func ret(_ id: String, _ status: String, _ time: String, items: [[ItemField: String]] = []) throws -> Verdict {
            try h.send(
                [
                    .eventId: "E\(h.line)", .entity: "return", .orderId: "O1", .returnId: id, .status: status,
                    .occurredAt: time, .reason: "damaged",
                ], items: items)
        }
        try ret("R1", "REQUESTED", "2026-01-04T10:00:00+05:30", items: [[.sku: "A", .quantity: "2"]])
        try ret("R2", "REQUESTED", "2026-01-04T11:00:00+05:30", items: [[.sku: "B", .quantity: "1"]])
        try ret("R2", "REJECTED", "2026-01-04T12:00:00+05:30")
        // A rejected event that would have rejected R1: its audit row is not R1's history.
        try h.store.transaction {
            var entry = AuditEntry(runId: 1, fileId: h.fileId, feed: "all", outcome: .rejected)
            entry.eventId = "X"
            entry.entity = "return"
            entry.orderId = "O1"
            entry.returnId = "R1"
            entry.status = "REJECTED"
            entry.occurredAt = Timestamp(milliseconds: 0)
            entry.reasonCode = .outOfOrder
            entry.message = "too early"
            try h.store.recordAudit(entry, recordedAt: Timestamp(milliseconds: 0))
        }
        for store in [h.store, try h.reopen()] {
            #expect(try store.heldReturnQuantities(orderId: "O1", excluding: "R9") == ["A": 2])
            #expect(try store.heldReturnQuantities(orderId: "O1", excluding: "R1") == [:])
            #expect(try store.returnSnapshot("R1")?.status == .requested)
            #expect(try store.returnSnapshot("R2")?.status == .rejected)
            #expect(try store.returnSnapshot("R9") == nil)
            #expect(try store.returnItems("R1") == ["A": 2])
            #expect(try store.orderLines("O1").map(\.sku) == ["A", "B"])
        }
        // A third return may take what is left of A (1), not more.
        #expect(
            try ret("R3", "REQUESTED", "2026-01-05T10:00:00+05:30", items: [[.sku: "A", .quantity: "2"]]).outcome
                == .rejected)
        #expect(
            try ret("R3", "REQUESTED", "2026-01-05T10:00:00+05:30", items: [[.sku: "A", .quantity: "1"]]).outcome
                == .applied)
    }
}
