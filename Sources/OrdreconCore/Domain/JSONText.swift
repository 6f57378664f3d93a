/// Minimal JSON text output: enough to write refund bodies, reports and `--json` output
/// deterministically (keys in the order given).
public enum JSONText {
    /// The JSON string literal for `text`, quotes included.
    public static func string(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    /// A number of seconds with exactly three decimals, e.g. `1.050` (kept as text in JSON).
    public static func seconds(_ value: Double) -> String {
        let millis = Int64((value * 1000).rounded())
        let rest = millis % 1000
        return "\(millis / 1000).\(rest < 10 ? "00" : rest < 100 ? "0" : "")\(rest)"
    }
}

/// A JSON value for building output.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    /// An object with its keys in the given order.
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.text() == rhs.text() }
    public func hash(into hasher: inout Hasher) { hasher.combine(text()) }

    /// The value as JSON text; `indent` > 0 pretty-prints.
    public func text(indent: Int = 0) -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        return out
    }

    private func write(to out: inout String, indent: Int, level: Int) {
        let newline = indent > 0 ? "\n" : ""
        let pad = String(repeating: " ", count: indent * (level + 1))
        let closePad = String(repeating: " ", count: indent * level)
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): out += JSONText.string(s)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[" + newline
            for (i, item) in items.enumerated() {
                out += pad
                item.write(to: &out, indent: indent, level: level + 1)
                out += (i < items.count - 1 ? "," : "") + newline
            }
            out += closePad + "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{" + newline
            for (i, (key, value)) in fields.enumerated() {
                out += pad + JSONText.string(key) + (indent > 0 ? ": " : ":")
                value.write(to: &out, indent: indent, level: level + 1)
                out += (i < fields.count - 1 ? "," : "") + newline
            }
            out += closePad + "}"
        }
    }
}

extension JSONValue {
    /// A string, or null when nil.
    public static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
    /// An integer, or null when nil.
    public static func optional(_ number: Int64?) -> JSONValue { number.map { .int($0) } ?? .null }
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
