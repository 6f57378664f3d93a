import Foundation
import OrdreconCore
import Testing

/// The optional invoice data of order `PENDING_PAYMENT` events: read from CSV and JSON by name,
/// validated in step 3, hashed only when present.
@Suite("Invoice data fields")
struct InvoiceDataFieldTests {
    static let validGSTIN = "29ABCDE1234F1ZW"
    static let item = ["sku": "A", "quantity": "1", "unit_price": "100.00"]

    static func pending(_ extra: [EventField: String], items: [[String: String]] = [item]) -> RawEvent {
        var fields = extra
        fields[.customerId] = "C1"
        return Fixture.raw(entity: "order", status: "PENDING_PAYMENT", extra: fields, items: items)
    }

    static func validate(_ raw: RawEvent) -> Result<FeedEvent, Rejection> {
        EventValidator(feed: "storefront", zone: Fixture.zone).validate(raw)
    }

    static func rejection(_ raw: RawEvent) -> Rejection? {
        if case .failure(let rejection) = validate(raw) { return rejection }
        return nil
    }

    @Test func csvQuotedMultiLineAddressAndNonLatinName() throws {
        let text =
            "event_id,entity,order_id,status,occurred_at,customer_id,customer_name,billing_address,billing_state,customer_gstin,sku,quantity,unit_price,description\n"
            + "e1,order,o1,PENDING_PAYMENT,2026-01-01T10:00,c1,Ανδρέας Παπαδόπουλος,\"12 MG Road\r\nIndiranagar\nBengaluru 560038\",ka,,A,1,100.00,\"Cotton kurta, blue\"\n"
            + "e1,,,,,,,,,,B,2,50.00,Ирина's scarf\n"
            + "e2,order,o1,PAID,2026-01-01T11:00,,,,,,,,,\n"
        for chunkSize in chunkSizes {
            let (_, events) = try readCSV(text, chunkSize: chunkSize)
            try #require(events.count == 2)
            #expect(events[0].line == 2)
            #expect(events[1].line == 6)  // the address spans lines 2 to 4, the item row is line 5
            let event = try Self.validate(events[0]).get()
            #expect(event.buyer.name == "Ανδρέας Παπαδόπουλος")
            #expect(event.buyer.addressLines == ["12 MG Road", "Indiranagar", "Bengaluru 560038"])
            #expect(event.buyer.state == "KA")
            #expect(event.buyer.gstin == nil)
            #expect(event.items.map(\.description) == ["Cotton kurta, blue", "Ирина's scarf"])
        }
    }

    @Test func jsonKeysByName() throws {
        let line =
            #"{"event_id":"e1","entity":"order","order_id":"o1","status":"PENDING_PAYMENT","occurred_at":"2026-01-01T10:00","customer_id":"c1","customer_name":"Ирина","billing_address":"Flat 4\nMG Road","billing_state":"MH","customer_gstin":"29ABCDE1234F1ZW","items":[{"sku":"A","quantity":1,"unit_price":"100.00","description":"Tea, 250 g"}]}"#
        let jsonl = try readJSONLines(Array((line + "\n").utf8))
        let array = try readJSONArray(Array(("[" + line + "]").utf8))
        let a = try Self.validate(jsonl[0]).get()
        let b = try Self.validate(array[0]).get()
        #expect(
            a.buyer
                == InvoiceBuyer(
                    name: "Ирина", addressLines: ["Flat 4", "MG Road"], state: "MH", gstin: Self.validGSTIN))
        #expect(a.items.first?.description == "Tea, 250 g")
        #expect(a.contentHash == b.contentHash)
        // A description is text: a JSON number there is malformed, like a number for a SKU.
        let numeric = line.replacingOccurrences(of: #""Tea, 250 g""#, with: "42")
        #expect(try readJSONLines(Array((numeric + "\n").utf8))[0].malformed != nil)
    }

    @Test func sameContentSameHashAcrossFormsAndLineEnds() throws {
        let csv =
            "event_id,entity,order_id,status,occurred_at,customer_id,billing_address,sku,quantity,unit_price\n"
            + "E1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,\"A\r\nB\",A,1,100.00\n"
        let fromCSV = try Self.validate(try readCSV(csv).1[0]).get()
        let fromFields = try Self.validate(Self.pending([.billingAddress: "A\nB"])).get()
        #expect(fromCSV.contentHash == fromFields.contentHash)
    }

    @Test func invalidValuesNameTheFieldAndWhatIsWrong() throws {
        let gstin = try #require(Self.rejection(Self.pending([.customerGSTIN: "29ABCDE1234F1Z5"])))
        #expect(gstin.code == .invalidValue)
        #expect(gstin.message.contains("customer_gstin \"29ABCDE1234F1Z5\""))
        #expect(gstin.message.contains("check character"))
        let lower = try #require(Self.rejection(Self.pending([.customerGSTIN: "29abcde1234f1z5"])))
        #expect(lower.message.contains("capitals"))
        let state = try #require(Self.rejection(Self.pending([.billingState: "XX"])))
        #expect(state.code == .invalidValue)
        #expect(state.message.contains("billing_state \"XX\" is not an Indian state code"))
        let name = try #require(Self.rejection(Self.pending([.customerName: String(repeating: "Ж", count: 121)])))
        #expect(name.code == .invalidValue)
        #expect(name.message.contains("customer_name is 121 characters long; at most 120"))
        #expect(Self.rejection(Self.pending([.customerName: String(repeating: "Ж", count: 120)])) == nil)
        let lines = try #require(
            Self.rejection(Self.pending([.billingAddress: (1...9).map { "line \($0)" }.joined(separator: "\n")])))
        #expect(lines.message.contains("billing_address has 9 lines"))
        let control = try #require(Self.rejection(Self.pending([.customerName: "A\u{7}B"])))
        #expect(control.message.contains("customer_name holds a control character (U+0007)"))
        let breakInName = try #require(Self.rejection(Self.pending([.customerName: "A\nB"])))
        #expect(breakInName.message.contains("customer_name holds a line break"))
        var longItem = Self.item
        longItem["description"] = String(repeating: "x", count: 201)
        let description = try #require(Self.rejection(Self.pending([:], items: [longItem])))
        #expect(description.code == .invalidValue)
        #expect(description.message.contains("item 1: description is 201 characters long"))
    }

    @Test func reasonCodeOrderIsKept() throws {
        // A missing field (step 2) wins over an invalid GSTIN (step 3).
        var raw = Self.pending([.customerGSTIN: "bad"])
        raw[.customerId] = nil
        #expect(Self.rejection(raw)?.code == .missingField)
        // A bad time is found before the invoice data (both step 3: the fields every event has first).
        var late = Self.pending([.customerGSTIN: "bad"])
        late[.occurredAt] = RawValue("yesterday")
        #expect(Self.rejection(late)?.message.hasPrefix("occurred_at") == true)
    }

    @Test func otherEventsIgnoreTheFields() throws {
        let paid = Fixture.raw(
            entity: "order", status: "PAID",
            extra: [.amount: "10.00", .paymentRef: "P", .customerGSTIN: "bad", .customerName: "N"])
        let event = try Self.validate(paid).get()
        #expect(event.buyer.isEmpty)
        let plain = Fixture.raw(entity: "order", status: "PAID", extra: [.amount: "10.00", .paymentRef: "P"])
        #expect(try Self.validate(plain).get().contentHash == event.contentHash)
    }

    /// Hashes stored before the fields existed must still match. The values are the hashes of
    /// the field sequence before this change (worked out independently of this code), and an
    /// event without invoice data must keep them.
    @Test func eventsWithoutTheFieldsHashAsBefore() throws {
        let pending = try Self.validate(Self.pending([.shipToState: "KA"])).get()
        #expect(pending.contentHash == 15_838_986_376_149_148_254)
        let paid = try Fixture.event(entity: "order", status: "PAID", extra: [.amount: "10.50", .paymentRef: "P"])
        #expect(paid.contentHash == 14_777_456_997_798_141_808)
    }

    @Test func theFieldsCountWhenPresent() throws {
        let plain = try Self.validate(Self.pending([:])).get().contentHash
        var hashes: Set<UInt64> = [plain]
        for extra: [EventField: String] in [
            [.customerName: "N"], [.billingAddress: "N"], [.billingState: "KA"], [.customerGSTIN: Self.validGSTIN],
            [.customerName: "N", .billingAddress: "X"], [.customerName: "N X"],
        ] {
            hashes.insert(try Self.validate(Self.pending(extra)).get().contentHash)
        }
        var described = Self.item
        described["description"] = "N"
        hashes.insert(try Self.validate(Self.pending([:], items: [described])).get().contentHash)
        #expect(hashes.count == 8)
    }
}
