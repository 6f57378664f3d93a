// What the review commands (`ordrecon order`, `ordrecon return`) show of one order or return,
// as the store reads it.

/// One applied transition, for history listings.
public struct HistoryEntry: Sendable, Hashable {
    public var status: String
    public var occurredAt: Timestamp
    public var actor: String
    public var reason: String?
    public var feed: String
    public var fileName: String
    public var line: Int?
    public var eventId: String

    public init(
        status: String, occurredAt: Timestamp, actor: String, reason: String?, feed: String, fileName: String,
        line: Int?, eventId: String
    ) {
        self.status = status
        self.occurredAt = occurredAt
        self.actor = actor
        self.reason = reason
        self.feed = feed
        self.fileName = fileName
        self.line = line
        self.eventId = eventId
    }
}

/// An order with everything known about it, for `ordrecon order`.
public struct OrderDetails: Sendable {
    public struct Item: Sendable, Hashable {
        public var sku: String
        public var quantity: Int64
        public var unitPrice: Money
        public var hsn: String?
        public var gstRateBasisPoints: Int?
        /// The product's name, as the event or the catalog gave it.
        public var description: String?

        public init(
            sku: String, quantity: Int64, unitPrice: Money, hsn: String?, gstRateBasisPoints: Int?,
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

    public struct Return: Sendable {
        public var returnId: String
        public var status: String
        public var reason: String?
        public var items: [(sku: String, quantity: Int64)]
        public var history: [HistoryEntry]

        public init(
            returnId: String, status: String, reason: String?, items: [(sku: String, quantity: Int64)],
            history: [HistoryEntry]
        ) {
            self.returnId = returnId
            self.status = status
            self.reason = reason
            self.items = items
            self.history = history
        }
    }

    public struct Refund: Sendable, Hashable {
        public var refundId: String
        public var kind: String
        public var returnId: String?
        public var amount: Money
        public var status: String
        public var createdAt: Timestamp

        public init(
            refundId: String, kind: String, returnId: String?, amount: Money, status: String, createdAt: Timestamp
        ) {
            self.refundId = refundId
            self.kind = kind
            self.returnId = returnId
            self.amount = amount
            self.status = status
            self.createdAt = createdAt
        }
    }

    public var orderId: String
    public var status: String
    public var customerId: String
    public var shipToState: String?
    /// The buyer's invoice data (name, address, state, GSTIN), as the order's event gave it.
    public var buyer = InvoiceBuyer()
    public var total: Money
    public var paid: Money?
    public var paymentRef: String?
    public var carrier: String?
    public var trackingNumber: String?
    public var items: [Item]
    public var history: [HistoryEntry]
    public var returns: [Return]
    public var invoiceNumber: String?
    public var invoiceIssuedAt: Timestamp?
    public var refunds: [Refund]

    public init(
        orderId: String, status: String, customerId: String, shipToState: String?, total: Money, paid: Money?,
        paymentRef: String?, carrier: String?, trackingNumber: String?, items: [Item], history: [HistoryEntry],
        returns: [Return], invoiceNumber: String?, invoiceIssuedAt: Timestamp?, refunds: [Refund]
    ) {
        self.orderId = orderId
        self.status = status
        self.customerId = customerId
        self.shipToState = shipToState
        self.total = total
        self.paid = paid
        self.paymentRef = paymentRef
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.items = items
        self.history = history
        self.returns = returns
        self.invoiceNumber = invoiceNumber
        self.invoiceIssuedAt = invoiceIssuedAt
        self.refunds = refunds
    }
}

/// A return with everything known about it, for `ordrecon return`.
public struct ReturnDetails: Sendable {
    public struct Item: Sendable, Hashable {
        public var sku: String
        public var quantity: Int64
        /// The order line's GST-inclusive unit price (nil if the order has no such SKU).
        public var unitPrice: Money?

        public init(sku: String, quantity: Int64, unitPrice: Money?) {
            self.sku = sku
            self.quantity = quantity
            self.unitPrice = unitPrice
        }
    }

    public var returnId: String
    public var orderId: String
    public var status: String
    public var orderStatus: String?
    public var reason: String?
    public var requestedAt: Timestamp
    public var carrier: String?
    public var trackingNumber: String?
    public var items: [Item]
    public var history: [HistoryEntry]
    public var refund: OrderDetails.Refund?

    public init(
        returnId: String, orderId: String, status: String, orderStatus: String?, reason: String?,
        requestedAt: Timestamp, carrier: String?, trackingNumber: String?, items: [Item], history: [HistoryEntry],
        refund: OrderDetails.Refund?
    ) {
        self.returnId = returnId
        self.orderId = orderId
        self.status = status
        self.orderStatus = orderStatus
        self.reason = reason
        self.requestedAt = requestedAt
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.items = items
        self.history = history
        self.refund = refund
    }

    /// Σ quantity × unit price: what completing the return refunds.
    public var value: Money {
        Money(paise: items.reduce(0) { $0 + $1.quantity * ($1.unitPrice?.paise ?? 0) })
    }
}
