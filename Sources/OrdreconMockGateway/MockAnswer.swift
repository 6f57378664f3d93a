/// One scripted answer: the next refund request gets it instead of being processed; with `key`,
/// the next request with that `Idempotency-Key` does (requests sent at once arrive in any order,
/// so a script meant for one refund names it).
///
/// In JSON (`--script FILE`, `POST /_mock/script`): `{"status": 429, "retry_after": "2",
/// "message": "slow down", "delay_ms": 100, "drop": false, "key": "RF.O1.C"}`; only `status` is
/// required and unknown members are refused, so a misspelt one never passes silently.
public struct MockAnswer: Sendable, Codable, Equatable {
    /// The HTTP status, 100...599.
    public var status: Int
    /// The value of the `Retry-After` header, if any.
    public var retryAfter: String?
    /// Sent as the body `{"error": message}`; without it the body is empty.
    public var message: String?
    /// How long to wait before answering.
    public var delayMilliseconds: Int?
    /// Close the connection after the status line and headers, without the body.
    public var drop: Bool
    /// Only for a request with this `Idempotency-Key`; any request when nil.
    public var key: String?

    public init(
        status: Int, retryAfter: String? = nil, message: String? = nil, delayMilliseconds: Int? = nil,
        drop: Bool = false,
        key: String? = nil
    ) {
        self.status = status
        self.retryAfter = retryAfter
        self.message = message
        self.delayMilliseconds = delayMilliseconds
        self.drop = drop
        self.key = key
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status
        case retryAfter = "retry_after"
        case message
        case delayMilliseconds = "delay_ms"
        case drop
        case key
    }

    /// A member name as found in the input, to refuse unknown members.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = names.first(where: { CodingKeys(rawValue: $0) == nil }) {
            let known = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown member \"\(unknown)\" in a scripted answer (known: \(known))"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(Int.self, forKey: .status)
        guard (100...599).contains(status) else {
            throw DecodingError.dataCorruptedError(
                forKey: .status, in: container, debugDescription: "status must be 100...599, got \(status)")
        }
        retryAfter = try container.decodeIfPresent(String.self, forKey: .retryAfter)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        delayMilliseconds = try container.decodeIfPresent(Int.self, forKey: .delayMilliseconds)
        if let delayMilliseconds, delayMilliseconds < 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .delayMilliseconds, in: container, debugDescription: "delay_ms must not be negative")
        }
        drop = try container.decodeIfPresent(Bool.self, forKey: .drop) ?? false
        key = try container.decodeIfPresent(String.self, forKey: .key)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(retryAfter, forKey: .retryAfter)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encodeIfPresent(delayMilliseconds, forKey: .delayMilliseconds)
        if drop { try container.encode(drop, forKey: .drop) }
        try container.encodeIfPresent(key, forKey: .key)
    }
}
