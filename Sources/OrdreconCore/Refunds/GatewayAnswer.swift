import Foundation

/// Reads what ordrecon needs from a gateway's JSON answer, tolerating any other shape. What it
/// returns is bounded in bytes (``idLimit``, ``messageLimit``), whatever the answer holds.
public enum GatewayAnswer {
    /// The most bytes of the gateway's refund id kept.
    public static let idLimit = 200
    /// The most bytes of the gateway's message kept.
    public static let messageLimit = 500

    /// The gateway's id for the refund: `id`, `gateway_refund_id` or `refund_reference`, when
    /// the body is a JSON object holding one as a string.
    public static func refundId(in body: String) -> String? {
        guard let object = object(body) else { return nil }
        for key in ["id", "gateway_refund_id", "refund_reference"] {
            if let value = object[key] as? String, !value.isEmpty {
                return BoundedText.prefix(value, maxBytes: idLimit)
            }
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
                if let value = object[key] as? String { return BoundedText.prefix(value, maxBytes: messageLimit) }
                if let inner = object[key] as? [String: Any], let value = inner["message"] as? String {
                    return BoundedText.prefix(value, maxBytes: messageLimit)
                }
            }
            return nil
        }
        return BoundedText.prefix(text, maxBytes: messageLimit)
    }

    private static func object(_ body: String) -> [String: Any]? {
        guard body.utf8.first == UInt8(ascii: "{") else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}
