import OrdreconCore
import Testing

@Suite("JSON Lines events")
struct JSONLinesEventReaderTests {
    private func one(_ line: String) throws -> EventSnapshot {
        let events = try jsonLines(line + "\n")
        try #require(events.count == 1)
        return events[0]
    }

    @Test(arguments: chunkSizes)
    func eventsPerLineWithBlankLinesCounted(chunkSize: Int) throws {
        let text =
            "\u{FEFF}{\"event_id\":\"e1\",\"entity\":\"order\",\"order_id\":\"o1\",\"status\":\"PAID\",\"amount\":1299.50}\r\n"
            + "\n   \t\r\n"
            + "{\"event_id\": 42, \"order_id\": 123456789012345678901234567890, \"amount\": \"10\"}\n"
            + "{\"event_id\":\"e3\"}"
        let events = try jsonLines(text, chunkSize: chunkSize)
        try #require(events.count == 3)
        #expect(events.map(\.line) == [1, 4, 5])
        #expect(events.map(\.nextLine) == [2, 5, 6])
        #expect(
            events[0].values == [
                "event_id": "e1", "entity": "order", "order_id": "o1", "status": "PAID", "amount": "#1299.50",
            ])
        #expect(events[0].endOffset == offsetAfterLines(1, of: text))
        #expect(
            events[1].values == [
                "event_id": "#42", "order_id": "#123456789012345678901234567890", "amount": "10",
            ])
        #expect(events[1].endOffset == offsetAfterLines(4, of: text))
        #expect(events[2].endOffset == Int64(text.utf8.count))
        #expect(events.allSatisfy { $0.malformed == nil && $0.sourceText == nil && $0.sourceRows.isEmpty })
    }

    @Test(arguments: ["1299.50", "1e3", "-0.5", "12.5E+02", "0"])
    func numbersKeepTheirLiteralText(_ literal: String) throws {
        let event = try one(
            "{\"amount\": \(literal), \"items\": [{\"unit_price\": \(literal), \"quantity\": \(literal)}]}")
        #expect(event.values["amount"] == "#" + literal)
        #expect(event.items == [["unit_price": "#" + literal, "quantity": "#" + literal]])
        #expect(event.malformed == nil)
    }

    @Test func stringEscapesAndSurrogatePairs() throws {
        let event = try one(#"{"reason": "a\"b\\c\/d\be\ff\ng\rh\ti \u00e9\u20B9 \ud83d\ude00 ಕ", "actor": "\u0041"}"#)
        #expect(event.values["reason"] == "a\"b\\c/d\u{8}e\u{C}f\ng\rh\ti é₹ 😀 ಕ")
        #expect(event.values["actor"] == "A")
        #expect(event.malformed == nil)
    }

    @Test(arguments: [#""\ud83d""#, #""\ude00x""#, #""\ud83d\u0041""#])
    func unpairedSurrogateInAFieldIsMalformed(_ value: String) throws {
        let event = try one("{\"reason\": \(value)}")
        #expect(event.malformed == "field reason has an invalid \\u escape (an unpaired surrogate)")
    }

    @Test(arguments: [
        (#"{"amount": {"value": 1}}"#, "field amount must be a string or number, got object"),
        (#"{"amount": [1]}"#, "field amount must be a string or number, got array"),
        (#"{"amount": true}"#, "field amount must be a string or number, got boolean"),
        (#"{"status": 3}"#, "field status must be a string, got number"),
        (#"{"status": false}"#, "field status must be a string, got boolean"),
        (
            #"{"event_id": 1.5}"#,
            "field event_id must be a string or an integer, got a number with a fraction or exponent"
        ),
        (
            #"{"order_id": 1e3}"#,
            "field order_id must be a string or an integer, got a number with a fraction or exponent"
        ),
        (#"{"items": {"sku": "A"}}"#, "field items must be an array of objects, got object"),
        (#"{"items": "A"}"#, "field items must be an array of objects, got string"),
        (#"{"items": [{"sku": "A"}, "B"]}"#, "item 2 must be an object, got string"),
        (#"{"items": [null]}"#, "item 1 must be an object, got null"),
        (#"{"items": [{"sku": 12}]}"#, "field sku of item 1 must be a string, got number"),
        (#"{"items": [{"quantity": [2]}]}"#, "field quantity of item 1 must be a string or number, got array"),
        (#"{"status": "PAID", "Status": "PAID"}"#, "duplicate key status"),
        (#"{"note": 1, "x": 2, "note": 3}"#, "duplicate key note"),
        (#"{"items": [], "items": []}"#, "duplicate key items"),
        (#"{"items": [{"sku": "A", "SKU": "B"}]}"#, "duplicate key sku in item 1"),
        (#"{"items": [{"n": 1, "n": 1}]}"#, "duplicate key n in item 1"),
        (#"[{"event_id": "e1"}]"#, "the event must be a JSON object, got array"),
        (#""e1""#, "the event must be a JSON object, got string"),
        ("42", "the event must be a JSON object, got number"),
        ("null", "the event must be a JSON object, got null"),
    ])
    func typeErrorsMakeTheEventMalformed(_ line: String, _ message: String) throws {
        let event = try one(line)
        #expect(event.malformed == message)
        #expect(event.sourceText == line)
    }

    @Test func onlyTheFirstTypeErrorIsReportedAndGoodFieldsAreKept() throws {
        let event = try one(#"{"event_id": "e1", "status": 1, "amount": true}"#)
        #expect(event.malformed == "field status must be a string, got number")
        #expect(event.values["event_id"] == "e1")
    }

    @Test func nullIsAbsentAndUnknownKeysAreSkipped() throws {
        let event = try one(
            #"{"EVENT_ID": "e1", "reason": null, "items": null, "meta": {"deep": [1, {"x": [true, false, null]}], "s": "\u00e9"}, "Order_Id": "o1"}"#
        )
        #expect(event.values == ["event_id": "e1", "order_id": "o1"])
        #expect(event.items.isEmpty)
        #expect(event.malformed == nil)
    }

    @Test func escapedKnownKeyIsRecognised() throws {
        let event = try one(#"{"st\u0061tus": "PAID", "\u0073ku": "not an item field here"}"#)
        #expect(event.values["status"] == "PAID")
        #expect(event.malformed == nil)
    }

    @Test func itemsBecomeRawItems() throws {
        let event = try one(
            #"{"items": [{"sku": "A", "quantity": 2, "unit_price": "10.50", "hsn": 6109, "gst_rate": 12, "colour": "red"}, {}, {"sku": "B", "quantity": null}]}"#
        )
        #expect(
            event.items == [
                ["sku": "A", "quantity": "#2", "unit_price": "10.50", "hsn": "#6109", "gst_rate": "#12"], [:],
                ["sku": "B"],
            ])
    }

    @Test(arguments: [
        (#"{"event_id": "e1""#, "line is not valid JSON: unexpected end, expected ',' or '}' (column 18)"),
        (#"{"event_id": "e1"} x"#, "line is not valid JSON: unexpected 'x' after the event (column 20)"),
        (#"{"event_id": 'e1'}"#, "line is not valid JSON: expected a value, found ''' (column 14)"),
        (#"{"amount": 01}"#, "line is not valid JSON: expected ',' or '}', found '1' (column 13)"),
        (#"{"amount": 1.}"#, "line is not valid JSON: expected a digit after the decimal point, found '}' (column 14)"),
        (#"{"reason": "a\qb"}"#, "line is not valid JSON: invalid escape \\q (column 15)"),
        (#"{"reason": "\u12"}"#, "line is not valid JSON: invalid \\u escape (it needs 4 hex digits) (column 14)"),
        ("{\"reason\": \"tab\there\"}", "line is not valid JSON: control character byte 0x09 inside a string"),
        (#"{"x": tru}"#, "line is not valid JSON: expected true, found '}' (column 10)"),
        (#"{"x": [1, 2,]}"#, "line is not valid JSON: expected a value, found ']' (column 13)"),
        (#"{"x": {"a" 1}}"#, "line is not valid JSON: expected ':', found '1' (column 12)"),
        (#"{event_id: 1}"#, "line is not valid JSON: expected a key string, found 'e' (column 2)"),
        ("}", "line is not valid JSON: expected a value, found '}' (column 1)"),
    ])
    func badLineIsMalformedAndReadingGoesOn(_ line: String, _ message: String) throws {
        let text = "{\"event_id\":\"e1\"}\n" + line + "\n{\"event_id\":\"e3\"}\n"
        for chunkSize in [1, 1 << 16] {
            let events = try jsonLines(text, chunkSize: chunkSize)
            try #require(events.count == 3)
            #expect(events[1].malformed?.hasPrefix(message) == true, "\(events[1].malformed ?? "nil")")
            #expect(events[1].sourceText == line)
            #expect(events[1].values.isEmpty)
            #expect(events[1].line == 2)
            #expect(events[2].values["event_id"] == "e3")
            #expect(events[2].line == 3)
        }
    }

    @Test func lineThatIsNotUTF8IsMalformed() throws {
        var bytes = Array("{\"event_id\":\"e1\"}\n{\"reason\":\"caf".utf8)
        bytes += [0xE9]
        bytes += Array("\"}\r\n{\"event_id\":\"e3\"}\n".utf8)
        let events = try readJSONLines(bytes).map(EventSnapshot.init)
        try #require(events.count == 3)
        #expect(events[1].malformed == "line is not valid UTF-8 (column 15)")
        #expect(events[1].sourceText == "{\"reason\":\"caf\u{FFFD}\"}")
        #expect(events[2].values["event_id"] == "e3")
    }

    @Test func overLongLineIsMalformedWithItsStartKept() throws {
        let long = "{\"reason\":\"" + String(repeating: "é", count: 600_000) + "\"}"
        let text = long + "\n{\"event_id\":\"e2\"}\n" + long
        for chunkSize in [7, 1 << 16] {
            let events = try jsonLines(text, chunkSize: chunkSize)
            try #require(events.count == 3)
            #expect(events[0].malformed == "line is longer than 1 MiB (1048576 bytes)")
            let kept = events[0].sourceText ?? ""
            #expect(kept.utf8.count <= 4096 && kept.utf8.count > 4090)
            #expect(kept.hasPrefix("{\"reason\":\"éé"))
            #expect(!kept.contains("\u{FFFD}"))
            #expect(events[1].values["event_id"] == "e2")
            #expect(events[1].line == 2)
            #expect(events[2].malformed == "line is longer than 1 MiB (1048576 bytes)")
            #expect(events[2].endOffset == Int64(text.utf8.count))
        }
    }

    @Test func lineOfExactlyOneMebibyteIsFineOneMoreByteIsNot() throws {
        let frame = "{\"reason\":\"\"}".utf8.count
        let exact = "{\"reason\":\"" + String(repeating: "x", count: (1 << 20) - frame) + "\"}"
        let text = exact + "\r\n" + " " + exact + "\n"
        let events = try jsonLines(text)
        try #require(events.count == 2)
        #expect(events[0].malformed == nil)
        #expect(events[0].values["reason"]?.utf8.count == (1 << 20) - frame)
        #expect(events[1].malformed == "line is longer than 1 MiB (1048576 bytes)")
        #expect(events[1].sourceText?.utf8.count == 4096)
    }

    static let mixed =
        "{\"event_id\":\"e1\",\"items\":[{\"sku\":\"A\",\"quantity\":1}]}\r\n"
        + "\n"
        + "{\"event_id\": 2, \"amount\": 1e3}\n"
        + "not json\n"
        + "  \n"
        + "{\"event_id\":\"e4\",\"reason\":\"\\ud83d\\ude00\\n\"}\n"
        + "[1,2]\n"
        + "{\"event_id\":\"e6\"}"

    @Test(arguments: chunkSizes)
    func sameEventsWhateverTheChunkSize(chunkSize: Int) throws {
        let expected = try jsonLines(Self.mixed)
        #expect(try jsonLines(Self.mixed, chunkSize: chunkSize) == expected)
        #expect(expected.map(\.line) == [1, 3, 4, 6, 7, 8])
    }

    @Test(arguments: chunkSizes)
    func resumingAfterAnyEventGivesTheRest(chunkSize: Int) throws {
        for text in [Self.mixed, Self.mixed + "\n", Self.mixed + "\n\n  \n"] {
            let bytes = Array(text.utf8)
            let events = try readJSONLines(bytes, chunkSize: chunkSize)
            let all = events.map(EventSnapshot.init)
            for (index, event) in events.enumerated() {
                let rest = try readJSONLines(bytes, from: event.endOffset, line: event.nextLine, chunkSize: chunkSize)
                #expect(rest.map(EventSnapshot.init) == Array(all[(index + 1)...]), "after event \(index + 1)")
            }
        }
    }

    @Test func emptyFileHasNoEvents() throws {
        #expect(try jsonLines("").isEmpty)
        #expect(try jsonLines("\n\r\n  ").isEmpty)
        #expect(try jsonLines("\u{FEFF}").isEmpty)
    }
}
