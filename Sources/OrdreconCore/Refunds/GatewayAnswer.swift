import Foundation

/// Reads what ordrecon needs from a gateway's JSON answer, tolerating any other shape.
public enum GatewayAnswer {
    /// The gateway's id for the refund: `id`, `gateway_refund_id` or `refund_reference`, when
    /// the body is a JSON object holding one as a string.
    public static func refundId(in body: String) -> String? {
        guard let object = object(body) else { return nil }
        for key in ["id", "gateway_refund_id", "refund_reference"] {
            if let value = object[key] as? String, !value.isEmpty { return String(value.prefix(200)) }
        }
        return nil
    }

    /// The gateway's explanation: `error`, `message` or `detail` (a string, or an object with a
    /// `message`), else the body itself when short and not JSON.
    public static func message(in body: String) -> String? {
        let text = body.trimmingSpaces()
        guard !text.isEmpty else { return nil }
        if let object = object(text) {
            for key in ["error", "message", "detail", "error_description"] {
                if let value = object[key] as? String { return String(value.prefix(500)) }
                if let inner = object[key] as? [String: Any], let value = inner["message"] as? String {
                    return String(value.prefix(500))
                }
            }
            return nil
        }
        return String(text.prefix(500))
    }

    private static func object(_ body: String) -> [String: Any]? {
        guard body.utf8.first == UInt8(ascii: "{") else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}
