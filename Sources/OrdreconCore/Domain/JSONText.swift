/// The program's one JSON text writer: refund bodies, reports, `--json` output, JSON log lines
/// and generated JSON feeds all go through it, so every JSON string is escaped the same way.
///
/// Escaping (RFC 8259, section 7): `"` and `\` get a backslash; line feed, carriage return and tab
/// are written `\n`, `\r`, `\t`; every other control character (U+0000–U+001F, DEL and the C1
/// controls U+007F–U+009F) and the line and paragraph separators U+2028 and U+2029 are written
/// `\u00XX` or `\u2028`, with lowercase hex digits. Everything else, non-ASCII included, is written
/// as itself in UTF-8. The escapes beyond what RFC 8259 asks for keep a value from breaking a log
/// line, driving a terminal, or ending a line in JavaScript.
public enum JSONText {
    /// The JSON string literal for `text`, quotes included.
    public static func string(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2)
        appendString(text, to: &out)
        return out
    }

    /// Appends the JSON string literal for `text`, quotes included.
    public static func appendString(_ text: String, to out: inout String) {
        // Bytes that may start something to escape: ASCII specials, and the lead bytes of the C1
        // controls (0xC2) and of U+2028/U+2029 (0xE2). Text without any is written as it is.
        if !text.utf8.contains(where: {
            $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2
        }) {
            out += "\""
            out += text
            out += "\""
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        appendString(text, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the JSON string literal for `text`, quotes included, as UTF-8 bytes.
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        out.append(.quote)
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                switch b {
                case .quote, .backslash: out.append(contentsOf: [.backslash, b])
                case .lf: out.append(contentsOf: [.backslash, UInt8(ascii: "n")])
                case .cr: out.append(contentsOf: [.backslash, UInt8(ascii: "r")])
                case .tab: out.append(contentsOf: [.backslash, UInt8(ascii: "t")])
                case 0..<0x20, 0x7F: appendUnicodeEscape(UInt32(b), to: &out)
                case 0xC2 where i + 1 < bytes.count && (0x80...0x9F).contains(bytes[i + 1]):
                    appendUnicodeEscape(UInt32(bytes[i + 1]), to: &out)  // U+0080–U+009F
                    i += 1
                case 0xE2
                where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    appendUnicodeEscape(bytes[i + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
                    i += 2
                default: out.append(b)
                }
                i += 1
            }
        }
        out.append(.quote)
    }

    /// Whether a character is written as an escape in a JSON string, and in logfmt and text log
    /// lines: the C0 controls, DEL, the C1 controls, and the Unicode line and paragraph separators,
    /// characters that would break a line or confuse a terminal when written as they are.
    public static func isControlOrSeparator(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
    }

    /// Appends `\uXXXX` (four lowercase hex digits) for a scalar of the Basic Multilingual Plane.
    public static func appendUnicodeEscape(_ scalar: Unicode.Scalar, to out: inout String) {
        var bytes: [UInt8] = []
        appendUnicodeEscape(scalar.value, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    private static func appendUnicodeEscape(_ value: UInt32, to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        out.append(contentsOf: [.backslash, UInt8(ascii: "u")])
        for shift: UInt32 in [12, 8, 4, 0] {
            out.append(digits.utf8Start[Int((value >> shift) & 0xF)])
        }
    }

    /// A number of seconds with exactly three decimals, e.g. `1.050` (kept as text in JSON).
    public static func seconds(_ value: Double) -> String {
        let millis = Int64((value * 1000).rounded())
        let rest = millis % 1000
        return "\(millis / 1000).\(rest < 10 ? "00" : rest < 100 ? "0" : "")\(rest)"
    }
}

extension RefundRequest {
    /// The request body sent to the gateway: fixed once the refund is recorded.
    public var jsonBody: String {
        var body = "{\"refund_id\":" + JSONText.string(refundId) + ",\"order_id\":" + JSONText.string(orderId)
        if let returnId { body += ",\"return_id\":" + JSONText.string(returnId) }
        body += ",\"payment_ref\":" + JSONText.string(paymentRef) + ",\"amount\":" + String(amount.paise)
        body += ",\"currency\":\"INR\",\"reason\":"
        body += kind == .cancellation ? "\"order_cancelled\"}" : "\"return_completed\"}"
        return body
    }
}
