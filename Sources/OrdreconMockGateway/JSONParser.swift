/// A small recursive-descent JSON parser over bytes, producing ``JSONValue``.
///
/// It exists so that numbers keep their written form (Foundation's `JSONSerialization`
/// turns `12.0` and `12` into the same `NSNumber`) and duplicate object keys are refused.
struct JSONParser {
    /// Why a text is not JSON, with the byte offset where parsing stopped.
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "\(reason) at byte \(offset)" }
    }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private static let maximumDepth = 64

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses the whole input as one value surrounded by optional white space.
    mutating func document() throws -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw fail("a byte order mark is not allowed") }
        let result = try value()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the JSON value") }
        return result
    }

    private mutating func value() throws -> JSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw fail("unexpected end of text, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character, expected a value")
        }
    }

    private mutating func object() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
            let start = index
            let name = try string()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
            index += 1
            guard members.updateValue(try value(), forKey: name) == nil else {
                throw Failure(offset: start, reason: "duplicate member \"\(name)\"")
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw fail("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            elements.append(try value())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: throw fail("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func string() throws -> String {
        index += 1
        var run = index
        var text = ""
        func flush(_ end: Int) throws {
            guard let piece = String(validating: bytes[run..<end], as: UTF8.self) else {
                throw Failure(offset: run, reason: "invalid UTF-8 in a string")
            }
            text += piece
        }
        while true {
            guard let byte = peek() else { throw fail("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                try flush(index)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                try flush(index)
                index += 1
                text.unicodeScalars.append(try escape())
                run = index
            case 0..<0x20:
                throw fail("control character in a string (escape it)")
            default:
                index += 1
            }
        }
    }

    private mutating func escape() throws -> Unicode.Scalar {
        guard let byte = peek() else { throw fail("unterminated escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high) {
                guard bytes[index...].starts(with: Array("\\u".utf8)) else { throw fail("lone surrogate") }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw fail("lone surrogate") }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw fail("lone surrogate") }
            return scalar
        default:
            throw fail("invalid escape")
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count,
              let text = String(validating: bytes[index..<index + 4], as: UTF8.self),
              text.allSatisfy(\.isHexDigit), let value = UInt32(text, radix: 16)
        else { throw fail("expected four hex digits after \\u") }
        index += 4
        return value
    }

    private mutating func number() throws -> String {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else if try digits() == 0 {
            throw fail("expected a digit")
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard try digits() > 0 else { throw fail("expected a digit after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard try digits() > 0 else { throw fail("expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func digits() throws -> Int {
        let start = index
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index - start
    }

    private mutating func literal(_ word: String) throws {
        guard bytes[index...].starts(with: Array(word.utf8)) else { throw fail("unexpected character, expected a value") }
        index += word.utf8.count
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw fail("nested more than \(Self.maximumDepth) levels deep") }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func fail(_ reason: String) -> Failure {
        Failure(offset: index, reason: reason)
    }
}
