extension JSONValue {
    /// Why a text is not one JSON value: what was wrong, at which byte offset.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "\(message) at byte \(offset)" }
    }

    /// The deepest nesting ``parse(_:)`` accepts.
    public static let maximumParseDepth = 64

    /// Reads one JSON document (RFC 8259; white space around the value allowed) with the feed
    /// parsers' grammar (``JSONCursor``). Numbers are kept as written (``number(_:)``), objects
    /// keep their keys in order, and a key given twice in one object is refused.
    /// - Throws: ``ParseError`` for invalid UTF-8, bad grammar, a duplicate key, a lone surrogate
    ///   escape, or nesting deeper than ``maximumParseDepth``.
    public static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> JSONValue {
        let bytes = Array(bytes)
        let result: Result<JSONValue, ParseError> = bytes.withUnsafeBytes { raw in
            if let bad = UTF8Validator.firstInvalidOffset(in: raw) {
                return .failure(ParseError(message: "invalid UTF-8", offset: bad))
            }
            var reader = JSONValueReader(cursor: JSONCursor(raw))
            do throws(JSONSyntaxError) {
                let value = try reader.value(depth: 0)
                reader.cursor.skipWhitespace()
                if let extra = reader.cursor.peek() {
                    throw reader.cursor.error("unexpected \(extra.described) after the value")
                }
                return .success(value)
            } catch {
                return .failure(ParseError(message: error.message, offset: error.offset))
            }
        }
        return try result.get()
    }
}

/// Builds a ``JSONValue`` from the building blocks of ``JSONCursor``.
private struct JSONValueReader {
    var cursor: JSONCursor
    var scratch: [UInt8] = []

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        cursor.skipWhitespace()
        guard let first = cursor.peek() else { throw cursor.unexpected("a value") }
        switch first {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < JSONValue.maximumParseDepth else {
                throw cursor.error("nesting deeper than \(JSONValue.maximumParseDepth) levels")
            }
            return first == UInt8(ascii: "{") ? try object(depth: depth + 1) : try array(depth: depth + 1)
        case .quote:
            return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (range, _) = try cursor.scanNumber()
            let literal = UnsafeRawBufferPointer(start: cursor.base + range.lowerBound, count: range.count)
            return .number(String(decoding: literal, as: UTF8.self))
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            try cursor.scanLiteral()
            return first == UInt8(ascii: "n") ? .null : .bool(first == UInt8(ascii: "t"))
        default:
            throw cursor.unexpected("a value")
        }
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        let start = cursor.index
        let span = try cursor.scanString()
        guard let text = cursor.decode(span, scratch: &scratch) else {
            throw JSONSyntaxError(message: "a \\u escape is a lone surrogate", offset: start)
        }
        return text
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        var keys: Set<String> = []
        guard try !isEmpty(closedBy: UInt8(ascii: "}")) else { return .object(fields) }
        repeat {
            cursor.skipWhitespace()
            guard cursor.peek() == .quote else { throw cursor.unexpected("a key string") }
            let keyStart = cursor.index
            let key = try string()
            guard keys.insert(key).inserted else {
                throw JSONSyntaxError(message: "duplicate key \(JSONText.string(key))", offset: keyStart)
            }
            cursor.skipWhitespace()
            try cursor.expect(UInt8(ascii: ":"))
            fields.append((key, try value(depth: depth)))
        } while try !ends(closedBy: UInt8(ascii: "}"))
        return .object(fields)
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        var items: [JSONValue] = []
        guard try !isEmpty(closedBy: UInt8(ascii: "]")) else { return .array(items) }
        repeat {
            items.append(try value(depth: depth))
        } while try !ends(closedBy: UInt8(ascii: "]"))
        return .array(items)
    }

    /// Steps over the opening bracket; true (and over `closing` too) when the container is empty.
    private mutating func isEmpty(closedBy closing: UInt8) throws(JSONSyntaxError) -> Bool {
        cursor.index += 1
        cursor.skipWhitespace()
        guard cursor.peek() == closing else { return false }
        cursor.index += 1
        return true
    }

    /// After an item: true (and over it) at `closing`, false (and over it) at a comma.
    private mutating func ends(closedBy closing: UInt8) throws(JSONSyntaxError) -> Bool {
        cursor.skipWhitespace()
        switch cursor.peek() {
        case UInt8(ascii: ","):
            cursor.index += 1
            return false
        case closing:
            cursor.index += 1
            return true
        default:
            throw cursor.unexpected("',' or '\(Character(Unicode.Scalar(closing)))'")
        }
    }
}
