/// Walks the JSON grammar over a ``ByteReader`` without holding more than the current buffer:
/// for checking a whole `.json` file and for finding the elements of its event array.
///
/// Setting ``anchor`` keeps the bytes from there on in the buffer (up to
/// ``ParsingLimits/maxEventBytes``; past that the anchor is dropped and ``anchorDropped`` set).
struct JSONStreamScanner {
    var reader: ByteReader
    /// The line at the reader's position (line breaks only occur in whitespace).
    private(set) var line: Int
    /// A buffer index from which bytes must be kept, if any.
    var anchor: Int?
    /// Set when the anchored bytes grew past the limit and were let go.
    var anchorDropped = false
    /// Checks every byte read for valid UTF-8, when set.
    private var validator: UTF8Validator?
    private var stack: [Bool] = []

    init(reader: ByteReader, line: Int = 1, validatesUTF8: Bool = false) {
        self.reader = reader
        self.line = line
        self.validator = validatesUTF8 ? UTF8Validator() : nil
    }

    /// A ``FeedFileError`` saying where the scanner is.
    func error(_ message: String) -> FeedFileError {
        FeedFileError("invalid JSON at line \(line) (byte offset \(reader.offset(of: reader.pos))): \(message)")
    }

    /// An error for the byte at the reader's position (or the end of the file) when `expected` was wanted.
    mutating func unexpected(_ expected: String) throws(FeedFileError) -> FeedFileError {
        guard let found = try peek() else {
            return error("the file ends where \(expected) should be (it is truncated or not closed)")
        }
        return error("expected \(expected), found \(found.described)")
    }

    /// The next byte, nil at the end of the input.
    @inline(__always)
    mutating func peek() throws(FeedFileError) -> UInt8? {
        if reader.pos < reader.end { return reader.base.load(fromByteOffset: reader.pos, as: UInt8.self) }
        guard try more() else { return nil }
        return reader.base.load(fromByteOffset: reader.pos, as: UInt8.self)
    }

    /// Reads more input; false at the end.
    mutating func more() throws(FeedFileError) -> Bool {
        var keep = reader.pos
        if let anchor {
            if reader.pos - anchor > ParsingLimits.maxEventBytes {
                self.anchor = nil
                anchorDropped = true
            } else {
                keep = anchor
            }
        }
        let oldEnd = reader.end
        let got: Bool
        do { got = try reader.refill(dropping: keep) } catch { throw .readFailure(error) }
        if let anchor { self.anchor = anchor - keep }
        if got, validator != nil, !validator!.feed(reader.bytes((oldEnd - keep)..<reader.end)) {
            throw FeedFileError("the file is not valid UTF-8 (byte offset \(validator!.firstInvalidOffset!))")
        }
        return got
    }

    /// Checks that the input ended with complete UTF-8 (when validating).
    func finishUTF8() throws(FeedFileError) {
        if let validator, !validator.finish() {
            throw FeedFileError("the file is not valid UTF-8 (byte offset \(validator.firstInvalidOffset ?? 0))")
        }
    }

    /// Skips a byte order mark at the reader's position.
    mutating func skipBOM() throws(FeedFileError) {
        for (k, b) in [UInt8(0xEF), 0xBB, 0xBF].enumerated() {
            while reader.end - reader.pos <= k {
                guard try more() else { return }
            }
            guard reader.base.load(fromByteOffset: reader.pos + k, as: UInt8.self) == b else { return }
        }
        reader.pos += 3
    }

    mutating func skipWhitespace() throws(FeedFileError) {
        while true {
            let base = reader.base
            let end = reader.end
            var i = reader.pos
            while i < end {
                let b = base.load(fromByteOffset: i, as: UInt8.self)
                if b == .lf {
                    line += 1
                } else if b != .space && b != .cr && b != .tab {
                    break
                }
                i += 1
            }
            reader.pos = i
            if i < end { return }
            guard try more() else { return }
        }
    }

    /// Skips one value of any kind, checking its grammar.
    mutating func skipValue() throws(FeedFileError) {
        stack.removeAll(keepingCapacity: true)
        while true {
            try skipWhitespace()
            guard let b = try peek() else { throw try unexpected("a value") }
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = b == UInt8(ascii: "{")
                reader.pos += 1
                try skipWhitespace()
                if try peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    reader.pos += 1
                } else {
                    guard stack.count < ParsingLimits.maxJSONDepth else {
                        throw error("nesting deeper than \(ParsingLimits.maxJSONDepth) levels")
                    }
                    stack.append(isObject)
                    if isObject { try skipKeyAndColon() }
                    continue
                }
            case .quote: try skipString()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
            case UInt8(ascii: "t"): try skipWord("true")
            case UInt8(ascii: "f"): try skipWord("false")
            case UInt8(ascii: "n"): try skipWord("null")
            default: throw try unexpected("a value")
            }
            while let isObject = stack.last {
                try skipWhitespace()
                let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                let next = try peek()
                if next == UInt8(ascii: ",") {
                    reader.pos += 1
                    if isObject {
                        try skipWhitespace()
                        try skipKeyAndColon()
                    }
                    break
                }
                guard next == close else { throw try unexpected("',' or '\(Character(Unicode.Scalar(close)))'") }
                reader.pos += 1
                stack.removeLast()
            }
            if stack.isEmpty { return }
        }
    }

    /// Skips an object key and the colon after it.
    mutating func skipKeyAndColon() throws(FeedFileError) {
        guard try peek() == .quote else { throw try unexpected("a key string") }
        try skipString()
        try skipColon()
    }

    /// Reads a key of the top-level object and the colon after it; returns whether it is `events`.
    /// (Uses the anchor, so no element may be anchored.)
    mutating func readTopLevelKey() throws(FeedFileError) -> Bool {
        guard try peek() == .quote else { throw try unexpected("a key string") }
        anchor = reader.pos
        try skipString()
        var isEvents = false
        if let start = anchor {
            let key = reader.bytes(start..<reader.pos)
            isEvents = key.elementsEqual("\"events\"".utf8)
        }
        anchor = nil
        anchorDropped = false
        try skipColon()
        return isEvents
    }

    private mutating func skipColon() throws(FeedFileError) {
        try skipWhitespace()
        guard try peek() == UInt8(ascii: ":") else { throw try unexpected("':' after the key") }
        reader.pos += 1
    }

    /// Skips a string; the reader is at its opening quote.
    mutating func skipString() throws(FeedFileError) {
        reader.pos += 1
        while true {
            let base = reader.base
            let end = reader.end
            var i = reader.pos
            var b: UInt8 = 0
            while i < end {
                b = base.load(fromByteOffset: i, as: UInt8.self)
                if b == .quote || b == .backslash || b < 0x20 { break }
                i += 1
            }
            reader.pos = i
            if i == end {
                guard try more() else { throw try unexpected("the end of a string") }
                continue
            }
            if b == .quote {
                reader.pos += 1
                return
            }
            if b < 0x20 { throw error("control character \(b.described) inside a string (it must be escaped)") }
            reader.pos += 1
            guard let e = try peek() else { throw try unexpected("an escape") }
            reader.pos += 1
            switch e {
            case .quote, .backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                UInt8(ascii: "r"), UInt8(ascii: "t"):
                break
            case UInt8(ascii: "u"):
                for _ in 0..<4 {
                    guard let h = try peek(), hexValue(h) != nil else { throw try unexpected("4 hex digits after \\u") }
                    reader.pos += 1
                }
            default:
                reader.pos -= 1
                throw error("invalid escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
    }

    private mutating func skipNumber() throws(FeedFileError) {
        if try peek() == UInt8(ascii: "-") { reader.pos += 1 }
        guard let first = try peek(), isDigit(first) else { throw try unexpected("a digit") }
        reader.pos += 1
        if first != UInt8(ascii: "0") { try skipDigits() }
        if try peek() == UInt8(ascii: ".") {
            reader.pos += 1
            guard let d = try peek(), isDigit(d) else { throw try unexpected("a digit after the decimal point") }
            try skipDigits()
        }
        if let e = try peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            reader.pos += 1
            if let sign = try peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { reader.pos += 1 }
            guard let d = try peek(), isDigit(d) else { throw try unexpected("a digit in the exponent") }
            try skipDigits()
        }
    }

    private mutating func skipDigits() throws(FeedFileError) {
        while let b = try peek(), isDigit(b) { reader.pos += 1 }
    }

    private mutating func skipWord(_ word: StaticString) throws(FeedFileError) {
        for k in 0..<word.utf8CodeUnitCount {
            guard try peek() == word.utf8Start[k] else { throw try unexpected("\(word)") }
            reader.pos += 1
        }
    }
}
