import Foundation

extension MockGatewayState {
    /// The body of `GET /_mock/refunds`: `{"requests": N, "refunds": [...]}` with one entry per
    /// remembered key, sorted by key.
    func listing() -> Data {
        let memory = snapshot()
        let refunds = memory.remembered.sorted { $0.key < $1.key }.map { key, known in
            Listing.Refund(
                key: key, refundID: known.fields.refundID, orderID: known.fields.orderID,
                returnID: known.fields.returnID, amount: known.fields.amount, status: known.status,
                body: String(decoding: known.body, as: UTF8.self), requests: memory.requestsByKey[key] ?? 0)
        }
        return MockReply.encode(Listing(requests: memory.requests, refunds: refunds))
    }

    /// The listing's JSON shape.
    struct Listing: Encodable {
        var requests: Int
        var refunds: [Refund]

        /// One remembered key; fields the body lacked are null.
        struct Refund: Encodable {
            var key: String
            var refundID: String?
            var orderID: String?
            var returnID: String?
            var amount: Int?
            /// The HTTP status of the remembered answer (201 accepted, 400 invalid).
            var status: Int
            /// The first body sent with the key, as text.
            var body: String
            /// How many refund requests carried the key.
            var requests: Int

            enum CodingKeys: String, CodingKey {
                case key, amount, status, body, requests
                case refundID = "refund_id"
                case orderID = "order_id"
                case returnID = "return_id"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(key, forKey: .key)
                // Explicit nulls, so every entry has every member.
                try container.encode(refundID, forKey: .refundID)
                try container.encode(orderID, forKey: .orderID)
                try container.encode(returnID, forKey: .returnID)
                try container.encode(amount, forKey: .amount)
                try container.encode(status, forKey: .status)
                try container.encode(body, forKey: .body)
                try container.encode(requests, forKey: .requests)
            }
        }
    }
}
