/// A hand-written parser for the TOML 1.0 subset an operations config needs.
///
/// Supported: comments; bare, quoted and dotted keys; `[table]` / `[a."b-c"]` headers; basic,
/// literal and multi-line strings; integers (decimal with `_` and sign, `0x` / `0o` / `0b`);
/// decimal numbers kept as text; booleans; arrays (multi-line, trailing comma, comments);
/// inline tables. Not supported, with a clear error: arrays of tables (`[[...]]`), dates and times.
/// Redefining a key or a table is an error, as TOML requires.
struct TOMLParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    /// How many tables and arrays enclose the value being parsed (root keys are at depth 1).
    private var depth = 0

    /// The deepest nesting accepted: tables (headers, dotted keys, inline tables) and arrays
    /// together. Parsing, and the values built, recurse once per level.
    static let maxDepth = 100

    init(text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
    }

    // MARK: - Document builder

    /// A table while the document is being built (frozen into ``TOMLTable`` at the end).
    private final class Node {
        enum Origin {
            /// Created as the parent of a `[a.b]` header; may still be defined by its own header.
            case implicit
            /// Defined by its own `[header]` (or the root).
            case header
            /// Created by a dotted key `a.b = 1`.
            case dotted
            /// Part of an inline table `{ ... }` being parsed.
            case inline
        }

        var origin: Origin
        var line: Int
        var column: Int
        var order: [String] = []
        var entries: [String: Entry] = [:]

        init(origin: Origin, line: Int, column: Int) {
            self.origin = origin
            self.line = line
            self.column = column
        }

        func insert(_ key: String, _ entry: Entry) {
            order.append(key)
            entries[key] = entry
        }

        func freeze() -> TOMLTable {
            var values: [String: TOMLValue] = [:]
            for key in order {
                switch entries[key]! {
                case .value(let v): values[key] = v
                case .table(let node):
                    values[key] = TOMLValue(.table(node.freeze()), line: node.line, column: node.column)
                }
            }
            return TOMLTable(keys: order, values: values)
        }
    }

    private enum Entry {
        case table(Node)
        case value(TOMLValue)
    }

    /// A key segment with where it was written.
    private struct KeyPart {
        var name: String
        var line: Int
        var column: Int
    }

    // MARK: - Document

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        let root = Node(origin: .header, line: 1, column: 1)
        var current = root
        var currentPath: [String] = []
        while true {
            skipSpaces()
            guard let c = peek() else { break }
            switch c {
            case "#":
                skipComment()
                try expectLineEnd()
            case "\n", "\r":
                try consumeNewline()
            case "[":
                if peek(1) == "[" {
                    throw error(
                        "arrays of tables ([[...]]) are not supported in this configuration; "
                            + "use [table] headers or an array of inline tables")
                }
                let (node, path) = try parseHeader(root: root)
                current = node
                currentPath = path
                try expectLineEnd()
            default:
                try parseKeyValue(into: current, path: currentPath, inline: false)
                try expectLineEnd()
            }
        }
        return root.freeze()
    }

    /// `[a.b]`: finds or creates the table, enforcing TOML's rules on redefinition.
    private mutating func parseHeader(root: Node) throws(TOMLError) -> (Node, [String]) {
        let openLine = line
        let openColumn = column
        advance()  // "["
        skipSpaces()
        let parts = try parseKey()
        depth = 0
        try nest(parts.count)
        skipSpaces()
        guard peek() == "]" else {
            throw error(
                peek() == nil || isNewline(peek()) ? "table header is not closed with ']'" : "expected ']' after the table name")
        }
        advance()
        let names = parts.map(\.name)
        var node = root
        for (depth, part) in parts.enumerated() {
            let pathSoFar = Array(names[...depth])
            let isLast = depth == parts.count - 1
            switch node.entries[part.name] {
            case nil:
                let child = Node(origin: isLast ? .header : .implicit, line: openLine, column: openColumn)
                node.insert(part.name, .table(child))
                node = child
            case .table(let child):
                if isLast {
                    switch child.origin {
                    case .implicit:
                        child.origin = .header
                        child.line = openLine
                        child.column = openColumn
                    case .header:
                        throw TOMLError(
                            line: openLine, column: openColumn, keyPath: TOMLTable.keyPathText(pathSoFar),
                            message: "table [\(TOMLTable.keyPathText(pathSoFar))] is defined twice (first at line \(child.line))")
                    case .dotted, .inline:
                        throw TOMLError(
                            line: openLine, column: openColumn, keyPath: TOMLTable.keyPathText(pathSoFar),
                            message: "table [\(TOMLTable.keyPathText(pathSoFar))] was already defined by dotted keys at line \(child.line)")
                    }
                }
                node = child
            case .value(let value):
                let what = value.tableValue != nil ? "an inline table" : value.typeNameWithArticle
                throw TOMLError(
                    line: openLine, column: openColumn, keyPath: TOMLTable.keyPathText(pathSoFar),
                    message: "cannot define table [\(TOMLTable.keyPathText(names))]: "
                        + "\(TOMLTable.keyPathText(pathSoFar)) is already \(what) (line \(value.line))")
            }
        }
        return (node, names)
    }

    /// `key = value` (key possibly dotted) into `table`.
    private mutating func parseKeyValue(into table: Node, path: [String], inline: Bool) throws(TOMLError) {
        let parts = try parseKey()
        try nest(parts.count)
        defer { depth -= parts.count }
        skipSpaces()
        guard peek() == "=" else {
            if peek() == nil || isNewline(peek()) {
                throw error("expected '=' and a value after the key \(TOMLTable.keyPathText(parts.map(\.name)))")
            }
            throw error("expected '=' after the key \(TOMLTable.keyPathText(parts.map(\.name)))")
        }
        advance()
        skipSpaces()
        let value = try parseValue()
        try insert(value, at: parts, into: table, tablePath: path, inline: inline)
    }

    private func insert(
        _ value: TOMLValue, at parts: [KeyPart], into table: Node, tablePath: [String], inline: Bool
    ) throws(TOMLError) {
        var node = table
        var fullPath = tablePath
        for part in parts.dropLast() {
            fullPath.append(part.name)
            switch node.entries[part.name] {
            case nil:
                let child = Node(origin: inline ? .inline : .dotted, line: part.line, column: part.column)
                node.insert(part.name, .table(child))
                node = child
            case .table(let child):
                guard child.origin == (inline ? .inline : .dotted) else {
                    throw TOMLError(
                        line: part.line, column: part.column, keyPath: TOMLTable.keyPathText(fullPath),
                        message: "cannot add keys with a dotted key to table [\(TOMLTable.keyPathText(fullPath))], "
                            + "which is defined by a [header] (line \(child.line)); put the key under that header")
                }
                node = child
            case .value(let existing):
                let what = existing.tableValue != nil ? "an inline table, which cannot be extended" : existing.typeNameWithArticle
                throw TOMLError(
                    line: part.line, column: part.column, keyPath: TOMLTable.keyPathText(fullPath),
                    message: "key is already \(what) (defined at line \(existing.line))")
            }
        }
        let last = parts[parts.count - 1]
        fullPath.append(last.name)
        if let existing = node.entries[last.name] {
            let firstLine: Int
            switch existing {
            case .table(let t): firstLine = t.line
            case .value(let v): firstLine = v.line
            }
            throw TOMLError(
                line: last.line, column: last.column, keyPath: TOMLTable.keyPathText(fullPath),
                message: "key is defined twice (first at line \(firstLine))")
        }
        node.insert(last.name, .value(value))
    }

    // MARK: - Keys

    static func isBareKeyScalar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
        default: false
        }
    }

    private mutating func parseKey() throws(TOMLError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            let startLine = line
            let startColumn = column
            let name: String
            switch peek() {
            case "\"":
                if peek(1) == "\"" && peek(2) == "\"" { throw error("a key cannot be a multi-line string") }
                name = try parseBasicString()
            case "'":
                if peek(1) == "'" && peek(2) == "'" { throw error("a key cannot be a multi-line string") }
                name = try parseLiteralString()
            case let c? where Self.isBareKeyScalar(c):
                var text = ""
                while let c = peek(), Self.isBareKeyScalar(c) {
                    text.unicodeScalars.append(c)
                    advance()
                }
                name = text
            case nil:
                throw error("expected a key")
            case let c?:
                if isNewline(c) { throw error("expected a key") }
                throw error(
                    "unexpected character \(describe(c)) where a key was expected "
                        + "(bare keys use A-Z a-z 0-9 _ -; quote other keys)")
            }
            parts.append(KeyPart(name: name, line: startLine, column: startColumn))
            skipSpaces()
            guard peek() == "." else { return parts }
            advance()
            skipSpaces()
        }
    }

    // MARK: - Values

    private mutating func parseValue() throws(TOMLError) -> TOMLValue {
        let startLine = line
        let startColumn = column
        func made(_ kind: TOMLValue.Kind) -> TOMLValue {
            TOMLValue(kind, line: startLine, column: startColumn)
        }
        switch peek() {
        case nil:
            throw error("expected a value")
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" { return made(.string(try parseMultilineBasicString())) }
            return made(.string(try parseBasicString()))
        case "'":
            if peek(1) == "'" && peek(2) == "'" { return made(.string(try parseMultilineLiteralString())) }
            return made(.string(try parseLiteralString()))
        case "[":
            return made(.array(try parseArray()))
        case "{":
            return made(.table(try parseInlineTable()))
        case let c?:
            if isNewline(c) || c == "#" { throw error("expected a value after '='") }
            return made(try parseScalarToken())
        }
    }

    private static func isTokenScalar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-", "+", ".", ":": true
        default: false
        }
    }

    /// Numbers, booleans, and the things we refuse (dates, unquoted strings).
    private mutating func parseScalarToken() throws(TOMLError) -> TOMLValue.Kind {
        let startLine = line
        let startColumn = column
        var token = ""
        while let c = peek(), Self.isTokenScalar(c) {
            token.unicodeScalars.append(c)
            advance()
        }
        func fail(_ message: String) -> TOMLError {
            TOMLError(line: startLine, column: startColumn, message: message)
        }
        let unquotedHint = "strings must be in quotes"
        if token.isEmpty {
            throw fail("unexpected character \(describe(peek()!)) where a value was expected")
        }
        if let next = peek(), !(next == " " || next == "\t" || isNewline(next) || next == "," || next == "]"
            || next == "}" || next == "#")
        {
            if Self.looksLikeDateOrTime(token) {
                throw fail("dates and times are not supported here; write the value as a quoted string")
            }
            throw fail("invalid value starting \(TOMLTable.quoted(token)); \(unquotedHint)")
        }
        switch token {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf", "-inf", "nan", "+nan", "-nan": return .decimal(token)
        default: break
        }
        if Self.looksLikeDateOrTime(token) {
            throw fail("dates and times are not supported here; write the value as a quoted string")
        }
        if let integer = try Self.integer(token, fail: fail) { return .integer(integer) }
        if let decimal = Self.decimal(token) { return .decimal(decimal) }
        if let first = token.unicodeScalars.first, first == "+" || first == "-" || first == "." || ("0"..."9").contains(first) {
            throw fail("invalid number \(TOMLTable.quoted(token))")
        }
        throw fail("invalid value \(TOMLTable.quoted(token)); \(unquotedHint), e.g. \(TOMLTable.quoted(token))")
    }

    private static func looksLikeDateOrTime(_ token: String) -> Bool {
        let s = Array(token.unicodeScalars)
        func digit(_ i: Int) -> Bool { i < s.count && ("0"..."9").contains(s[i]) }
        if s.count >= 5, digit(0), digit(1), digit(2), digit(3), s[4] == "-" { return true }
        if s.count >= 3, digit(0), digit(1), s[2] == ":" { return true }
        return false
    }

    /// Digits of `radix` with `_` only between two digits; `nil` if not.
    private static func digitRun(_ s: Substring.UnicodeScalarView, radix: Int = 10) -> String? {
        var out = ""
        var previousWasDigit = false
        for c in s {
            if c == "_" {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
                continue
            }
            guard isASCIIHexDigit(c), let digit = Character(c).hexDigitValue, digit < radix else { return nil }
            out.unicodeScalars.append(c)
            previousWasDigit = true
        }
        return previousWasDigit ? out : nil
    }

    /// An integer per TOML, `nil` if the token is not integer-shaped; throws when out of range.
    private static func integer(_ token: String, fail: (String) -> TOMLError) throws(TOMLError) -> Int64? {
        let s = Substring(token).unicodeScalars
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where token.hasPrefix(prefix) {
            guard let digits = digitRun(s.dropFirst(2), radix: radix) else { return nil }
            guard let value = Int64(digits, radix: radix) else { throw fail("integer \(token) is out of range") }
            return value
        }
        var body = s[...]
        var negative = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            body = body.dropFirst()
        }
        guard let digits = digitRun(body) else { return nil }
        if digits.count > 1 && digits.hasPrefix("0") {
            throw fail("invalid number \(TOMLTable.quoted(token)): leading zeros are not allowed")
        }
        guard let value = Int64((negative ? "-" : "") + digits) else {
            throw fail("integer \(token) is out of range")
        }
        return value
    }

    /// A TOML float as text without `_`, or `nil` if the token is not one.
    private static func decimal(_ token: String) -> String? {
        var rest = Substring(token).unicodeScalars[...]
        var out = ""
        if let first = rest.first, first == "+" || first == "-" {
            out.unicodeScalars.append(first)
            rest = rest.dropFirst()
        }
        let exponentIndex = rest.firstIndex { $0 == "e" || $0 == "E" }
        let mantissa = exponentIndex.map { rest[..<$0] } ?? rest
        let pointIndex = mantissa.firstIndex(of: ".")
        let wholePart = pointIndex.map { mantissa[..<$0] } ?? mantissa
        guard let whole = digitRun(wholePart) else { return nil }
        if whole.count > 1 && whole.hasPrefix("0") { return nil }
        out += whole
        if let pointIndex {
            guard let fraction = digitRun(mantissa[mantissa.index(after: pointIndex)...]) else { return nil }
            out += "." + fraction
        }
        if let exponentIndex {
            var exponent = rest[rest.index(after: exponentIndex)...]
            out += "e"
            if let sign = exponent.first, sign == "+" || sign == "-" {
                out.unicodeScalars.append(sign)
                exponent = exponent.dropFirst()
            }
            guard let digits = digitRun(exponent) else { return nil }
            out += digits
        }
        guard pointIndex != nil || exponentIndex != nil else { return nil }
        return out
    }

    private mutating func parseArray() throws(TOMLError) -> [TOMLValue] {
        let openLine = line
        let openColumn = column
        try nest(1)
        defer { depth -= 1 }
        advance()  // "["
        var elements: [TOMLValue] = []
        while true {
            try skipSpacesNewlinesAndComments()
            guard let c = peek() else {
                throw TOMLError(line: openLine, column: openColumn, message: "array is not closed with ']'")
            }
            if c == "]" {
                advance()
                return elements
            }
            if c == "," {
                throw error(elements.isEmpty ? "expected a value before ','" : "expected a value between ',' and ','")
            }
            elements.append(try parseValue())
            try skipSpacesNewlinesAndComments()
            switch peek() {
            case ",": advance()
            case "]":
                advance()
                return elements
            case nil:
                throw TOMLError(line: openLine, column: openColumn, message: "array is not closed with ']'")
            default:
                throw error("expected ',' or ']' after an array element")
            }
        }
    }

    private mutating func parseInlineTable() throws(TOMLError) -> TOMLTable {
        let node = Node(origin: .inline, line: line, column: column)
        advance()  // "{"
        skipSpaces()
        if peek() == "}" {
            advance()
            return node.freeze()
        }
        while true {
            skipSpaces()
            if peek() == nil || isNewline(peek()) {
                throw error("inline table is not closed with '}' on the same line (inline tables must be on one line)")
            }
            try parseKeyValue(into: node, path: [], inline: true)
            skipSpaces()
            switch peek() {
            case ",":
                advance()
                skipSpaces()
                if peek() == "}" { throw error("trailing comma is not allowed in an inline table") }
            case "}":
                advance()
                return node.freeze()
            case let c? where isNewline(c):
                throw error("inline table is not closed with '}' on the same line (inline tables must be on one line)")
            case nil:
                throw error("inline table is not closed with '}'")
            default:
                throw error("expected ',' or '}' in inline table")
            }
        }
    }

    // MARK: - Strings

    private mutating func parseBasicString() throws(TOMLError) -> String {
        let openLine = line
        let openColumn = column
        advance()  // "
        var text = ""
        while true {
            guard let c = peek(), !isNewline(c) else {
                throw TOMLError(line: openLine, column: openColumn, message: "string is not closed with '\"' on the same line")
            }
            switch c {
            case "\"":
                advance()
                return text
            case "\\":
                text.unicodeScalars.append(try parseEscape())
            default:
                try checkAllowedInString(c)
                text.unicodeScalars.append(c)
                advance()
            }
        }
    }

    private mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        let openLine = line
        let openColumn = column
        advance(3)
        if isNewline(peek()) { try consumeNewline() }
        var text = ""
        while true {
            guard let c = peek() else {
                throw TOMLError(line: openLine, column: openColumn, message: "multi-line string is not closed with '\"\"\"'")
            }
            switch c {
            case "\"":
                var count = 0
                while peek() == "\"" {
                    count += 1
                    advance()
                }
                if count >= 3 {
                    if count > 5 { throw error("too many '\"' at the end of a multi-line string") }
                    text += String(repeating: "\"", count: count - 3)
                    return text
                }
                text += String(repeating: "\"", count: count)
            case "\\":
                // A backslash at the end of a line trims the newline and the whitespace that follows.
                var look = 1
                while peek(look) == " " || peek(look) == "\t" { look += 1 }
                if isNewline(peek(look)) {
                    advance(look)
                    while let n = peek(), n == " " || n == "\t" || isNewline(n) {
                        if isNewline(n) { try consumeNewline() } else { advance() }
                    }
                } else {
                    text.unicodeScalars.append(try parseEscape())
                }
            case "\n", "\r":
                try consumeNewline()
                text += "\n"
            default:
                try checkAllowedInString(c)
                text.unicodeScalars.append(c)
                advance()
            }
        }
    }

    private mutating func parseLiteralString() throws(TOMLError) -> String {
        let openLine = line
        let openColumn = column
        advance()  // '
        var text = ""
        while true {
            guard let c = peek(), !isNewline(c) else {
                throw TOMLError(line: openLine, column: openColumn, message: "string is not closed with \"'\" on the same line")
            }
            advance()
            if c == "'" { return text }
            try checkAllowedInString(c, offset: -1)
            text.unicodeScalars.append(c)
        }
    }

    private mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        let openLine = line
        let openColumn = column
        advance(3)
        if isNewline(peek()) { try consumeNewline() }
        var text = ""
        while true {
            guard let c = peek() else {
                throw TOMLError(line: openLine, column: openColumn, message: "multi-line string is not closed with \"'''\"")
            }
            switch c {
            case "'":
                var count = 0
                while peek() == "'" {
                    count += 1
                    advance()
                }
                if count >= 3 {
                    if count > 5 { throw error("too many \"'\" at the end of a multi-line string") }
                    text += String(repeating: "'", count: count - 3)
                    return text
                }
                text += String(repeating: "'", count: count)
            case "\n", "\r":
                try consumeNewline()
                text += "\n"
            default:
                try checkAllowedInString(c)
                text.unicodeScalars.append(c)
                advance()
            }
        }
    }

    private func checkAllowedInString(_ c: Unicode.Scalar, offset: Int = 0) throws(TOMLError) {
        if (c.value < 0x20 && c != "\t") || c.value == 0x7F {
            throw TOMLError(
                line: line, column: column + offset,
                message: "control character \(describe(c)) is not allowed in a string; write it as an escape")
        }
    }

    /// After a backslash in a basic string.
    private mutating func parseEscape() throws(TOMLError) -> Unicode.Scalar {
        let escapeColumn = column
        advance()  // backslash
        guard let c = peek(), !isNewline(c) else {
            throw TOMLError(line: line, column: escapeColumn, message: "a backslash must be followed by an escape character")
        }
        advance()
        switch c {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let width = c == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<width {
                guard let h = peek(), Self.isASCIIHexDigit(h) else {
                    throw TOMLError(
                        line: line, column: escapeColumn,
                        message: "\\\(c) must be followed by exactly \(width) hex digits")
                }
                hex.unicodeScalars.append(h)
                advance()
            }
            guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw TOMLError(
                    line: line, column: escapeColumn, message: "\\\(c)\(hex) is not a valid Unicode scalar value")
            }
            return scalar
        default:
            throw TOMLError(
                line: line, column: escapeColumn,
                message: "invalid escape \\\(c); allowed: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX (write \\\\ for a backslash)")
        }
    }

    // MARK: - Low level

    private static func isASCIIHexDigit(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "0"..."9", "a"..."f", "A"..."F": true
        default: false
        }
    }

    private var column: Int { index - lineStart + 1 }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = index + offset
        return i < scalars.count ? scalars[i] : nil
    }

    private func isNewline(_ c: Unicode.Scalar?) -> Bool { c == "\n" || c == "\r" }

    /// Enters `levels` more tables or arrays; throws past ``maxDepth``.
    private mutating func nest(_ levels: Int) throws(TOMLError) {
        depth += levels
        if depth > Self.maxDepth {
            throw error("nesting deeper than \(Self.maxDepth) levels (tables, dotted keys and arrays together)")
        }
    }

    private mutating func advance(_ count: Int = 1) {
        index += count
    }

    /// Consumes `\n` or `\r\n`.
    private mutating func consumeNewline() throws(TOMLError) {
        if peek() == "\r" {
            guard peek(1) == "\n" else { throw error("carriage return not followed by a line feed") }
            advance()
        }
        advance()
        line += 1
        lineStart = index
    }

    private mutating func skipSpaces() {
        while let c = peek(), c == " " || c == "\t" { advance() }
    }

    private mutating func skipComment() {
        while let c = peek(), !isNewline(c) { advance() }
    }

    private mutating func skipSpacesNewlinesAndComments() throws(TOMLError) {
        while let c = peek() {
            if c == " " || c == "\t" {
                advance()
            } else if isNewline(c) {
                try consumeNewline()
            } else if c == "#" {
                skipComment()
            } else {
                return
            }
        }
    }

    /// After a key/value pair or header: optional spaces and comment, then a newline or the end.
    private mutating func expectLineEnd() throws(TOMLError) {
        skipSpaces()
        if peek() == "#" { skipComment() }
        guard let c = peek() else { return }
        guard isNewline(c) else {
            throw error("unexpected \(describe(c)) after the value; expected the end of the line (one key = value per line)")
        }
        try consumeNewline()
    }

    private func describe(_ c: Unicode.Scalar) -> String {
        if c.value < 0x20 || c.value == 0x7F {
            let hex = String(c.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return "'\(c)'"
    }

    private func error(_ message: String) -> TOMLError {
        TOMLError(line: line, column: column, message: message)
    }
}
