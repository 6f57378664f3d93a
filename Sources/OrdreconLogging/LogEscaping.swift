/// Quoting and escaping of keys and values, for logfmt and JSON.
enum LogEscaping {
    /// Characters that would break a line or confuse a terminal: C0 and C1 controls, DEL, and
    /// the Unicode line and paragraph separators.
    static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
    }

    /// Appends `\uXXXX` for a scalar of the Basic Multilingual Plane.
    static func appendUnicodeEscape(_ scalar: Unicode.Scalar, to out: inout String) {
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    // MARK: logfmt

    /// Whether a logfmt value must be quoted: empty, or containing white space, `=`, `"` or a
    /// character that must be escaped.
    static func logfmtNeedsQuotes(_ value: String) -> Bool {
        if value.isEmpty { return true }
        for scalar in value.unicodeScalars
        where scalar == "=" || scalar == "\"" || scalar.properties.isWhitespace || mustEscape(scalar) {
            return true
        }
        return false
    }

    /// Appends a logfmt value, quoted with `\"`, `\\`, `\n`, `\r`, `\t` and `\uXXXX` escapes when
    /// needed, bare otherwise.
    static func appendLogfmtValue(_ value: String, to out: inout String) {
        guard logfmtNeedsQuotes(value) else {
            out += value
            return
        }
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where mustEscape(scalar): appendUnicodeEscape(scalar, to: &out)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Appends a logfmt key: white space, `=`, `"` and control characters become `_`; an empty
    /// key is written `_`.
    static func appendLogfmtKey(_ key: String, to out: inout String) {
        if key.isEmpty {
            out += "_"
            return
        }
        for scalar in key.unicodeScalars {
            if scalar == "=" || scalar == "\"" || scalar.properties.isWhitespace || mustEscape(scalar) {
                out += "_"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }

    // MARK: text

    /// Appends a message for the text format: as given, except that control characters are
    /// escaped (`\n`, `\r`, `\t`, `\uXXXX`) so the entry stays on one line.
    static func appendOneLine(_ text: String, to out: inout String) {
        guard text.unicodeScalars.contains(where: mustEscape) else {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where mustEscape(scalar): appendUnicodeEscape(scalar, to: &out)
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    // MARK: JSON

    /// Appends a JSON string literal, escaping `"`, `\`, control characters, DEL, C1 controls
    /// and U+2028/U+2029.
    static func appendJSONString(_ value: String, to out: inout String) {
        out += "\""
        if !value.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || mustEscape($0) }) {
            out += value
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case _ where mustEscape(scalar): appendUnicodeEscape(scalar, to: &out)
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
