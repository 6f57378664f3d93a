import OrdreconCore
import Testing

@Suite("CSV events")
struct CSVEventReaderTests {
    static let head = "event_id,entity,order_id,status,occurred_at,amount,reason,sku,quantity,unit_price\n"

    @Test(arguments: chunkSizes)
    func plainRows(chunkSize: Int) throws {
        let text =
            Self.head
            + "e1,order,o1,PENDING_PAYMENT,2026-01-01T10:00,,,SKU-1,2,100.00\n"
            + "e2,order,o1,PAID,2026-01-01T11:00,200.00,,,,\n"
        let (header, events) = try readCSV(text, chunkSize: chunkSize)
        #expect(header.nextLine == 2)
        try #require(events.count == 2)
        let first = EventSnapshot(events[0])
        #expect(first.line == 2)
        #expect(first.values["event_id"] == "e1")
        #expect(first.values["amount"] == "")  // present but empty
        #expect(first.values["return_id"] == nil)  // no column
        #expect(first.items == [["sku": "SKU-1", "quantity": "2", "unit_price": "100.00"]])
        #expect(first.endOffset == offsetAfterLines(2, of: text))
        #expect(first.nextLine == 3)
        #expect(
            first.sourceRows == [
                ["e1", "order", "o1", "PENDING_PAYMENT", "2026-01-01T10:00", "", "", "SKU-1", "2", "100.00"]
            ])
        let second = EventSnapshot(events[1])
        #expect(second.line == 3)
        #expect(second.values["amount"] == "200.00")
        #expect(second.items.isEmpty)  // all item fields empty: no item
        #expect(second.endOffset == Int64(text.utf8.count))
        #expect(second.nextLine == 4)
        #expect(events.allSatisfy { $0.malformed == nil && $0.sourceText == nil })
    }

    @Test func valuesAreNotTrimmedAndMoneyKeepsItsText() throws {
        let events = try csvEvents(Self.head + " e1 ,order,o1, PAID ,t,1299.50,  ,,,\n")
        #expect(events[0].values["event_id"] == " e1 ")
        #expect(events[0].values["status"] == " PAID ")
        #expect(events[0].values["amount"] == "1299.50")
        #expect(events[0].values["reason"] == "  ")
    }

    @Test(arguments: chunkSizes)
    func crlfLineEnds(chunkSize: Int) throws {
        let text = "event_id,entity,order_id,status,occurred_at\r\ne1,order,o1,PAID,t1\r\ne2,order,o2,PAID,t2\r\n"
        let events = try csvEvents(text, chunkSize: chunkSize)
        #expect(
            events.map(\.values) == [
                ["event_id": "e1", "entity": "order", "order_id": "o1", "status": "PAID", "occurred_at": "t1"],
                ["event_id": "e2", "entity": "order", "order_id": "o2", "status": "PAID", "occurred_at": "t2"],
            ])
        #expect(events.map(\.endOffset) == [offsetAfterLines(2, of: text), Int64(text.utf8.count)])
        #expect(events.map(\.line) == [2, 3])
    }

    @Test(arguments: chunkSizes)
    func quotedFieldsWithCommasQuotesAndNewlines(chunkSize: Int) throws {
        let text =
            "event_id,entity,order_id,status,occurred_at,reason\n"
            + "e1,order,o1,CANCELLED,t,\"late, very late\"\n"
            + "e2,order,o2,CANCELLED,t,\"she said \"\"no\"\"\"\n"
            + "\"e3\",order,o3,CANCELLED,t,\"line one\nline two\r\nline three\"\r\n"
            + "e4,order,o4,CANCELLED,t,\"\"\n"
            + "e5,order,o5,CANCELLED,t,\"cr\ronly\"\n"
            + "e6,order,o6,CANCELLED,t,bare\rcr\n"
        let events = try csvEvents(text, chunkSize: chunkSize)
        #expect(
            events.map { $0.values["reason"] } == [
                "late, very late", "she said \"no\"", "line one\nline two\r\nline three", "", "cr\ronly", "bare\rcr",
            ])
        #expect(events.map(\.values["event_id"]) == ["e1", "e2", "e3", "e4", "e5", "e6"])
        #expect(events.map(\.line) == [2, 3, 4, 7, 8, 9])
        #expect(events.map(\.nextLine) == [3, 4, 7, 8, 9, 10])
        #expect(events.allSatisfy { $0.malformed == nil })
    }

    @Test(arguments: chunkSizes)
    func emptyLinesAreSkippedButCounted(chunkSize: Int) throws {
        let text =
            "event_id,entity,order_id,status,occurred_at\n\n"
            + "e1,order,o1,PAID,t\n\r\n\n"
            + "e2,order,o2,PAID,t\n\n"
        let events = try csvEvents(text, chunkSize: chunkSize)
        #expect(events.map(\.line) == [3, 6])
        #expect(events[0].endOffset == offsetAfterLines(3, of: text))
        #expect(events[0].nextLine == 4)
        #expect(events[1].endOffset == offsetAfterLines(6, of: text))
        #expect(events[1].nextLine == 7)
    }

    @Test func lastRowWithoutLineEndAndTrailingComma() throws {
        let text = "event_id,entity,order_id,status,occurred_at,reason\ne1,order,o1,PAID,t,\ne2,order,o2,PAID,t,"
        let events = try csvEvents(text)
        #expect(events.count == 2)
        #expect(events[1].values["reason"] == "")
        #expect(events[1].malformed == nil)
        #expect(events[1].endOffset == Int64(text.utf8.count))
        #expect(
            try csvEvents("event_id,entity,order_id,status,occurred_at\ne1,order,o1,PAID,t,")[0].malformed
                == "row has 6 fields, header has 5")
    }

    @Test(arguments: chunkSizes)
    func itemRowsMakeOneEvent(chunkSize: Int) throws {
        let text =
            Self.head
            + "e1,order,o1,PENDING_PAYMENT,t,,,A,1,10\n"
            + "e1,,,,,,,B,2,20.50\n"
            + "\n"
            + "e1,order,o1,PENDING_PAYMENT,t,,,C,3,30\n"
            + "e1,,,,,,,,,\n"
            + "e2,order,o2,PENDING_PAYMENT,t,,,D,1,5\n"
            + "e2,,,,,,,E,1,6"
        let events = try csvEvents(text, chunkSize: chunkSize)
        try #require(events.count == 2)
        #expect(events[0].line == 2)
        #expect(events[0].items.map { $0["sku"] } == ["A", "B", "C"])
        #expect(events[0].items[1] == ["sku": "B", "quantity": "2", "unit_price": "20.50"])
        #expect(events[0].sourceRows.count == 4)
        #expect(events[0].sourceRows[1] == ["e1", "", "", "", "", "", "", "B", "2", "20.50"])
        #expect(events[0].values["status"] == "PENDING_PAYMENT")
        #expect(events[0].endOffset == offsetAfterLines(6, of: text))
        #expect(events[0].nextLine == 7)
        #expect(events[0].malformed == nil)
        #expect(events[1].line == 7)
        #expect(events[1].items.map { $0["sku"] } == ["D", "E"])
        #expect(events[1].endOffset == Int64(text.utf8.count))
    }

    @Test func rowsWithEmptyEventIDAreNeverGrouped() throws {
        let text = Self.head + ",order,o1,PAID,t,,,A,1,1\n,order,o1,PAID,t,,,B,1,1\n"
        let events = try csvEvents(text)
        #expect(events.map(\.line) == [2, 3])
        #expect(events.map(\.items.count) == [1, 1])
    }

    @Test(arguments: chunkSizes)
    func inconsistentContinuationRowIsMalformed(chunkSize: Int) throws {
        let text =
            Self.head
            + "e1,order,o1,PENDING_PAYMENT,t,,,A,1,10\n"
            + "e1,order,o1,,,,,B,1,10\n"
            + "e1,order,o9,,,,,C,1,10\n"
            + "e2,order,o2,PAID,t,5,,,,\n"
        let events = try csvEvents(text, chunkSize: chunkSize)
        try #require(events.count == 2)
        #expect(
            events[0].malformed
                == "line 4: column order_id differs from the event's first row (line 2); rows after the first must leave it empty or repeat it"
        )
        #expect(events[0].sourceRows.count == 3)
        #expect(events[0].nextLine == 5)
        #expect(events[1].malformed == nil)
        #expect(events[1].line == 5)
    }

    @Test(arguments: chunkSizes)
    func fieldCountMismatchIsItsOwnEventAndEndsAGroup(chunkSize: Int) throws {
        let text =
            "event_id,entity,order_id,status,occurred_at,sku\n"
            + "e1,order,o1,PENDING_PAYMENT,t,A\n"
            + "e1,,,,\n"
            + "e1,,,,,B\n"
            + "e1,,,,,C,extra\n"
            + "e2,order,o2,PAID,t,\n"
        let events = try csvEvents(text, chunkSize: chunkSize)
        #expect(events.map(\.line) == [2, 3, 4, 5, 6])
        #expect(
            events.map(\.malformed) == [
                nil, "row has 5 fields, header has 6", nil, "row has 7 fields, header has 6", nil,
            ])
        #expect(events[1].sourceRows == [["e1", "", "", "", ""]])
        #expect(events[1].values.isEmpty)
        #expect(events[2].items == [["sku": "B"]])
        #expect(events[2].values["entity"] == "")
        #expect(events[1].endOffset == offsetAfterLines(3, of: text))
    }

    @Test(arguments: chunkSizes)
    func badQuotingSpoilsOnlyItsRow(chunkSize: Int) throws {
        let text =
            "event_id,entity,order_id,status,occurred_at\n"
            + "e1,or\"der,o1,PAID,t\n"
            + "e2,\"order\"x,o2,PAID,t\n"
            + "e3,\"order\"\r,o3,PAID,t\r\n"
            + "e4,order,o4,PAID,\"t\"\n"
        let events = try csvEvents(text, chunkSize: chunkSize)
        try #require(events.count == 4)
        #expect(events[0].malformed?.hasPrefix("bad quoting in column 2: a quote inside an unquoted field") == true)
        #expect(events[0].sourceRows == [["e1,or\"der,o1,PAID,t"]])
        #expect(events[1].malformed?.hasPrefix("bad quoting in column 2: 'x' after the closing quote") == true)
        #expect(events[2].malformed?.hasPrefix("bad quoting in column 2: byte 0x0D after the closing quote") == true)
        #expect(events[2].sourceRows == [["e3,\"order\"\r,o3,PAID,t"]])
        #expect(events.map(\.line) == [2, 3, 4, 5])
        #expect(events[3].malformed == nil)
        #expect(events[3].values["occurred_at"] == "t")
    }

    @Test(arguments: chunkSizes)
    func unterminatedQuoteEatsTheRestOfTheFile(chunkSize: Int) throws {
        let text =
            "event_id,entity,order_id,status,occurred_at\n"
            + "e1,order,o1,PAID,t\n"
            + "e2,order,\"o2,PAID,t\n"
            + "e3,order,o3,PAID,t\n"
        let events = try csvEvents(text, chunkSize: chunkSize)
        try #require(events.count == 2)
        #expect(
            events[1].malformed
                == "unterminated quoted field in column 3 (the quote opens on line 3): it runs to the end of the file")
        #expect(events[1].line == 3)
        #expect(events[1].endOffset == Int64(text.utf8.count))
        #expect(events[1].sourceRows == [["e2,order,\"o2,PAID,t\ne3,order,o3,PAID,t\n"]])
    }

    @Test func rowsLongerThanOneMebibyteAreMalformedAndReadingGoesOn() throws {
        let limit = 1 << 20
        let prefix = "e1,order,o1,PAID,"
        let fits = prefix + String(repeating: "x", count: limit - prefix.utf8.count)
        let tooLong = prefix + String(repeating: "y", count: limit - prefix.utf8.count + 1)
        let quotedTooLong = "e3,order,o3,PAID,\"" + String(repeating: "z\n", count: limit / 2) + "\""
        let text =
            "event_id,entity,order_id,status,occurred_at\n" + fits + "\r\n" + tooLong + "\n" + quotedTooLong
            + "\ne4,order,o4,PAID,t\n"
        for chunkSize in [7, 1 << 16] {
            let events = try csvEvents(text, chunkSize: chunkSize)
            try #require(events.count == 4)
            #expect(events[0].malformed == nil)
            #expect(events[0].values["occurred_at"]?.utf8.count == limit - prefix.utf8.count)
            #expect(events[1].malformed == "row is longer than 1 MiB (1048576 bytes)")
            #expect(events[1].sourceRows.isEmpty)
            #expect(events[1].line == 3)
            #expect(events[2].malformed == "row is longer than 1 MiB (1048576 bytes)")
            #expect(events[2].line == 4)
            #expect(events[3].line == 4 + limit / 2 + 1)
            #expect(events[3].values["order_id"] == "o4")
        }
    }

    @Test func overLongUnterminatedQuoteIsOneEventThenEnd() throws {
        let text =
            "event_id,entity,order_id,status,occurred_at\ne1,order,o1,PAID,\""
            + String(repeating: "row,row,row\n", count: 100_000)
        let events = try csvEvents(text, chunkSize: 1 << 16)
        #expect(events.count == 1)
        #expect(
            events[0].malformed?.hasPrefix(
                "row is longer than 1 MiB (1048576 bytes); also unterminated quoted field in column 5") == true)
        #expect(events[0].endOffset == Int64(text.utf8.count))
    }

    @Test func itemGroupLongerThanOneMebibyteIsMalformed() throws {
        let row = "e1,order,o1,PENDING_PAYMENT,t,,,SKU,1,10\n"
        let count = (1 << 20) / row.utf8.count + 10
        let text = Self.head + String(repeating: row, count: count) + "e2,order,o2,PAID,t,5,,,,\n"
        let events = try csvEvents(text)
        try #require(events.count == 2)
        #expect(events[0].malformed?.contains("longer than 1 MiB") == true)
        #expect(events[0].items.count < count)
        #expect(events[0].nextLine == 2 + count)
        #expect(events[1].values["event_id"] == "e2")
        #expect(events[1].line == 2 + count)
    }

    /// A file with every kind of row, read whole in several chunk sizes and resumed after each event.
    static let mixed =
        "\u{FEFF}Event_ID , entity,order_id,status,occurred_at,reason,sku,quantity,unit_price,extra\r\n"
        + "e1,order,o1,PENDING_PAYMENT,t,\"multi\nline, with \"\"quotes\"\"\",A,1,10,x\r\n"
        + "e1,,,,,,B,2,20,y\r\n"
        + "\r\n"
        + "e2,order,o2,PAID,t,,,,,\n"
        + "e3,order,o3,PAID,t\n"
        + "e4,order,o\"4,PAID,t,,,,,\n"
        + "e5,order,o5,PENDING_PAYMENT,t,,C,1,1,\n"
        + "e5,order,o6,,,,D,1,1,\n"
        + "\n\n"
        + "e6,return,o1,REQUESTED,t,,A,1,,\n"
        + "e6,,,,,,\"B\",1,,\n"
        + "e7,order,o7,\"PAID\",t,\"\",,,,"

    @Test(arguments: chunkSizes)
    func sameEventsWhateverTheChunkSize(chunkSize: Int) throws {
        let expected = try csvEvents(Self.mixed, chunkSize: 1 << 16)
        #expect(try csvEvents(Self.mixed, chunkSize: chunkSize) == expected)
        #expect(expected.map(\.line) == [2, 6, 7, 8, 9, 13, 15])
        #expect(expected.map { $0.malformed != nil } == [false, false, true, true, true, false, false])
        #expect(expected[0].values["reason"] == "multi\nline, with \"quotes\"")
        #expect(expected[0].items.count == 2)
        #expect(expected[5].items.map { $0["sku"] } == ["A", "B"])
        #expect(expected[6].values["reason"] == "")
    }

    @Test(arguments: chunkSizes)
    func resumingAfterAnyEventGivesTheRest(chunkSize: Int) throws {
        for text in [Self.mixed, Self.mixed + "\n", Self.mixed + "\r\n\r\n"] {
            let bytes = Array(text.utf8)
            let (header, events) = try readCSV(bytes, chunkSize: chunkSize)
            let all = events.map(EventSnapshot.init)
            for (index, event) in events.enumerated() {
                let rest = try readCSVEvents(
                    bytes, header: header, from: event.endOffset, line: event.nextLine, chunkSize: chunkSize)
                #expect(rest.map(EventSnapshot.init) == Array(all[(index + 1)...]), "after event \(index + 1)")
            }
        }
    }
}
