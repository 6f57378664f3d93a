/// The outcome the contract prescribes for one event.
enum Outcome: Hashable, Sendable {
    case applied
    case duplicate
    case rejected(ReasonCode)
}

/// The contract's reason codes.
enum ReasonCode: String, CaseIterable, Sendable {
    case malformed = "malformed"
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
    case badFile = "bad_file"
    case unsupportedFileType = "unsupported_file_type"
}
