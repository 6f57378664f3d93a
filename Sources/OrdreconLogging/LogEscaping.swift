import OrdreconCore

/// Quoting and escaping of keys and values for logfmt and text lines. Which characters are
/// escaped, and how, is ``JSONText``'s rule: a quoted logfmt value is written exactly as a JSON
/// string, and JSON lines use ``JSONText`` itself.
enum LogEscaping {
    /// Characters that would break a line or confuse a terminal: C0 and C1 controls, DEL, and
    /// the Unicode line and paragraph separators.
    static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        JSONText.isControlOrSeparator(scalar)
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

    /// Appends a logfmt value: bare when it can be, otherwise quoted and escaped as a JSON string
    /// (`\"`, `\\`, `\n`, `\r`, `\t`, `\uXXXX`).
    static func appendLogfmtValue(_ value: String, to out: inout String) {
        if logfmtNeedsQuotes(value) {
            JSONText.appendString(value, to: &out)
        } else {
            out += value
        }
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
            case _ where mustEscape(scalar): JSONText.appendUnicodeEscape(scalar, to: &out)
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
