import OrdreconCore
import Testing

@Suite("JSON array events")
struct JSONArrayEventReaderTests {
    static let elements = [
        #"{"event_id": "e1", "entity": "order", "order_id": 17, "status": "PAID", "amount": 1299.50, "payment_ref": "pay_1"}"#,
        #"{"event_id": "e2", "items": [{"sku": "A", "quantity": 2, "unit_price": "10.00"}, {"sku": "B", "quantity": "1", "unit_price": 5}]}"#,
        #"[1, 2]"#,
        #"{"event_id": "e4", "amount": {"value": 5}}"#,
        #"{"event_id": "e5", "reason": "\u00e9\ud83d\ude00", "meta": {"events": [1, 2]}}"#,
        #"null"#,
        #"{}"#,
    ]

    static var arrayText: String { "\u{FEFF} [\n  " + elements.joined(separator: " ,\n  ") + "\n]\n" }
    static var objectText: String {
        "{\"source\": \"shop\", \"meta\": {\"events\": []},\n \"events\": [" + elements.joined(separator: ",")
            + "], \"trailer\": [1, 2, {\"x\": \"]\"}]}"
    }

    @Test(arguments: chunkSizes)
    func readsEventsOfBothShapes(chunkSize: Int) throws {
        for text in [Self.arrayText, Self.objectText] {
            let events = try jsonArray(text, chunkSize: chunkSize)
            try #require(events.count == 7)
            #expect(events.map(\.line) == [1, 2, 3, 4, 5, 6, 7])
            #expect(events.map(\.nextLine) == [2, 3, 4, 5, 6, 7, 8])
            #expect(
                events[0].values == [
                    "event_id": "e1", "entity": "order", "order_id": "#17", "status": "PAID", "amount": "#1299.50",
                    "payment_ref": "pay_1",
                ])
            #expect(
                events[1].items == [
                    ["sku": "A", "quantity": "#2", "unit_price": "10.00"],
                    ["sku": "B", "quantity": "1", "unit_price": "#5"],
                ])
            #expect(events[2].malformed == "the event must be a JSON object, got array")
            #expect(events[3].malformed == "field amount must be a string or number, got object")
            #expect(events[4].values["reason"] == "é😀")
            #expect(events[4].malformed == nil)
            #expect(events[5].malformed == "the event must be a JSON object, got null")
            #expect(events[6].malformed == nil && events[6].values.isEmpty)
            #expect(events.allSatisfy { $0.sourceText == nil && $0.sourceRows.isEmpty })
        }
    }

    @Test func endOffsetIsJustAfterTheElement() throws {
        let text = Self.arrayText
        let events = try jsonArray(text)
        let bytes = Array(text.utf8)
        for (index, event) in events.enumerated() {
            let element = Array(Self.elements[index].utf8)
            let end = Int(event.endOffset)
            #expect(Array(bytes[(end - element.count)..<end]) == element, "event \(index + 1)")
        }
    }

    @Test(arguments: chunkSizes)
    func resumingAfterAnyEventGivesTheRest(chunkSize: Int) throws {
        for text in [Self.arrayText, Self.objectText] {
            let bytes = Array(text.utf8)
            let events = try readJSONArray(bytes, chunkSize: chunkSize)
            let all = events.map(EventSnapshot.init)
            #expect(all.count == 7)
            for (index, event) in events.enumerated() {
                let rest = try readJSONArray(bytes, from: event.endOffset, index: event.nextLine, chunkSize: chunkSize)
                #expect(rest.map(EventSnapshot.init) == Array(all[(index + 1)...]), "after event \(index + 1)")
            }
        }
    }

    @Test(arguments: ["[]", " [ ] ", "{\"events\": [], \"x\": 1}", "{\"x\": {\"events\": [1]}, \"events\": [\n]}"])
    func emptyArrayHasNoEvents(_ text: String) throws {
        #expect(try jsonArray(text, chunkSize: 1).isEmpty)
    }

    @Test func numbersAndIdsKeepTheirText() throws {
        let events = try jsonArray(
            #"[{"amount": 1e3, "event_id": 123, "tracking_number": -7, "items": [{"gst_rate": 0.050}]}]"#)
        #expect(events[0].values == ["amount": "#1e3", "event_id": "#123", "tracking_number": "#-7"])
        #expect(events[0].items == [["gst_rate": "#0.050"]])
    }

    @Test func elementLongerThanOneMebibyteIsMalformed() throws {
        let big = "{\"reason\": \"" + String(repeating: "x", count: 1 << 20) + "\"}"
        let text = "[" + big + ", {\"event_id\": \"e2\"}, " + big + "]"
        for chunkSize in [7, 1 << 16] {
            let events = try jsonArray(text, chunkSize: chunkSize)
            try #require(events.count == 3)
            #expect(events[0].malformed == "event is longer than 1 MiB (1048576 bytes)")
            #expect(events[1].values["event_id"] == "e2")
            #expect(events[1].malformed == nil)
            #expect(events[2].malformed == "event is longer than 1 MiB (1048576 bytes)")
            #expect(events[2].endOffset == Int64(text.utf8.count - 1))
        }
    }

    @Test func elementOfExactlyOneMebibyteIsFine() throws {
        let frame = "{\"reason\":\"\"}".utf8.count
        let exact = "{\"reason\":\"" + String(repeating: "x", count: (1 << 20) - frame) + "\"}"
        let events = try jsonArray("[" + exact + "]", chunkSize: 1 << 16)
        #expect(events.count == 1)
        #expect(events.first?.malformed == nil)
    }

    @Test func syntaxErrorAfterTheCheckThrows() throws {
        // The reader trusts the checker; if the bytes changed, it refuses rather than guessing.
        let bytes = Array("[{\"event_id\": \"e1\"}, {\"event_id\" 1}]".utf8)
        var reader = JSONArrayEventReader(
            source: InMemoryByteSource(bytes), shape: .array, startOffset: 0, startIndex: 1)
        #expect(try reader.next()?.values[EventField.eventId.rawValue]?.text == "e1")
        #expect(throws: FeedFileError.self) { try reader.next() }
    }
}
