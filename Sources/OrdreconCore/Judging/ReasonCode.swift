/// Why an event or a file was refused. The cases are declared in the contract's check order:
/// when several apply, the first one is recorded.
public enum ReasonCode: String, Sendable, CaseIterable, Hashable, Comparable {
    case malformed
    case missingField = "missing_field"
    case invalidValue = "invalid_value"
    case eventIdConflict = "event_id_conflict"
    case feedNotAllowed = "feed_not_allowed"
    case unknownOrder = "unknown_order"
    case orderExists = "order_exists"
    case unknownReturn = "unknown_return"
    case returnExists = "return_exists"
    case invalidTransition = "invalid_transition"
    case orderNotDelivered = "order_not_delivered"
    case outOfOrder = "out_of_order"
    case amountMismatch = "amount_mismatch"
    case unknownSku = "unknown_sku"
    case quantityExceeded = "quantity_exceeded"
    case returnWindowClosed = "return_window_closed"
    /// A whole file that could not be read (bad CSV header, not UTF-8, unparsable `.json`).
    case badFile = "bad_file"
    /// A whole file whose extension is none of `.csv`, `.json`, `.jsonl`, `.ndjson`.
    case unsupportedFileType = "unsupported_file_type"

    /// The contract's step number (1-based) at which this code is checked.
    public var step: Int {
        switch self {
        case .malformed: 1
        case .missingField: 2
        case .invalidValue: 3
        case .eventIdConflict: 4
        case .feedNotAllowed: 5
        case .unknownOrder, .orderExists, .unknownReturn, .returnExists: 6
        case .invalidTransition, .orderNotDelivered: 8
        case .outOfOrder: 9
        case .amountMismatch, .unknownSku, .quantityExceeded, .returnWindowClosed: 10
        case .badFile, .unsupportedFileType: 0
        }
    }

    public static func < (lhs: ReasonCode, rhs: ReasonCode) -> Bool {
        let order = ReasonCode.allCases
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// A refusal: the code and a message a partner can act on.
public struct Rejection: Error, Sendable, Hashable {
    public var code: ReasonCode
    public var message: String

    public init(_ code: ReasonCode, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// What happened to one event.
public enum Outcome: String, Sendable, Hashable, CaseIterable {
    case applied
    case duplicate
    case rejected
}
