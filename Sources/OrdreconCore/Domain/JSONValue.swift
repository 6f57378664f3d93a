/// A JSON value: built for output (``text(indent:)``, written by ``JSONText``) or read from a
/// text (``parse(_:)``), keys in their order either way.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    /// A number literal exactly as written (``parse(_:)`` keeps every number so, telling `1250`
    /// from `1250.0`); output writes it as it is, so it must be a valid JSON number.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// An object with its keys in the given order.
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.text() == rhs.text() }
    public func hash(into hasher: inout Hasher) { hasher.combine(text()) }

    /// The value as JSON text; `indent` > 0 pretty-prints.
    public func text(indent: Int = 0) -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        return out
    }

    private func write(to out: inout String, indent: Int, level: Int) {
        let newline = indent > 0 ? "\n" : ""
        let pad = String(repeating: " ", count: indent * (level + 1))
        let closePad = String(repeating: " ", count: indent * level)
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let literal): out += literal
        case .string(let s): JSONText.appendString(s, to: &out)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[" + newline
            for (i, item) in items.enumerated() {
                out += pad
                item.write(to: &out, indent: indent, level: level + 1)
                out += (i < items.count - 1 ? "," : "") + newline
            }
            out += closePad + "]"
        case .object(let fields):
            if fields.isEmpty {
                out += "{}"
                return
            }
            out += "{" + newline
            for (i, (key, value)) in fields.enumerated() {
                out += pad
                JSONText.appendString(key, to: &out)
                out += indent > 0 ? ": " : ":"
                value.write(to: &out, indent: indent, level: level + 1)
                out += (i < fields.count - 1 ? "," : "") + newline
            }
            out += closePad + "}"
        }
    }
}

extension JSONValue {
    /// A string, or null when nil.
    public static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
    /// An integer, or null when nil.
    public static func optional(_ number: Int64?) -> JSONValue { number.map { .int($0) } ?? .null }

    /// The members of an object by key (the last one of a key, should it occur twice), or nil
    /// for any other value.
    public var members: [String: JSONValue]? {
        guard case .object(let fields) = self else { return nil }
        return Dictionary(fields, uniquingKeysWith: { _, last in last })
    }

    /// The text of a string, or nil for any other value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of a whole number (`.int`, or a literal without fraction or exponent) that fits
    /// in an `Int`; nil for anything else.
    public var integerValue: Int? {
        switch self {
        case .int(let value): return Int(exactly: value)
        case .number(let literal) where !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }):
            return Int(literal)
        default: return nil
        }
    }

    /// A short rendering for messages: the value itself for scalars (a long string cut at 40
    /// characters), the kind otherwise.
    public var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .number(let literal): literal
        case .string(let text): "\"" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
