/// The life of an order, as fixed by the feed contract.
///
/// ```
/// (new) -> PENDING_PAYMENT -> PAID -> PROCESSING_IN_WAREHOUSE -> SHIPPED -> DELIVERED
/// PENDING_PAYMENT -> CANCELLED
/// PAID            -> CANCELLED
/// ```
public enum OrderStatus: String, Sendable, CaseIterable, Hashable {
    case pendingPayment = "PENDING_PAYMENT"
    case paid = "PAID"
    case processingInWarehouse = "PROCESSING_IN_WAREHOUSE"
    case shipped = "SHIPPED"
    case delivered = "DELIVERED"
    case cancelled = "CANCELLED"

    /// Parses a status name case-insensitively.
    public init?(caseInsensitive text: String) {
        if let exact = Self(rawValue: text) {
            self = exact  // the usual spelling: no new string
        } else {
            self.init(rawValue: text.uppercased())
        }
    }

    /// The status that creates an order.
    public static let creating: OrderStatus = .pendingPayment

    /// Statuses this one may move to, in the order they are usually reached.
    public var allowedNext: [OrderStatus] {
        switch self {
        case .pendingPayment: [.paid, .cancelled]
        case .paid: [.processingInWarehouse, .cancelled]
        case .processingInWarehouse: [.shipped]
        case .shipped: [.delivered]
        case .delivered, .cancelled: []
        }
    }

    /// Whether the contract allows moving from `self` to `next`.
    public func allows(_ next: OrderStatus) -> Bool {
        allowedNext.contains(next)
    }

    /// Whether no further transition is possible.
    public var isFinal: Bool { allowedNext.isEmpty }
}
