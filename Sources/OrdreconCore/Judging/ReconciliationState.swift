/// What the judge knows of an order.
public struct OrderSnapshot: Sendable, Hashable {
    public var orderId: String
    public var status: OrderStatus
    /// `occurred_at` of the order's last applied transition.
    public var lastTransitionAt: Timestamp
    /// Sum of quantity × unit price of the order's items.
    public var total: Money
    public var paid: Money?
    public var paymentRef: String?
    public var deliveredAt: Timestamp?

    public init(
        orderId: String, status: OrderStatus, lastTransitionAt: Timestamp, total: Money,
        paid: Money? = nil, paymentRef: String? = nil, deliveredAt: Timestamp? = nil
    ) {
        self.orderId = orderId
        self.status = status
        self.lastTransitionAt = lastTransitionAt
        self.total = total
        self.paid = paid
        self.paymentRef = paymentRef
        self.deliveredAt = deliveredAt
    }
}

extension OrderSnapshot {
    /// The order after an applied transition to `status` at `time`: a PAID one brings the amount
    /// and payment reference, a DELIVERED one the delivery time. How a store folds an order's
    /// applied history (oldest first) into its state, and how its cache follows an applied event.
    public mutating func record(_ status: OrderStatus, at time: Timestamp, amount: Money?, paymentRef: String?) {
        self.status = status
        lastTransitionAt = time
        switch status {
        case .paid:
            paid = amount
            self.paymentRef = paymentRef
        case .delivered:
            deliveredAt = time
        default:
            break
        }
    }
}

/// What the judge knows of a return.
public struct ReturnSnapshot: Sendable, Hashable {
    public var returnId: String
    public var orderId: String
    public var status: ReturnStatus
    public var lastTransitionAt: Timestamp

    public init(returnId: String, orderId: String, status: ReturnStatus, lastTransitionAt: Timestamp) {
        self.returnId = returnId
        self.orderId = orderId
        self.status = status
        self.lastTransitionAt = lastTransitionAt
    }
}

/// One line of an order, as the judge needs it.
public struct OrderLine: Sendable, Hashable {
    public var sku: String
    public var quantity: Int64
    public var unitPrice: Money

    public init(sku: String, quantity: Int64, unitPrice: Money) {
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
    }
}

/// The current state the judge reads. The store implements it over SQLite; tests over memory.
public protocol ReconciliationState {
    /// The content hash of the event this feed applied under `eventId`, if any.
    func appliedContentHash(feed: String, eventId: String) throws -> UInt64?
    func order(_ orderId: String) throws -> OrderSnapshot?
    func returnSnapshot(_ returnId: String) throws -> ReturnSnapshot?
    /// The order's lines.
    func orderLines(_ orderId: String) throws -> [OrderLine]
    /// Quantities per SKU held by the order's returns that are not rejected, other than `excluding`.
    func heldReturnQuantities(orderId: String, excluding returnId: String) throws -> [String: Int64]
    /// The items (SKU, quantity) of a return.
    func returnItems(_ returnId: String) throws -> [String: Int64]
}
