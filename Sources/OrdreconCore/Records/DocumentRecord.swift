/// A tax invoice or credit note as recorded, with what its PDF needs from the order.
public struct DocumentRecord: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case invoice
        case creditNote = "credit_note"
    }

    public var kind: Kind
    /// `IN/26-27/0000042` or `CN/26-27/0000007`.
    public var number: String
    public var orderId: String
    /// For a credit note.
    public var returnId: String?
    public var issuedAt: Timestamp
    /// GST included: the order total (invoice) or the returned value (credit note).
    public var total: Money
    public var customerId: String
    /// The order's place of supply (state code), if the storefront gave one.
    public var shipToState: String?
    /// For a credit note: the invoice it cites.
    public var invoiceNumber: String?
    public var invoiceIssuedAt: Timestamp?
    /// The GST rate of items without one, fixed when the invoice was issued (nil for invoices
    /// issued before schema version 3).
    public var defaultGSTRateBasisPoints: Int?
    /// Relative to the invoices folder; nil until the PDF exists.
    public var pdfPath: String?
    public var renderedAt: Timestamp?
    /// The buyer's invoice data from the order (the same for an invoice and its credit notes).
    public var buyer: InvoiceBuyer

    public init(
        kind: Kind, number: String, orderId: String, returnId: String?, issuedAt: Timestamp, total: Money,
        customerId: String, shipToState: String?, invoiceNumber: String?, invoiceIssuedAt: Timestamp?,
        defaultGSTRateBasisPoints: Int?, pdfPath: String?, renderedAt: Timestamp?, buyer: InvoiceBuyer = InvoiceBuyer()
    ) {
        self.buyer = buyer
        self.kind = kind
        self.number = number
        self.orderId = orderId
        self.returnId = returnId
        self.issuedAt = issuedAt
        self.total = total
        self.customerId = customerId
        self.shipToState = shipToState
        self.invoiceNumber = invoiceNumber
        self.invoiceIssuedAt = invoiceIssuedAt
        self.defaultGSTRateBasisPoints = defaultGSTRateBasisPoints
        self.pdfPath = pdfPath
        self.renderedAt = renderedAt
    }
}

/// One line of an invoice or credit note, as stored with the order.
public struct DocumentLine: Sendable, Hashable {
    public var sku: String
    public var quantity: Int64
    public var unitPrice: Money
    public var hsn: String?
    public var gstRateBasisPoints: Int?
    /// The product's name (the event's, else the catalog's when the order was stored).
    public var description: String?

    public init(
        sku: String, quantity: Int64, unitPrice: Money, hsn: String?, gstRateBasisPoints: Int?,
        description: String? = nil
    ) {
        self.description = description
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.hsn = hsn
        self.gstRateBasisPoints = gstRateBasisPoints
    }
}
