/// Why some bytes are not valid JSON, and where (offset from the start of those bytes).
struct JSONSyntaxError: Error {
    var message: String
    var offset: Int
}

/// A position in a complete JSON text held in memory (one JSON Lines line or one array element),
/// with the grammar's building blocks. Nothing is decoded unless asked for.
struct JSONCursor {
    let base: UnsafeRawPointer
    let count: Int
    /// The next byte to read.
    var index = 0

    /// A string's content between its quotes; `escaped` when it holds backslash escapes.
    struct StringSpan {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    init(_ bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address; any valid pointer serves as nothing is read.
        self.base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 16)!
        self.count = bytes.count
    }

    @inline(__always)
    func byte(at offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }

    /// The next byte, nil at the end.
    @inline(__always)
    func peek() -> UInt8? { index < count ? byte(at: index) : nil }

    func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: index) }

    /// An error for the byte at the cursor (or the end) when `expected` was wanted there.
    func unexpected(_ expected: String) -> JSONSyntaxError {
        guard let found = peek() else { return error("unexpected end, expected \(expected)") }
        return error("expected \(expected), found \(found.described)")
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < count {
            let b = byte(at: index)
            guard b == .space || b == .lf || b == .cr || b == .tab else { return }
            index += 1
        }
    }

    mutating func expect(_ wanted: UInt8) throws(JSONSyntaxError) {
        guard peek() == wanted else { throw unexpected("'\(Character(Unicode.Scalar(wanted)))'") }
        index += 1
    }

    /// Reads a string; the cursor is at its opening quote.
    mutating func scanString() throws(JSONSyntaxError) -> StringSpan {
        index += 1
        let start = index
        var escaped = false
        while true {
            var i = index
            var b: UInt8 = 0
            while i < count {
                b = byte(at: i)
                if b == .quote || b == .backslash || b < 0x20 { break }
                i += 1
            }
            index = i
            guard i < count else { throw error("unexpected end inside a string") }
            if b == .quote {
                index += 1
                return StringSpan(start: start, end: i, escaped: escaped)
            }
            if b < 0x20 { throw error("control character \(b.described) inside a string (it must be escaped)") }
            escaped = true
            index += 1
            guard let e = peek() else { throw error("unexpected end inside a string") }
            switch e {
            case .quote, .backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 1
            case UInt8(ascii: "u"):
                guard index + 4 < count, (1...4).allSatisfy({ hexValue(byte(at: index + $0)) != nil }) else {
                    throw error("invalid \\u escape (it needs 4 hex digits)")
                }
                index += 5
            default:
                throw error("invalid escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
    }

    /// The text of a string read by ``scanString()``; nil when a `\u` escape is an unpaired surrogate.
    func decode(_ span: StringSpan, scratch: inout [UInt8]) -> String? {
        let raw = UnsafeRawBufferPointer(start: base + span.start, count: span.end - span.start)
        guard span.escaped else { return String(decoding: raw, as: UTF8.self) }
        scratch.removeAll(keepingCapacity: true)
        var i = span.start
        while i < span.end {
            let b = byte(at: i)
            guard b == .backslash else {
                scratch.append(b)
                i += 1
                continue
            }
            let e = byte(at: i + 1)
            i += 2
            switch e {
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(.lf)
            case UInt8(ascii: "r"): scratch.append(.cr)
            case UInt8(ascii: "t"): scratch.append(.tab)
            case UInt8(ascii: "u"):
                var scalar = hex4(at: i)
                i += 4
                if scalar >= 0xDC00 && scalar <= 0xDFFF { return nil }
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard i + 6 <= span.end, byte(at: i) == .backslash, byte(at: i + 1) == UInt8(ascii: "u") else {
                        return nil
                    }
                    let low = hex4(at: i + 2)
                    guard low >= 0xDC00 && low <= 0xDFFF else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                scratch.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
            default: scratch.append(e)  // " \ /
            }
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Reads a number; returns its literal's range and whether it is an integer (no fraction, no exponent).
    mutating func scanNumber() throws(JSONSyntaxError) -> (range: Range<Int>, isInteger: Bool) {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw unexpected("a digit") }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let d = peek(), isDigit(d) else { throw unexpected("a digit after the decimal point") }
            skipDigits()
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard let d = peek(), isDigit(d) else { throw unexpected("a digit in the exponent") }
            skipDigits()
        }
        return (start..<index, isInteger)
    }

    /// Reads `true`, `false` or `null`, whichever starts at the cursor.
    mutating func scanLiteral() throws(JSONSyntaxError) {
        let word: StaticString
        switch peek() {
        case UInt8(ascii: "t"): word = "true"
        case UInt8(ascii: "f"): word = "false"
        default: word = "null"
        }
        for k in 0..<word.utf8CodeUnitCount {
            guard peek() == word.utf8Start[k] else { throw unexpected("\(word)") }
            index += 1
        }
    }

    /// Skips one value of any kind, checking its grammar. `stack` is scratch space.
    mutating func skipValue(stack: inout [Bool]) throws(JSONSyntaxError) {
        stack.removeAll(keepingCapacity: true)
        while true {
            skipWhitespace()
            guard let b = peek() else { throw unexpected("a value") }
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = b == UInt8(ascii: "{")
                index += 1
                skipWhitespace()
                if peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1
                } else {
                    guard stack.count < ParsingLimits.maxJSONDepth else {
                        throw error("nesting deeper than \(ParsingLimits.maxJSONDepth) levels")
                    }
                    stack.append(isObject)
                    if isObject { try scanKeyAndColon() }
                    continue
                }
            case .quote: _ = try scanString()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): try scanLiteral()
            default: throw unexpected("a value")
            }
            // After a value: close what ends here, or find the next value.
            while let isObject = stack.last {
                skipWhitespace()
                let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    if isObject {
                        skipWhitespace()
                        try scanKeyAndColon()
                    }
                    break
                }
                guard peek() == close else { throw unexpected("',' or '\(Character(Unicode.Scalar(close)))'") }
                index += 1
                stack.removeLast()
            }
            if stack.isEmpty { return }
        }
    }

    /// Reads an object key and the colon after it.
    mutating func scanKeyAndColon() throws(JSONSyntaxError) {
        guard peek() == .quote else { throw unexpected("a key string") }
        _ = try scanString()
        skipWhitespace()
        try expect(UInt8(ascii: ":"))
    }

    @inline(__always)
    private mutating func skipDigits() {
        while index < count && isDigit(byte(at: index)) { index += 1 }
    }

    private func hex4(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 4 | UInt32(hexValue(byte(at: offset + $1))!) }
    }
}

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

@inline(__always)
func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// What a JSON value starting with `b` is, for messages.
func jsonKind(startingWith b: UInt8) -> String {
    switch b {
    case .quote: "string"
    case UInt8(ascii: "{"): "object"
    case UInt8(ascii: "["): "array"
    case UInt8(ascii: "t"), UInt8(ascii: "f"): "boolean"
    case UInt8(ascii: "n"): "null"
    default: "number"
    }
}
