/// A value read from a TOML document, with the place it was defined.
///
/// Decimal numbers (TOML floats) are kept as their text, without `_` separators, so callers can
/// parse them exactly (e.g. a GST rate `12.5`) instead of going through binary floating point.
public struct TOMLValue: Sendable, Equatable {
    /// What the value is.
    public enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        /// A TOML float, as written minus `_` separators: `12.5`, `-0.01`, `1e3`, `inf`, `nan`.
        case decimal(String)
        case boolean(Bool)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var kind: Kind
    /// The 1-based line where the value (or, for a table, its header or first key) starts.
    public var line: Int
    /// The 1-based column (in Unicode scalars) where the value starts.
    public var column: Int

    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    public var stringValue: String? {
        if case .string(let s) = kind { s } else { nil }
    }

    public var integerValue: Int64? {
        if case .integer(let i) = kind { i } else { nil }
    }

    /// The text of a decimal number (TOML float); `nil` for integers and everything else.
    public var decimalText: String? {
        if case .decimal(let d) = kind { d } else { nil }
    }

    public var booleanValue: Bool? {
        if case .boolean(let b) = kind { b } else { nil }
    }

    public var arrayValue: [TOMLValue]? {
        if case .array(let a) = kind { a } else { nil }
    }

    public var tableValue: TOMLTable? {
        if case .table(let t) = kind { t } else { nil }
    }

    /// A short name of the value's type for messages: "string", "integer", "decimal number",
    /// "boolean", "array", "table".
    public var typeName: String {
        switch kind {
        case .string: "string"
        case .integer: "integer"
        case .decimal: "decimal number"
        case .boolean: "boolean"
        case .array: "array"
        case .table: "table"
        }
    }

    /// ``typeName`` with "a" or "an": "an integer", "a string".
    public var typeNameWithArticle: String {
        switch kind {
        case .integer, .array: "an \(typeName)"
        default: "a \(typeName)"
        }
    }
}

/// A TOML table: keys in the order they were defined, each with its value.
public struct TOMLTable: Sendable, Equatable {
    /// The keys in definition order.
    public private(set) var keys: [String]
    private var values: [String: TOMLValue]

    public init() {
        keys = []
        values = [:]
    }

    init(keys: [String], values: [String: TOMLValue]) {
        self.keys = keys
        self.values = values
    }

    public subscript(key: String) -> TOMLValue? { values[key] }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The entries in definition order.
    public var entries: [(key: String, value: TOMLValue)] {
        keys.compactMap { key in values[key].map { (key, $0) } }
    }

    /// The value at a dotted path of keys, e.g. `["feeds", "carrier", "allow"]`.
    public func value(atPath path: [String]) -> TOMLValue? {
        guard let first = path.first else { return nil }
        guard let value = values[first] else { return nil }
        if path.count == 1 { return value }
        return value.tableValue?.value(atPath: Array(path.dropFirst()))
    }
}

/// A parsed TOML document (TOML 1.0 without dates/times and arrays of tables).
public struct TOMLDocument: Sendable, Equatable {
    /// The top-level table.
    public var root: TOMLTable

    /// Parses TOML text.
    /// - Throws: ``TOMLError`` with the line and column of the first problem.
    public init(parsing text: String) throws(TOMLError) {
        var parser = TOMLParser(text: text)
        root = try parser.parseDocument()
    }

    /// The value at a path of keys, e.g. `document["returns", "window_days"]`.
    public subscript(path: String...) -> TOMLValue? {
        root.value(atPath: path)
    }
}

/// A TOML syntax or structure error.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the problem.
    public var line: Int
    /// 1-based column (in Unicode scalars) of the problem.
    public var column: Int
    /// The dotted key or table path involved, when there is one (e.g. a key defined twice).
    public var keyPath: String?
    /// What is wrong, in plain words.
    public var message: String

    public init(line: Int, column: Int, keyPath: String? = nil, message: String) {
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        "\(line):\(column): " + (keyPath.map { "\($0): " } ?? "") + message
    }
}

extension TOMLTable {
    /// Renders a key path the way it would be written in TOML: bare keys as they are, others quoted.
    /// `["feeds", "returns desk", "allow"]` becomes `feeds."returns desk".allow`.
    public static func keyPathText(_ path: [String]) -> String {
        path.map(keyText).joined(separator: ".")
    }

    /// One key as it would be written in TOML (quoted when it is not a bare key).
    public static func keyText(_ key: String) -> String {
        if !key.isEmpty && key.unicodeScalars.allSatisfy(TOMLParser.isBareKeyScalar) { return key }
        return quoted(key)
    }

    /// A TOML basic string literal for `text`.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
