/// A parsed JSON value that keeps each number's text as written, so the mock can tell an
/// integer (`1250`) from a number with a fraction or an exponent (`12.5`, `1.25e3`).
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number exactly as it appeared in the text.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON document (RFC 8259) from `bytes`.
    ///
    /// - Throws: ``JSONParser/Failure`` naming the byte offset and what was expected.
    static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        var parser = JSONParser(bytes: Array(bytes))
        return try parser.document()
    }

    /// The members of an object, or nil for any other value.
    var object: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The text of a string, or nil for any other value.
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of a number written as an integer (no fraction, no exponent) that fits in
    /// an `Int`; nil for anything else.
    var integer: Int? {
        if case .number(let text) = self, !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            return Int(text)
        }
        return nil
    }

    /// A short rendering for error messages: the value itself for scalars, the kind otherwise.
    var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .number(let text): text
        case .string(let text): "\"" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
