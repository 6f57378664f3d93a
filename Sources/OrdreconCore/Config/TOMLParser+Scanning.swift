/// Walking the text: looking ahead, newlines, spaces and comments, the end of a line, and
/// errors at the current position.
extension TOMLParser {
    static func isASCIIHexDigit(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "0"..."9", "a"..."f", "A"..."F": true
        default: false
        }
    }

    var column: Int { index - lineStart + 1 }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = index + offset
        return i < scalars.count ? scalars[i] : nil
    }

    func isNewline(_ c: Unicode.Scalar?) -> Bool { c == "\n" || c == "\r" }

    /// Enters `levels` more tables or arrays; throws past ``maxDepth``.
    mutating func nest(_ levels: Int) throws(TOMLError) {
        depth += levels
        if depth > Self.maxDepth {
            throw error("nesting deeper than \(Self.maxDepth) levels (tables, dotted keys and arrays together)")
        }
    }

    mutating func advance(_ count: Int = 1) {
        index += count
    }

    /// Consumes `\n` or `\r\n`.
    mutating func consumeNewline() throws(TOMLError) {
        if peek() == "\r" {
            guard peek(1) == "\n" else { throw error("carriage return not followed by a line feed") }
            advance()
        }
        advance()
        line += 1
        lineStart = index
    }

    mutating func skipSpaces() {
        while let c = peek(), c == " " || c == "\t" { advance() }
    }

    mutating func skipComment() {
        while let c = peek(), !isNewline(c) { advance() }
    }

    mutating func skipSpacesNewlinesAndComments() throws(TOMLError) {
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
    mutating func expectLineEnd() throws(TOMLError) {
        skipSpaces()
        if peek() == "#" { skipComment() }
        guard let c = peek() else { return }
        guard isNewline(c) else {
            throw error(
                "unexpected \(describe(c)) after the value; expected the end of the line (one key = value per line)")
        }
        try consumeNewline()
    }

    func describe(_ c: Unicode.Scalar) -> String {
        if c.value < 0x20 || c.value == 0x7F {
            let hex = String(c.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return "'\(c)'"
    }

    func error(_ message: String) -> TOMLError {
        TOMLError(line: line, column: column, message: message)
    }
}
