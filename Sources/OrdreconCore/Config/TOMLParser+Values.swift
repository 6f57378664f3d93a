/// Values after `=`: integers, decimals (kept as their text), booleans, arrays and inline
/// tables; strings are in TOMLParser+Strings.swift.
extension TOMLParser {
    mutating func parseValue() throws(TOMLError) -> TOMLValue {
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

    static func isTokenScalar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-", "+", ".", ":": true
        default: false
        }
    }

    /// Numbers, booleans, and the things we refuse (dates, unquoted strings).
    mutating func parseScalarToken() throws(TOMLError) -> TOMLValue.Kind {
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
        if let next = peek(),
            !(next == " " || next == "\t" || isNewline(next) || next == "," || next == "]"
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
        if let first = token.unicodeScalars.first,
            first == "+" || first == "-" || first == "." || ("0"..."9").contains(first)
        {
            throw fail("invalid number \(TOMLTable.quoted(token))")
        }
        throw fail("invalid value \(TOMLTable.quoted(token)); \(unquotedHint), e.g. \(TOMLTable.quoted(token))")
    }

    static func looksLikeDateOrTime(_ token: String) -> Bool {
        let s = Array(token.unicodeScalars)
        func digit(_ i: Int) -> Bool { i < s.count && ("0"..."9").contains(s[i]) }
        if s.count >= 5, digit(0), digit(1), digit(2), digit(3), s[4] == "-" { return true }
        if s.count >= 3, digit(0), digit(1), s[2] == ":" { return true }
        return false
    }

    /// Digits of `radix` with `_` only between two digits; `nil` if not.
    static func digitRun(_ s: Substring.UnicodeScalarView, radix: Int = 10) -> String? {
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
    static func integer(_ token: String, fail: (String) -> TOMLError) throws(TOMLError) -> Int64? {
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
    static func decimal(_ token: String) -> String? {
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

    mutating func parseArray() throws(TOMLError) -> [TOMLValue] {
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

    mutating func parseInlineTable() throws(TOMLError) -> TOMLTable {
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
}
