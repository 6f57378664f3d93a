/// Writing CSV (RFC 4180): fields quoted when they need it, rows ended with CRLF.
public enum CSVText {
    /// One field, quoted when it holds a comma, quote, CR or LF, or starts or ends with a space.
    public static func field(_ text: String) -> String {
        var needsQuotes = false
        for byte in text.utf8 where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        if !needsQuotes, let first = text.utf8.first, let last = text.utf8.last, first == 0x20 || last == 0x20 {
            needsQuotes = true
        }
        guard needsQuotes else { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { out += "\"\"" } else { out.unicodeScalars.append(scalar) }
        }
        return out + "\""
    }

    /// One row with its CRLF line end.
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
