/// Writing CSV (RFC 4180): fields quoted when they need it, rows ended with CRLF.
public enum CSVText {
    /// One field, quoted when it holds a comma, quote, CR or LF, or starts or ends with a space.
    public static func field(_ text: String) -> String {
        var needsQuotes = false
        for byte in text.utf8
        where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        if !needsQuotes, let first = text.utf8.first, let last = text.utf8.last, first == 0x20 || last == 0x20 {
            needsQuotes = true
        }
        guard needsQuotes else { return text }
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One row with its CRLF line end.
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
