/// Turns one JSON value held in memory into a ``RawEvent``: known keys into fields, `items`
/// into ``RawItem``s, everything else checked for grammar and skipped.
///
/// Numbers keep their literal text (money never passes through `Double`). A value of the wrong
/// type, a duplicate key or an event that is not an object sets ``RawEvent/malformed`` (the first
/// such problem); bytes that are not one JSON value throw ``JSONSyntaxError``.
struct JSONEventDecoder {
    private var scratch: [UInt8] = []
    private var stack: [Bool] = []
    private var unknownEventKeys: Set<String> = []
    private var unknownItemKeys: Set<String> = []
    private let eventKeys: [PackedKey] =
        EventField.allCases.map { PackedKey($0.name, code: $0.rawValue) }
        + [PackedKey("items", code: JSONEventDecoder.itemsCode)]
    private let itemKeys: [PackedKey] = ItemField.allCases.map { PackedKey($0.name, code: $0.rawValue) }

    private static let itemsCode = EventField.allCases.count

    /// Fills `event` from `bytes`, which must hold exactly one JSON value (whitespace around it allowed).
    mutating func decode(_ bytes: UnsafeRawBufferPointer, into event: inout RawEvent) throws(JSONSyntaxError) {
        var cursor = JSONCursor(bytes)
        cursor.skipWhitespace()
        guard let first = cursor.peek() else { throw cursor.unexpected("an event object") }
        if first == UInt8(ascii: "{") {
            try decodeEvent(&cursor, &event)
        } else {
            fail(&event, "the event must be a JSON object, got \(jsonKind(startingWith: first))")
            try cursor.skipValue(stack: &stack)
        }
        cursor.skipWhitespace()
        if let extra = cursor.peek() { throw cursor.error("unexpected \(extra.described) after the event") }
    }

    private mutating func decodeEvent(_ cursor: inout JSONCursor, _ event: inout RawEvent) throws(JSONSyntaxError) {
        var seen: UInt32 = 0
        unknownEventKeys.removeAll(keepingCapacity: true)
        cursor.index += 1
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "}") {
            cursor.index += 1
            return
        }
        while true {
            guard cursor.peek() == .quote else { throw cursor.unexpected("a key string") }
            let key = try cursor.scanString()
            cursor.skipWhitespace()
            try cursor.expect(UInt8(ascii: ":"))
            cursor.skipWhitespace()
            if let code = lookUp(key, in: eventKeys, cursor) {
                if seen & (1 << code) != 0 { fail(&event, "duplicate key \(eventKeys[code].name)") }
                seen |= 1 << code
                if code == Self.itemsCode {
                    try decodeItems(&cursor, &event)
                } else {
                    let field = EventField(rawValue: code)!
                    event.values[code] = try value(
                        &cursor, &event, field.name, item: nil,
                        acceptsNumber: field.acceptsJSONNumber, integerOnly: field.isIdentifier)
                }
            } else {
                let name = cursor.decode(key, scratch: &scratch) ?? "\u{FFFD}"
                if !unknownEventKeys.insert(name).inserted { fail(&event, "duplicate key \(name)") }
                try cursor.skipValue(stack: &stack)
            }
            guard try nextMember(&cursor, close: UInt8(ascii: "}")) else { return }
        }
    }

    private mutating func decodeItems(_ cursor: inout JSONCursor, _ event: inout RawEvent) throws(JSONSyntaxError) {
        let first = cursor.peek() ?? 0
        if first == UInt8(ascii: "n") { return try cursor.scanLiteral() }
        guard first == UInt8(ascii: "[") else {
            if cursor.peek() != nil {
                fail(&event, "field items must be an array of objects, got \(jsonKind(startingWith: first))")
            }
            return try cursor.skipValue(stack: &stack)
        }
        cursor.index += 1
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "]") {
            cursor.index += 1
            return
        }
        var number = 1
        while true {
            let start = cursor.peek() ?? 0
            if start == UInt8(ascii: "{") {
                try decodeItem(&cursor, &event, number)
            } else {
                if cursor.peek() != nil {
                    fail(&event, "item \(number) must be an object, got \(jsonKind(startingWith: start))")
                }
                try cursor.skipValue(stack: &stack)
            }
            guard try nextMember(&cursor, close: UInt8(ascii: "]")) else { return }
            number += 1
        }
    }

    private mutating func decodeItem(_ cursor: inout JSONCursor, _ event: inout RawEvent, _ number: Int)
        throws(JSONSyntaxError)
    {
        var item = RawItem()
        var seen: UInt32 = 0
        unknownItemKeys.removeAll(keepingCapacity: true)
        cursor.index += 1
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: "}") {
            cursor.index += 1
            event.items.append(item)
            return
        }
        while true {
            guard cursor.peek() == .quote else { throw cursor.unexpected("a key string") }
            let key = try cursor.scanString()
            cursor.skipWhitespace()
            try cursor.expect(UInt8(ascii: ":"))
            cursor.skipWhitespace()
            if let code = lookUp(key, in: itemKeys, cursor) {
                let field = ItemField(rawValue: code)!
                if seen & (1 << code) != 0 { fail(&event, "duplicate key \(field.name) in item \(number)") }
                seen |= 1 << code
                item.values[code] = try value(
                    &cursor, &event, field.name, item: number, acceptsNumber: field.acceptsJSONNumber,
                    integerOnly: false)
            } else {
                let name = cursor.decode(key, scratch: &scratch) ?? "\u{FFFD}"
                if !unknownItemKeys.insert(name).inserted { fail(&event, "duplicate key \(name) in item \(number)") }
                try cursor.skipValue(stack: &stack)
            }
            guard try nextMember(&cursor, close: UInt8(ascii: "}")) else { break }
        }
        event.items.append(item)
    }

    /// Reads a known field's value; nil for null and for a value of the wrong type (then `event` is malformed).
    private mutating func value(
        _ cursor: inout JSONCursor, _ event: inout RawEvent, _ name: String, item: Int?,
        acceptsNumber: Bool, integerOnly: Bool
    ) throws(JSONSyntaxError) -> RawValue? {
        guard let first = cursor.peek() else { throw cursor.unexpected("a value") }
        func label() -> String { item.map { "field \(name) of item \($0)" } ?? "field \(name)" }
        switch first {
        case .quote:
            let span = try cursor.scanString()
            if let text = cursor.decode(span, scratch: &scratch) { return RawValue(text) }
            fail(&event, "\(label()) has an invalid \\u escape (an unpaired surrogate)")
            return nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (range, isInteger) = try cursor.scanNumber()
            if !acceptsNumber {
                fail(&event, "\(label()) must be a string, got number")
            } else if integerOnly && !isInteger {
                fail(&event, "\(label()) must be a string or an integer, got a number with a fraction or exponent")
            } else {
                let literal = UnsafeRawBufferPointer(start: cursor.base + range.lowerBound, count: range.count)
                return RawValue(String(decoding: literal, as: UTF8.self), isNumber: true)
            }
            return nil
        case UInt8(ascii: "n"):
            try cursor.scanLiteral()
            return nil
        default:
            fail(
                &event,
                "\(label()) must be a string\(acceptsNumber ? " or number" : ""), got \(jsonKind(startingWith: first))")
            try cursor.skipValue(stack: &stack)
            return nil
        }
    }

    /// After a member: true when a `,` follows (cursor at the next member), false at `close`.
    private func nextMember(_ cursor: inout JSONCursor, close: UInt8) throws(JSONSyntaxError) -> Bool {
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: ",") {
            cursor.index += 1
            cursor.skipWhitespace()
            return true
        }
        guard cursor.peek() == close else { throw cursor.unexpected("',' or '\(Character(Unicode.Scalar(close)))'") }
        cursor.index += 1
        return false
    }

    /// The code of the known key `key` (ASCII case ignored), nil for an unknown key.
    private mutating func lookUp(_ key: JSONCursor.StringSpan, in table: [PackedKey], _ cursor: JSONCursor) -> Int? {
        let packed: PackedKey
        if key.escaped {
            guard let text = cursor.decode(key, scratch: &scratch) else { return nil }
            packed = Array(text.utf8).withUnsafeBytes { PackedKey(bytes: $0) }
        } else {
            packed = PackedKey(
                bytes: UnsafeRawBufferPointer(start: cursor.base + key.start, count: key.end - key.start))
        }
        guard packed.length > 0 else { return nil }
        for candidate in table
        where candidate.low == packed.low && candidate.high == packed.high
            && candidate.length == packed.length
        {
            return candidate.code
        }
        return nil
    }

    private func fail(_ event: inout RawEvent, _ message: @autoclosure () -> String) {
        if event.malformed == nil { event.malformed = message() }
    }

    /// A key of up to 16 bytes, ASCII lower-cased, packed into two words for quick comparison.
    private struct PackedKey {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var length = 0
        var code = -1
        var name = ""

        init(_ name: String, code: Int) {
            self = Array(name.utf8).withUnsafeBytes { PackedKey(bytes: $0) }
            self.code = code
            self.name = name
        }

        /// Packs `bytes`; a key longer than 16 bytes gets length 0 (it matches nothing).
        init(bytes: UnsafeRawBufferPointer) {
            guard bytes.count <= 16 else { return }
            length = bytes.count
            for (k, raw) in bytes.enumerated() {
                let b = raw &- UInt8(ascii: "A") < 26 ? raw | 0x20 : raw
                if k < 8 { low |= UInt64(b) << (8 * k) } else { high |= UInt64(b) << (8 * (k - 8)) }
            }
        }
    }
}
