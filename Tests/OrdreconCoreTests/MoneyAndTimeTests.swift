import Foundation
import OrdreconCore
import Testing

struct MoneyTests {
    @Test(arguments: [("1299.50", 129_950), ("1299.5", 129_950), ("0.99", 99), ("7", 700), ("0", 0), ("+3.10", 310)])
    func parses(text: String, paise: Int64) throws {
        #expect(try Money(parsing: text).paise == paise)
    }

    @Test(arguments: [
        ("-5", Money.ParseError.negative), ("1e3", .exponent), ("12.345", .tooManyFractionDigits),
        ("1,299", .notANumber), ("", .empty), (".", .notANumber), ("1.2.3", .notANumber), ("abc", .notANumber),
    ])
    func refuses(text: String, error: Money.ParseError) {
        #expect(throws: error) { try Money(parsing: text) }
    }

    @Test func decimalText() {
        #expect(Money(paise: 129_950).decimalText == "1299.50")
        #expect(Money(paise: 5).decimalText == "0.05")
    }
}

struct TimestampTests {
    let kolkata = TimeZone(identifier: "Asia/Kolkata")!

    @Test(arguments: [
        "2026-11-27T14:05:00+05:30", "2026-11-27T08:35:00Z", "2026-11-27T14:05:00", "2026-11-27 14:05",
        "2026-11-27T14:05:00+0530", "2026-11-27T08:35:00.000z",
    ])
    func sameInstant(text: String) throws {
        #expect(try Timestamp(iso8601: text, zone: kolkata).milliseconds == 1_795_768_500_000)
    }

    @Test(arguments: [
        "2026-13-01T00:00", "2026-02-30T10:00", "2026-11-27", "27/11/2026 10:00", "2026-11-27T25:00",
        "2026-11-27T10:00+5", "2026-11-27T10:00Zjunk",
    ])
    func refuses(text: String) {
        #expect(throws: Timestamp.ParseError.self) { try Timestamp(iso8601: text, zone: kolkata) }
    }

    @Test func fractionsAndDisplay() throws {
        let t = try Timestamp(iso8601: "2026-11-27T14:05:00.123456+05:30", zone: kolkata)
        #expect(t.milliseconds % 1000 == 123)
        #expect(t.iso8601(in: kolkata) == "2026-11-27T14:05:00.123+05:30")
        #expect(Timestamp(milliseconds: 0).utcText == "1970-01-01T00:00:00.000Z")
    }

    @Test func financialYearTurnsOnFirstApril() throws {
        let march = try Timestamp(iso8601: "2027-03-31T23:59:59+05:30", zone: kolkata)
        let april = try Timestamp(iso8601: "2027-04-01T00:00:00+05:30", zone: kolkata)
        #expect(march.civil(in: kolkata).financialYearStart == 2026)
        #expect(april.civil(in: kolkata).financialYearStart == 2027)
        #expect(
            DocumentNumber.format(series: "IN", financialYearStart: 2026, sequence: DocumentNumber.maximumSequence)
                == "IN/26-27/9999999")
        #expect(DocumentNumber.format(series: "IN", financialYearStart: 2026, sequence: 1).count <= 16)
    }
}

struct ValidatorTests {
    func check(_ raw: RawEvent) -> Rejection? {
        if case .failure(let r) = EventValidator(feed: "storefront", zone: Fixture.zone).validate(raw) { return r }
        return nil
    }

    @Test func missingFieldsInOrder() {
        var raw = Fixture.raw(entity: "order", status: "PAID")
        raw[.eventId] = RawValue("  ")
        #expect(check(raw)?.code == .missingField)
        #expect(check(raw)?.message.hasPrefix("event_id") == true)
        #expect(
            check(Fixture.raw(entity: "order", status: "PAID", extra: [.amount: "5"]))?.message.hasPrefix("payment_ref")
                == true)
        #expect(check(Fixture.raw(entity: "return", status: "APPROVED"))?.message.hasPrefix("return_id") == true)
        #expect(check(Fixture.raw(entity: "order", status: "CANCELLED"))?.message.hasPrefix("reason") == true)
        #expect(
            check(Fixture.raw(entity: "order", status: "PENDING_PAYMENT", extra: [.customerId: "C"]))?.message
                .hasPrefix("items") == true)
        #expect(
            check(
                Fixture.raw(
                    entity: "order", status: "PENDING_PAYMENT", extra: [.customerId: "C"],
                    items: [["sku": "A", "quantity": "1"]]))?.message.hasPrefix("unit_price") == true)
    }

    @Test func missingBeatsInvalid() {
        // A bad amount and a missing payment_ref: missing_field comes first.
        #expect(check(Fixture.raw(entity: "order", status: "PAID", extra: [.amount: "1e3"]))?.code == .missingField)
    }

    @Test(arguments: [
        ([EventField.entity: "parcel"], "entity"), ([.status: "LOST"], "status"),
        ([.occurredAt: "yesterday"], "occurred_at"),
        ([.currency: "USD"], "currency"), ([.shipToState: "ZZ"], "ship_to_state"),
    ])
    func invalidValues(extra: [EventField: String], field: String) {
        var raw = Fixture.raw(entity: "order", status: "DELIVERED")
        for (k, v) in extra { raw[k] = RawValue(v) }
        #expect(check(raw)?.code == .invalidValue)
        #expect(check(raw)?.message.hasPrefix(field) == true)
    }

    @Test func itemValues() {
        let base: [EventField: String] = [.customerId: "C"]
        #expect(
            check(
                Fixture.raw(
                    entity: "order", status: "PENDING_PAYMENT", extra: base,
                    items: [["sku": "A", "quantity": "0", "unit_price": "1"]]))?.code == .invalidValue)
        #expect(
            check(
                Fixture.raw(
                    entity: "order", status: "PENDING_PAYMENT", extra: base,
                    items: [["sku": "A", "quantity": "1", "unit_price": "-1"]]))?.code == .invalidValue)
        let twice = check(
            Fixture.raw(
                entity: "order", status: "PENDING_PAYMENT", extra: base,
                items: [
                    ["sku": "A", "quantity": "1", "unit_price": "1"], ["sku": "A", "quantity": "2", "unit_price": "1"],
                ]))
        #expect(twice?.code == .invalidValue)
        #expect(twice?.message.contains("twice") == true)
    }

    @Test func caseInsensitiveAndSameHashAcrossForms() throws {
        let a = try Fixture.event(entity: "ORDER", status: "paid", extra: [.amount: "10.5", .paymentRef: "P"])
        var raw = Fixture.raw(entity: "order", status: "PAID", extra: [.amount: "10.50", .paymentRef: "P"])
        raw[.amount] = RawValue("10.50", isNumber: true)
        raw[.occurredAt] = RawValue("2026-01-01T04:30:00Z")
        let b = try EventValidator(feed: "test", zone: Fixture.zone).validate(raw).get()
        #expect(a.contentHash == b.contentHash)
        let c = try Fixture.event(entity: "order", status: "PAID", extra: [.amount: "10.51", .paymentRef: "P"])
        #expect(a.contentHash != c.contentHash)
    }
}

struct JudgeOrderTests {
    @Test func returnChecksInContractOrder() throws {
        let state = MemoryState.deliveredOrder()
        func verdict(_ items: [[String: String]], at time: String = "2026-01-01T10:00:00+05:30", id: String = "R9")
            throws -> Verdict
        {
            var event = try Fixture.event(
                entity: "return", status: "REQUESTED", extra: [.returnId: id, .occurredAt: time], items: items)
            event.occurredAt = try Timestamp(iso8601: time, zone: Fixture.zone)
            return try Fixture.judge.judge(event, allowed: Fixture.allowAll, state: state)
        }
        state.orders["O1"]!.deliveredAt = try Timestamp(iso8601: "2026-01-01T09:00:00+05:30", zone: Fixture.zone)
        #expect(try verdict([["sku": "Z", "quantity": "1"]]).code == .unknownSku)
        #expect(try verdict([["sku": "A", "quantity": "3"]]).code == .quantityExceeded)
        #expect(try verdict([["sku": "A", "quantity": "1"]], at: "2026-01-01T08:00:00+05:30").code == .outOfOrder)
        #expect(
            try verdict([["sku": "A", "quantity": "1"]], at: "2026-02-15T10:00:00+05:30").code == .returnWindowClosed)
        #expect(try verdict([["sku": "A", "quantity": "2"]]).outcome == .applied)
        state.returns["R1"] = ReturnSnapshot(
            returnId: "R1", orderId: "O1", status: .approved, lastTransitionAt: Timestamp(milliseconds: 0))
        state.returnItemsByReturn["R1"] = ["A": 2]
        #expect(try verdict([["sku": "A", "quantity": "1"]]).code == .quantityExceeded)
        state.returns["R1"]!.status = .rejected
        #expect(try verdict([["sku": "A", "quantity": "1"]]).outcome == .applied)
        state.returns["R2"] = ReturnSnapshot(
            returnId: "R2", orderId: "O2", status: .approved, lastTransitionAt: Timestamp(milliseconds: 0))
        #expect(try verdict([["sku": "A", "quantity": "1"]], id: "R2").code == .invalidValue)
    }

    @Test func completedReturnRefundsItsItems() throws {
        let state = MemoryState.deliveredOrder()
        state.returns["R1"] = ReturnSnapshot(
            returnId: "R1", orderId: "O1", status: .received, lastTransitionAt: Timestamp(milliseconds: 0))
        state.returnItemsByReturn["R1"] = ["A": 1, "B": 1]
        let event = try Fixture.event(entity: "return", status: "COMPLETED", extra: [.returnId: "R1"])
        let verdict = try Fixture.judge.judge(event, allowed: Fixture.allowAll, state: state)
        guard case .applied(_, let effects) = verdict, case .requestRefund(let refund)? = effects.first else {
            Issue.record("expected a refund, got \(verdict)")
            return
        }
        #expect(refund.amount == Money(paise: 7_000))
        #expect(refund.refundId == "RF.O1.R.R1")
    }

    @Test func eventIdAndFeedChecks() throws {
        let state = MemoryState.deliveredOrder()
        let event = try Fixture.event(entity: "order", status: "DELIVERED")
        state.applied["test|E1"] = event.contentHash
        #expect(try Fixture.judge.judge(event, allowed: [], state: state).outcome == .duplicate)
        state.applied["test|E1"] = event.contentHash &+ 1
        #expect(try Fixture.judge.judge(event, allowed: [], state: state).code == .eventIdConflict)
        state.applied = [:]
        #expect(try Fixture.judge.judge(event, allowed: ["order:PAID"], state: state).code == .feedNotAllowed)
        #expect(try Fixture.judge.judge(event, allowed: Fixture.allowAll, state: state).outcome == .duplicate)
    }
}
