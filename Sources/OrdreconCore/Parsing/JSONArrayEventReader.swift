/// Reads the events of a `.json` feed file one array element at a time.
///
/// Run ``JSONDocumentChecker`` over the file first: this reader trusts its grammar, so a syntax
/// error here (the file changed in between) throws ``FeedFileError``.
public struct JSONArrayEventReader<Source: ByteSource> {
    private var scanner: JSONStreamScanner
    private let shape: JSONDocumentShape
    private var state: State
    private var index: Int
    private var decoder = JSONEventDecoder()

    private enum State {
        case atFileStart, beforeFirstElement, afterElement, done
    }

    /// Creates a reader over `source`, which is already positioned at `startOffset`.
    /// - Parameters:
    ///   - shape: what ``JSONDocumentChecker/check(_:)`` found.
    ///   - startOffset: 0 for the start of the file, or an event's ``RawEvent/endOffset`` to
    ///     resume after it.
    ///   - startIndex: the 1-based position of the next element: 1 at the start of the file, or
    ///     the event's ``RawEvent/nextLine``.
    public init(source: Source, shape: JSONDocumentShape, startOffset: Int64, startIndex: Int) {
        let reader = ByteReader(source: TypedByteSourceBox(source), startOffset: startOffset)
        self.scanner = JSONStreamScanner(reader: reader)
        self.shape = shape
        self.state = startOffset == 0 ? .atFileStart : .afterElement
        self.index = startIndex
    }

    /// The next event, or nil after the last element of the array.
    ///
    /// An element that is not an event object, has a value of the wrong type, or is longer than
    /// 1 MiB comes back with ``RawEvent/malformed`` set.
    public mutating func next() throws -> RawEvent? {
        if state == .atFileStart { try enterArray() }
        if state == .done { return nil }
        try scanner.skipWhitespace()
        let next = try scanner.peek()
        if next == UInt8(ascii: "]") {
            state = .done
            return nil
        }
        if state == .afterElement {
            guard next == UInt8(ascii: ",") else { throw try scanner.unexpected("',' or ']' after an event") }
            scanner.reader.pos += 1
            try scanner.skipWhitespace()
        }

        scanner.anchor = scanner.reader.pos
        scanner.anchorDropped = false
        try scanner.skipValue()
        var event = RawEvent(line: index)
        if let start = scanner.anchor, scanner.reader.pos - start <= ParsingLimits.maxEventBytes {
            do {
                try decoder.decode(scanner.reader.bytes(start..<scanner.reader.pos), into: &event)
            } catch {
                throw FeedFileError("invalid JSON in event \(index): \(error.message)")
            }
        } else {
            event.malformed = "event is longer than 1 MiB (\(ParsingLimits.maxEventBytes) bytes)"
        }
        scanner.anchor = nil
        index += 1
        event.endOffset = scanner.reader.offset(of: scanner.reader.pos)
        event.nextLine = index
        state = .afterElement
        return event
    }

    /// Moves from the start of the file to just inside the event array.
    private mutating func enterArray() throws {
        try scanner.skipBOM()
        try scanner.skipWhitespace()
        switch shape {
        case .array:
            guard try scanner.peek() == UInt8(ascii: "[") else { throw try scanner.unexpected("'['") }
        case .eventsObject:
            guard try scanner.peek() == UInt8(ascii: "{") else { throw try scanner.unexpected("'{'") }
            scanner.reader.pos += 1
            while true {
                try scanner.skipWhitespace()
                if try scanner.readTopLevelKey() { break }
                try scanner.skipValue()
                try scanner.skipWhitespace()
                guard try scanner.peek() == UInt8(ascii: ",") else { throw scanner.error("no \"events\" array") }
                scanner.reader.pos += 1
            }
            try scanner.skipWhitespace()
            guard try scanner.peek() == UInt8(ascii: "[") else { throw try scanner.unexpected("'['") }
        }
        scanner.reader.pos += 1
        state = .beforeFirstElement
    }
}
