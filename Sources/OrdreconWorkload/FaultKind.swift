/// A fault the generator can inject, and the outcome it must get.
///
/// "Before" faults are a damaged or premature copy of a valid event, written a little before
/// it: the copy is rejected, the valid event (same `event_id` unless said otherwise) is applied
/// afterwards, so the entity's life goes on. The other faults are extra events written after
/// their host event, in the same file or the feed's next file.
enum FaultKind: String, CaseIterable, Sendable {
    // malformed
    case csvBadQuote, csvWrongFieldCount, csvConflictingContinuation, jsonlNotJSON, jsonWrongType
    // missing_field
    case missingPaymentRef, missingReason, missingOther
    // invalid_value
    case unknownStatus, unknownEntity, badTime, moneyTooPrecise, moneyNegative, moneyExponent
    case zeroQuantity, foreignCurrency, repeatedSku, returnOfOtherOrder
    // state-dependent, before the valid event
    case outOfOrder, amountMismatch, unknownSku, quantityExceeded, returnWindowClosed
    /// A fresh event: COMPLETED for a return that is only REQUESTED.
    case prematureCompletion
    // after the host event
    case resendSameFile, resendOtherFile, eventIdConflict, statusRepeat, orderExists, returnExists
    case feedNotAllowed, unknownOrder, unknownReturn, invalidTransitionOrder, invalidTransitionReturn
    case orderNotDelivered

    /// Whether the fault is written before its host event.
    var isBefore: Bool {
        switch self {
        case .resendSameFile, .resendOtherFile, .eventIdConflict, .statusRepeat, .orderExists, .returnExists,
            .feedNotAllowed, .unknownOrder, .unknownReturn, .invalidTransitionOrder, .invalidTransitionReturn,
            .orderNotDelivered:
            false
        default:
            true
        }
    }

    var expected: Outcome {
        switch self {
        case .csvBadQuote, .csvWrongFieldCount, .csvConflictingContinuation, .jsonlNotJSON, .jsonWrongType:
            .rejected(.malformed)
        case .missingPaymentRef, .missingReason, .missingOther:
            .rejected(.missingField)
        case .unknownStatus, .unknownEntity, .badTime, .moneyTooPrecise, .moneyNegative, .moneyExponent,
            .zeroQuantity, .foreignCurrency, .repeatedSku, .returnOfOtherOrder:
            .rejected(.invalidValue)
        case .outOfOrder: .rejected(.outOfOrder)
        case .amountMismatch: .rejected(.amountMismatch)
        case .unknownSku: .rejected(.unknownSku)
        case .quantityExceeded: .rejected(.quantityExceeded)
        case .returnWindowClosed: .rejected(.returnWindowClosed)
        case .prematureCompletion, .invalidTransitionOrder, .invalidTransitionReturn: .rejected(.invalidTransition)
        case .resendSameFile, .resendOtherFile, .statusRepeat: .duplicate
        case .eventIdConflict: .rejected(.eventIdConflict)
        case .orderExists: .rejected(.orderExists)
        case .returnExists: .rejected(.returnExists)
        case .feedNotAllowed: .rejected(.feedNotAllowed)
        case .unknownOrder: .rejected(.unknownOrder)
        case .unknownReturn: .rejected(.unknownReturn)
        case .orderNotDelivered: .rejected(.orderNotDelivered)
        }
    }
}
