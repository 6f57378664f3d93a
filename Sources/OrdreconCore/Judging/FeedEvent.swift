/// The status an event moves its entity to.
public enum EventStatus: Sendable, Hashable {
    case order(OrderStatus)
    case `return`(ReturnStatus)

    /// The status's contract name, e.g. `PAID`.
    public var name: String {
        switch self {
        case .order(let s): s.rawValue
        case .return(let s): s.rawValue
        }
    }

    public var entity: Entity {
        switch self {
        case .order: .order
        case .return: .return
        }
    }
}

/// One item of a validated event.
public struct EventItem: Sendable, Hashable {
    public var sku: String
    public var quantity: Int64
    /// GST-inclusive price of one unit (order items; optional on returns, where it is ignored).
    public var unitPrice: Money?
    public var hsn: String?
    /// GST rate in basis points (18% = 1800), when the feed gave one.
    public var gstRateBasisPoints: Int?
    /// The product's name for the invoice line (order items), when the feed gave one.
    public var description: String?

    public init(
        sku: String, quantity: Int64, unitPrice: Money? = nil, hsn: String? = nil, gstRateBasisPoints: Int? = nil,
        description: String? = nil
    ) {
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.hsn = hsn
        self.gstRateBasisPoints = gstRateBasisPoints
        self.description = description
    }
}

/// An event whose fields passed validation (contract steps 1–3 that need no state).
public struct FeedEvent: Sendable, Hashable {
    public var feed: String
    public var eventId: String
    public var status: EventStatus
    public var orderId: String
    public var returnId: String?
    public var occurredAt: Timestamp
    /// Who did it; the feed's name when the event does not say.
    public var actor: String
    public var reason: String?
    public var customerId: String?
    public var shipToState: String?
    public var amount: Money?
    public var paymentRef: String?
    public var carrier: String?
    public var trackingNumber: String?
    /// The buyer as the tax invoice names it (order `PENDING_PAYMENT` only; see ``InvoiceBuyer``).
    public var buyer: InvoiceBuyer = InvoiceBuyer()
    /// Items, for order `PENDING_PAYMENT` and return `REQUESTED`; empty otherwise.
    public var items: [EventItem]
    /// A hash of the normalized content: equal for the same event in any file format.
    public var contentHash: UInt64

    public var entity: Entity { status.entity }

    /// The id of the entity the event moves: the order id, or the return id.
    public var entityId: String {
        switch status {
        case .order: orderId
        case .return: returnId ?? ""
        }
    }
}
