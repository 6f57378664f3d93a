/// A refund the store must record (and later send) because of a transition.
public struct RefundRequest: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case cancellation
        case `return`
    }

    /// Deterministic id, also the gateway's `Idempotency-Key`.
    public var refundId: String
    public var kind: Kind
    public var orderId: String
    public var returnId: String?
    public var amount: Money
    public var paymentRef: String

    public init(refundId: String, kind: Kind, orderId: String, returnId: String?, amount: Money, paymentRef: String) {
        self.refundId = refundId
        self.kind = kind
        self.orderId = orderId
        self.returnId = returnId
        self.amount = amount
        self.paymentRef = paymentRef
    }

    /// The refund id for a paid order's cancellation.
    public static func cancellationId(orderId: String) -> String {
        RefundRequest.id(parts: [orderId], marker: "C")
    }

    /// The refund id for a completed return.
    public static func returnId(orderId: String, returnId: String) -> String {
        RefundRequest.id(parts: [orderId, returnId], marker: "R")
    }

    /// `RF.<order>.C` or `RF.<order>.R.<return>` when the ids are short and file-name safe,
    /// otherwise `RF.H.<32 hex digits>` from two independent hashes of the ids.
    private static func id(parts: [String], marker: String) -> String {
        let safe = parts.allSatisfy { part in
            !part.isEmpty && part.utf8.count <= 60
                && part.utf8.allSatisfy { b in
                    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
                        || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
                }
        }
        if safe {
            return marker == "C" ? "RF.\(parts[0]).C" : "RF.\(parts[0]).R.\(parts[1])"
        }
        var first = ContentHasher()
        var second = ContentHasher()
        second.combine("ordrecon-refund-salt")
        for part in [marker] + parts {
            first.combine(part)
            second.combine(part)
        }
        return "RF.H." + hex(first.value) + hex(second.value)
    }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// An invoice the store must number and record because an order shipped.
public struct InvoiceRequest: Sendable, Hashable {
    public var orderId: String
    public var issuedAt: Timestamp
    /// The order's total (GST included).
    public var total: Money
    /// First calendar year of the Indian financial year (April–March) of the shipment date.
    public var financialYearStart: Int
    /// The GST rate for items without one, as configured when the order shipped.
    public var defaultGSTRateBasisPoints: Int
}

/// A credit note the store must number and record because a return completed.
public struct CreditNoteRequest: Sendable, Hashable {
    public var orderId: String
    public var returnId: String
    public var issuedAt: Timestamp
    /// The returned items' value (GST included): what the credit note reverses.
    public var total: Money
    /// First calendar year of the Indian financial year of the completion date.
    public var financialYearStart: Int
}

/// Something that must happen exactly once because of a transition.
public enum SideEffect: Sendable, Hashable {
    case issueInvoice(InvoiceRequest)
    case requestRefund(RefundRequest)
    case issueCreditNote(CreditNoteRequest)
}

/// The change an applied event makes.
public enum Change: Sendable, Hashable {
    case createOrder(total: Money)
    case moveOrder(from: OrderStatus, to: OrderStatus)
    case createReturn
    case moveReturn(from: ReturnStatus, to: ReturnStatus)
}

/// The judge's decision on one event.
public enum Verdict: Sendable, Hashable {
    case applied(Change, [SideEffect])
    case duplicate(String)
    case rejected(Rejection)

    /// Whether step 4 (an earlier applied event with the same id) would take precedence over
    /// this verdict: true for every verdict reached after step 4.
    public var dependsOnEventIdCheck: Bool {
        switch self {
        case .applied, .duplicate: true
        case .rejected(let rejection): rejection.code.step > ReasonCode.eventIdConflict.step
        }
    }

    public var outcome: Outcome {
        switch self {
        case .applied: .applied
        case .duplicate: .duplicate
        case .rejected: .rejected
        }
    }
}
