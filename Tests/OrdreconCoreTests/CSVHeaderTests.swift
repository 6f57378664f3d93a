import OrdreconCore
import Testing

@Suite("CSV header")
struct CSVHeaderTests {
    private func header(_ text: String, chunkSize: Int = 1 << 16) throws(FeedFileError) -> CSVHeader {
        var source = InMemoryByteSource(text, chunkSize: chunkSize)
        return try CSVEventReader.readHeader(from: &source)
    }

    private func headerError(_ text: String) -> String? {
        do {
            _ = try header(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test(arguments: chunkSizes)
    func columnsInAnyOrderAndCaseWithUnknownOnesIgnored(chunkSize: Int) throws {
        let text = " Status ,NOTES,occurred_at,Order_ID,entity,EVENT_ID,sku,Unit_Price\nx\n"
        let header = try header(text, chunkSize: chunkSize)
        #expect(
            header.names == ["Status", "NOTES", "occurred_at", "Order_ID", "entity", "EVENT_ID", "sku", "Unit_Price"])
        #expect(header.column(.status) == 0)
        #expect(header.column(.occurredAt) == 2)
        #expect(header.column(.orderId) == 3)
        #expect(header.column(.entity) == 4)
        #expect(header.column(.eventId) == 5)
        #expect(header.column(.amount) == nil)
        #expect(header.column(.sku) == 6)
        #expect(header.column(.unitPrice) == 7)
        #expect(header.column(.quantity) == nil)
        #expect(header.columnCount == 8)
        #expect(header.hasItemColumns)
        #expect(header.byteLength == Int64(text.utf8.count - 2))
        #expect(header.nextLine == 2)
    }

    @Test(arguments: chunkSizes)
    func byteOrderMarkIsSkippedAndCounted(chunkSize: Int) throws {
        let text = "\u{FEFF}event_id,entity,order_id,status,occurred_at\r\ne1,order,o1,PAID,t\r\n"
        let header = try header(text, chunkSize: chunkSize)
        #expect(header.names.first == "event_id")
        #expect(header.byteLength == 3 + Int64("event_id,entity,order_id,status,occurred_at\r\n".utf8.count))
        #expect(header.nextLine == 2)
    }

    @Test func headerWithQuotedNewlineTakesTwoLines() throws {
        let text = "\"event\n_id\",event_id,entity,order_id,status,occurred_at\n"
        let header = try header(text)
        #expect(header.names[0] == "event\n_id")
        #expect(header.column(.eventId) == 1)
        #expect(header.nextLine == 3)
        #expect(header.byteLength == Int64(text.utf8.count))
    }

    @Test func headerWithoutLineEndIsWholeFile() throws {
        let text = "event_id,entity,order_id,status,occurred_at"
        let header = try header(text)
        #expect(header.byteLength == Int64(text.utf8.count))
        #expect(header.nextLine == 2)
        #expect(header.hasItemColumns == false)
    }

    @Test func leadingEmptyLinesAreSkipped() throws {
        let header = try header("\n\r\nevent_id,entity,order_id,status,occurred_at\n")
        #expect(header.nextLine == 4)
        #expect(header.byteLength == 3 + 44)
    }

    @Test func missingRequiredColumnsAreNamed() {
        let message = headerError("event_id,Entity,status,notes\n") ?? ""
        #expect(message.contains("order_id"))
        #expect(message.contains("occurred_at"))
        #expect(message.contains("columns"))
        #expect(message.contains("\"Entity\""))
        #expect(message.contains("\"notes\""))
        #expect(!message.contains("event_id,"))
        let one = headerError("event_id,entity,order_id,status\n") ?? ""
        #expect(one.contains("lacks the required column occurred_at"))
    }

    @Test func duplicateColumnIsRefused() {
        #expect(headerError("event_id,entity,order_id,status,occurred_at,Status\n")?.contains("status twice") == true)
        #expect(headerError("event_id,entity,order_id,status,occurred_at,sku, SKU\n")?.contains("sku twice") == true)
    }

    @Test func duplicateUnknownColumnsAreIgnoredLikeAllUnknownColumns() throws {
        let header = try header("event_id,entity,order_id,status,occurred_at,note,note,,\n")
        #expect(header.columnCount == 9)
    }

    @Test func emptyFileIsRefused() {
        #expect(headerError("") == "the file is empty")
        #expect(headerError("\n\n") == "the file has no header row")
        #expect(headerError("\u{FEFF}") == "the file has no header row")
    }

    @Test func badlyQuotedHeaderIsRefused() {
        #expect(headerError("event_id,ent\"ity,order_id\n")?.contains("bad quoting in column 2") == true)
        #expect(headerError("\"event_id,entity\n")?.contains("unterminated") == true)
    }

    @Test func builtDirectlyFromNames() throws {
        let header = try CSVHeader(
            names: ["event_id", "entity", "order_id", "status", "occurred_at"], byteLength: 10, nextLine: 2)
        #expect(header.eventColumns.compactMap { $0 } == [0, 1, 2, 3, 4])
        #expect(throws: FeedFileError.self) { try CSVHeader(names: [], byteLength: 0, nextLine: 2) }
    }
}
