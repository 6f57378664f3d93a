import OrdreconCore
import Testing

/// A comparable picture of a ``RawEvent`` (which is not Equatable), readable in failure output.
struct EventSnapshot: Equatable, CustomStringConvertible {
    var line: Int
    /// Field name -> text; a `#` prefix marks a JSON number.
    var values: [String: String]
    var items: [[String: String]]
    var malformed: String?
    var sourceRows: [[String]]
    var sourceText: String?
    var endOffset: Int64
    var nextLine: Int

    init(_ event: RawEvent) {
        line = event.line
        values = [:]
        for field in EventField.allCases {
            if let value = event[field] { values[field.name] = (value.isNumber ? "#" : "") + value.text }
        }
        items = event.items.map { item in
            var values: [String: String] = [:]
            for field in ItemField.allCases {
                if let value = item[field] { values[field.name] = (value.isNumber ? "#" : "") + value.text }
            }
            return values
        }
        malformed = event.malformed
        sourceRows = event.sourceRows
        sourceText = event.sourceText
        endOffset = event.endOffset
        nextLine = event.nextLine
    }

    var description: String {
        "line \(line) end \(endOffset) next \(nextLine) values \(values) items \(items) malformed \(malformed ?? "-")"
    }
}

/// Chunk sizes that put chunk edges everywhere, plus a large one.
let chunkSizes = [1, 3, 7, 1 << 20]

/// Guards test loops against a reader that never ends.
let maxTestEvents = 100_000

/// The CSV header read from `text`, and the events after it.
func readCSV(_ text: String, chunkSize: Int = 1 << 16) throws -> (CSVHeader, [RawEvent]) {
    try readCSV(Array(text.utf8), chunkSize: chunkSize)
}

func readCSV(_ bytes: [UInt8], chunkSize: Int = 1 << 16) throws -> (CSVHeader, [RawEvent]) {
    var source = InMemoryByteSource(bytes, chunkSize: chunkSize)
    let header = try CSVEventReader.readHeader(from: &source)
    let events = try readCSVEvents(
        bytes, header: header, from: header.byteLength, line: header.nextLine, chunkSize: chunkSize)
    return (header, events)
}

/// The CSV events from `offset` (at physical line `line`) to the end.
func readCSVEvents(_ bytes: [UInt8], header: CSVHeader, from offset: Int64, line: Int, chunkSize: Int) throws
    -> [RawEvent]
{
    let source = InMemoryByteSource(bytes, position: Int(offset), chunkSize: chunkSize)
    var reader = CSVEventReader(source: source, header: header, startOffset: offset, startLine: line)
    var events: [RawEvent] = []
    while let event = try reader.next() {
        events.append(event)
        if events.count > maxTestEvents {
            Issue.record("reader does not end")
            break
        }
    }
    return events
}

/// Only the events of a CSV text (the header must be fine).
func csvEvents(_ text: String, chunkSize: Int = 1 << 16) throws -> [EventSnapshot] {
    try readCSV(text, chunkSize: chunkSize).1.map(EventSnapshot.init)
}

/// The JSON Lines events from `offset` (at line `line`) to the end.
func readJSONLines(_ bytes: [UInt8], from offset: Int64 = 0, line: Int = 1, chunkSize: Int = 1 << 16) throws
    -> [RawEvent]
{
    let source = InMemoryByteSource(bytes, position: Int(offset), chunkSize: chunkSize)
    var reader = JSONLinesEventReader(source: source, startOffset: offset, startLine: line)
    var events: [RawEvent] = []
    while let event = try reader.next() {
        events.append(event)
        if events.count > maxTestEvents {
            Issue.record("reader does not end")
            break
        }
    }
    return events
}

func jsonLines(_ text: String, chunkSize: Int = 1 << 16) throws -> [EventSnapshot] {
    try readJSONLines(Array(text.utf8), chunkSize: chunkSize).map(EventSnapshot.init)
}

/// Checks a `.json` text, then reads its events from `offset` (element `index`) to the end.
func readJSONArray(_ bytes: [UInt8], from offset: Int64 = 0, index: Int = 1, chunkSize: Int = 1 << 16) throws
    -> [RawEvent]
{
    var checked = InMemoryByteSource(bytes, chunkSize: chunkSize)
    let shape = try JSONDocumentChecker.check(&checked)
    let source = InMemoryByteSource(bytes, position: Int(offset), chunkSize: chunkSize)
    var reader = JSONArrayEventReader(source: source, shape: shape, startOffset: offset, startIndex: index)
    var events: [RawEvent] = []
    while let event = try reader.next() {
        events.append(event)
        if events.count > maxTestEvents {
            Issue.record("reader does not end")
            break
        }
    }
    return events
}

func jsonArray(_ text: String, chunkSize: Int = 1 << 16) throws -> [EventSnapshot] {
    try readJSONArray(Array(text.utf8), chunkSize: chunkSize).map(EventSnapshot.init)
}

/// The checker's verdict on `text`: the shape, or the error message.
func checkJSON(_ bytes: [UInt8], chunkSize: Int = 1 << 16) -> Result<JSONDocumentShape, FeedFileError> {
    var source = InMemoryByteSource(bytes, chunkSize: chunkSize)
    return Result { () throws(FeedFileError) in try JSONDocumentChecker.check(&source) }
}

func checkJSON(_ text: String, chunkSize: Int = 1 << 16) -> Result<JSONDocumentShape, FeedFileError> {
    checkJSON(Array(text.utf8), chunkSize: chunkSize)
}

/// Byte offset just after the first `count` lines (each ending in `\n`) of `text`.
func offsetAfterLines(_ count: Int, of text: String) -> Int64 {
    var seen = 0
    for (offset, byte) in text.utf8.enumerated() where byte == UInt8(ascii: "\n") {
        seen += 1
        if seen == count { return Int64(offset + 1) }
    }
    return Int64(text.utf8.count)
}
