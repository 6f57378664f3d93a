/// The four kinds of TOML string (basic, literal, and their multi-line forms) and escapes.
extension TOMLParser {
    mutating func parseBasicString() throws(TOMLError) -> String {
        let openLine = line
        let openColumn = column
        advance()  // "
        var text = ""
        while true {
            guard let c = peek(), !isNewline(c) else {
                throw TOMLError(
                    line: openLine, column: openColumn, message: "string is not closed with '\"' on the same line")
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

    mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        let openLine = line
        let openColumn = column
        advance(3)
        if isNewline(peek()) { try consumeNewline() }
        var text = ""
        while true {
            guard let c = peek() else {
                throw TOMLError(
                    line: openLine, column: openColumn, message: "multi-line string is not closed with '\"\"\"'")
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

    mutating func parseLiteralString() throws(TOMLError) -> String {
        let openLine = line
        let openColumn = column
        advance()  // '
        var text = ""
        while true {
            guard let c = peek(), !isNewline(c) else {
                throw TOMLError(
                    line: openLine, column: openColumn, message: "string is not closed with \"'\" on the same line")
            }
            advance()
            if c == "'" { return text }
            try checkAllowedInString(c, offset: -1)
            text.unicodeScalars.append(c)
        }
    }

    mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        let openLine = line
        let openColumn = column
        advance(3)
        if isNewline(peek()) { try consumeNewline() }
        var text = ""
        while true {
            guard let c = peek() else {
                throw TOMLError(
                    line: openLine, column: openColumn, message: "multi-line string is not closed with \"'''\"")
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

    func checkAllowedInString(_ c: Unicode.Scalar, offset: Int = 0) throws(TOMLError) {
        if (c.value < 0x20 && c != "\t") || c.value == 0x7F {
            throw TOMLError(
                line: line, column: column + offset,
                message: "control character \(describe(c)) is not allowed in a string; write it as an escape")
        }
    }

    /// After a backslash in a basic string.
    mutating func parseEscape() throws(TOMLError) -> Unicode.Scalar {
        let escapeColumn = column
        advance()  // backslash
        guard let c = peek(), !isNewline(c) else {
            throw TOMLError(
                line: line, column: escapeColumn, message: "a backslash must be followed by an escape character")
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
                message:
                    "invalid escape \\\(c); allowed: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX (write \\\\ for a backslash)"
            )
        }
    }
}
