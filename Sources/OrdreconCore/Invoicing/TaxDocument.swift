/// A GST tax invoice or credit note, with every figure worked out: what a renderer prints.
///
/// Built by ``TaxDocumentBuilder`` from the order's (or return's) lines; all money in paise.
/// Figures satisfy: per line `taxable + cgst + sgst + igst == gross`; totals are the sums of
/// the lines; `totals.gross` is the order total (invoice) or the returned value (credit note).
public struct TaxDocument: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case taxInvoice = "TAX INVOICE"
        case creditNote = "CREDIT NOTE"
    }

    /// Same state as the seller: CGST + SGST (half each); another state: IGST.
    public enum Supply: String, Sendable {
        case intraState
        case interState
    }

    /// The supplier (from `[seller]`).
    public struct Seller: Sendable, Equatable {
        public var name: String
        public var addressLines: [String]
        public var gstin: String
        public var state: IndianState

        public init(name: String, addressLines: [String], gstin: String, state: IndianState) {
            self.name = name
            self.addressLines = addressLines
            self.gstin = gstin
            self.state = state
        }
    }

    /// The buyer, as the order's `PENDING_PAYMENT` event gave it (rule 46: name, address and
    /// state of an unregistered buyer at ₹50,000 or more; the GSTIN of a registered one).
    public struct Recipient: Sendable, Equatable {
        public var customerId: String
        public var name: String?
        /// `billing_address`, one entry per line as given.
        public var addressLines: [String]
        /// `billing_state`.
        public var state: IndianState?
        /// `customer_gstin`: a registered buyer (business to business).
        public var gstin: String?

        public init(
            customerId: String, name: String? = nil, addressLines: [String] = [], state: IndianState? = nil,
            gstin: String? = nil
        ) {
            self.customerId = customerId
            self.name = name
            self.addressLines = addressLines
            self.state = state
            self.gstin = gstin
        }
    }

    /// The invoice a credit note cites.
    public struct Reference: Sendable, Equatable {
        public var number: String
        public var date: CivilTime

        public init(number: String, date: CivilTime) {
            self.number = number
            self.date = date
        }
    }

    /// One line: an item of the order (invoice) or of the return (credit note).
    public struct Line: Sendable, Equatable {
        public var sku: String
        /// The product's name (the item's `description`, else the catalog's).
        public var itemDescription: String?
        public var hsn: String?
        public var quantity: Int64
        /// GST-inclusive, as in the feed.
        public var unitPrice: Money
        /// GST percent in basis points (18% = 1800).
        public var rateBasisPoints: Int
        /// quantity × unitPrice.
        public var gross: Money
        public var taxable: Money
        public var cgst: Money
        public var sgst: Money
        public var igst: Money

        public init(
            sku: String, hsn: String?, quantity: Int64, unitPrice: Money, rateBasisPoints: Int, gross: Money,
            taxable: Money, cgst: Money, sgst: Money, igst: Money, itemDescription: String? = nil
        ) {
            self.sku = sku
            self.itemDescription = itemDescription
            self.hsn = hsn
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.rateBasisPoints = rateBasisPoints
            self.gross = gross
            self.taxable = taxable
            self.cgst = cgst
            self.sgst = sgst
            self.igst = igst
        }

        /// cgst + sgst + igst.
        public var tax: Money { cgst + sgst + igst }
    }

    /// Sums over the lines.
    public struct Totals: Sendable, Equatable {
        public var taxable: Money
        public var cgst: Money
        public var sgst: Money
        public var igst: Money
        public var gross: Money

        public init(taxable: Money, cgst: Money, sgst: Money, igst: Money, gross: Money) {
            self.taxable = taxable
            self.cgst = cgst
            self.sgst = sgst
            self.igst = igst
            self.gross = gross
        }

        public var tax: Money { cgst + sgst + igst }
    }

    public var kind: Kind
    /// `IN/26-27/0000042` or `CN/26-27/0000007`.
    public var number: String
    /// The document's date in the configured zone.
    public var date: CivilTime
    public var seller: Seller
    public var recipient: Recipient
    /// The buyer's id (``Recipient/customerId``).
    public var customerId: String {
        get { recipient.customerId }
        set { recipient.customerId = newValue }
    }
    public var orderId: String
    /// For a credit note.
    public var returnId: String?
    /// Place of supply (the order's `ship_to_state`; the seller's state when none was given).
    public var placeOfSupply: IndianState
    public var supply: Supply
    /// For a credit note: the original invoice.
    public var reference: Reference?
    public var lines: [Line]
    public var totals: Totals
    /// `Rupees One Lakh Twenty-Three Thousand ... and Fifty Paise Only`.
    public var amountInWords: String

    public init(
        kind: Kind, number: String, date: CivilTime, seller: Seller, customerId: String, orderId: String,
        returnId: String?, placeOfSupply: IndianState, supply: Supply, reference: Reference?, lines: [Line],
        totals: Totals, amountInWords: String, recipient: Recipient? = nil
    ) {
        self.kind = kind
        self.number = number
        self.date = date
        self.seller = seller
        self.recipient = recipient ?? Recipient(customerId: customerId)
        self.orderId = orderId
        self.returnId = returnId
        self.placeOfSupply = placeOfSupply
        self.supply = supply
        self.reference = reference
        self.lines = lines
        self.totals = totals
        self.amountInWords = amountInWords
    }

    /// A registered buyer (a GSTIN given): laid out as a business-to-business invoice.
    public var isBusinessToBusiness: Bool { recipient.gstin != nil }

    /// Whether tax is payable on reverse charge (rule 46 (p)). ordrecon sells goods to
    /// consumers and businesses on forward charge only, so documents say "No".
    public var reverseCharge: Bool { false }
}

/// A line as it comes from the order or the return, before tax is worked out.
public struct TaxableItem: Sendable, Equatable {
    public var sku: String
    /// The product's name (the item's `description`, else the catalog's).
    public var itemDescription: String?
    public var hsn: String?
    public var quantity: Int64
    /// GST-inclusive.
    public var unitPrice: Money
    public var rateBasisPoints: Int

    public init(
        sku: String, hsn: String?, quantity: Int64, unitPrice: Money, rateBasisPoints: Int,
        itemDescription: String? = nil
    ) {
        self.sku = sku
        self.itemDescription = itemDescription
        self.hsn = hsn
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.rateBasisPoints = rateBasisPoints
    }
}
