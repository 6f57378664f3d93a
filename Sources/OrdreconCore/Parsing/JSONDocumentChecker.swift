/// The two accepted shapes of a `.json` feed file.
public enum JSONDocumentShape: Sendable, Equatable {
    /// `[ event, event, ... ]`
    case array
    /// `{ "events": [ event, ... ], ...other keys ignored }`
    case eventsObject
}

/// Checks a whole `.json` feed file before any of it is applied: the full JSON grammar, valid
/// UTF-8 (a BOM allowed), and a top level that is an array or an object with an `events` array.
///
/// Streams through the file holding one buffer; nesting deeper than 1,000 levels is refused.
public enum JSONDocumentChecker {
    /// Reads `source` to its end and says which shape the file has.
    ///
    /// The key `events` must be written plainly (without escapes) to be recognised.
    /// - Throws: ``FeedFileError`` saying what is wrong, with its line and byte offset.
    public static func check<Source: ByteSource>(_ source: inout Source) throws(FeedFileError) -> JSONDocumentShape {
        let box = TypedByteSourceBox(source)
        defer { source = box.source }
        var scanner = JSONStreamScanner(reader: ByteReader(source: box, startOffset: 0), validatesUTF8: true)
        try scanner.skipBOM()
        try scanner.skipWhitespace()
        let shape: JSONDocumentShape
        switch try scanner.peek() {
        case nil:
            throw FeedFileError("the file holds no JSON (it is empty)")
        case UInt8(ascii: "["):
            try scanner.skipValue()
            shape = .array
        case UInt8(ascii: "{"):
            try checkEventsObject(&scanner)
            shape = .eventsObject
        case let other?:
            throw scanner.error(
                "the top level must be an array of events or an object with an \"events\" array, found \(jsonKind(startingWith: other))"
            )
        }
        try scanner.skipWhitespace()
        if try scanner.peek() != nil { throw try scanner.unexpected("nothing after the top-level value") }
        try scanner.finishUTF8()
        return shape
    }

    private static func checkEventsObject(_ scanner: inout JSONStreamScanner) throws(FeedFileError) {
        scanner.reader.pos += 1
        try scanner.skipWhitespace()
        var found = false
        if try scanner.peek() != UInt8(ascii: "}") {
            while true {
                if try scanner.readTopLevelKey() {
                    guard !found else { throw scanner.error("the key \"events\" appears twice") }
                    found = true
                    try scanner.skipWhitespace()
                    if let first = try scanner.peek(), first != UInt8(ascii: "[") {
                        throw scanner.error(
                            "the value of \"events\" must be an array, found \(jsonKind(startingWith: first))")
                    }
                }
                try scanner.skipValue()
                try scanner.skipWhitespace()
                let next = try scanner.peek()
                guard next == UInt8(ascii: ",") else {
                    guard next == UInt8(ascii: "}") else { throw try scanner.unexpected("',' or '}'") }
                    break
                }
                scanner.reader.pos += 1
                try scanner.skipWhitespace()
            }
        }
        guard found else { throw scanner.error("the top-level object has no \"events\" array") }
        scanner.reader.pos += 1
    }
}
