/// What an invoice may lack for rule 46 of the CGST Rules, named by the feed field that would
/// supply it (so a partner knows what to send next time).
public enum InvoiceGap: String, Sendable, Hashable, CaseIterable {
    /// At least one line has no HSN code (neither the item nor the catalog gave one).
    case hsn
    /// ₹50,000 or more to a buyer without GSTIN: the buyer's name, address or state is missing.
    case customerName = "customer_name"
    case billingAddress = "billing_address"
    case billingState = "billing_state"
}

/// The rule that makes an invoice incomplete. An incomplete invoice is still issued and numbered
/// (the sale happened; holding the number back would leave a gap in the series): it is listed
/// (`ordrecon invoices --incomplete`, the run report, a metric) for a person to complete.
public enum InvoiceCompleteness {
    /// From this gross total on (GST included), an unregistered buyer's name, address and
    /// state must be on the invoice.
    public static let buyerDetailsThreshold = Money(paise: 5_000_000)

    /// What the invoice lacks, in ``InvoiceGap`` order; empty when it is complete.
    /// - Parameters:
    ///   - linesWithoutHSN: how many of its lines have no HSN code.
    ///   - gross: the document's gross total.
    ///   - buyer: the buyer's invoice data. A registered buyer (GSTIN given) is identified by the
    ///     GSTIN, so the name, address and state are not required of it.
    public static func gaps(linesWithoutHSN: Int, gross: Money, buyer: InvoiceBuyer) -> [InvoiceGap] {
        var gaps: [InvoiceGap] = []
        if linesWithoutHSN > 0 { gaps.append(.hsn) }
        if gross >= buyerDetailsThreshold, buyer.gstin == nil {
            if buyer.name == nil { gaps.append(.customerName) }
            if buyer.addressLines.isEmpty { gaps.append(.billingAddress) }
            if buyer.state == nil { gaps.append(.billingState) }
        }
        return gaps
    }

    /// The gaps of a built document (its lines, totals and recipient).
    public static func gaps(of document: TaxDocument) -> [InvoiceGap] {
        let recipient = document.recipient
        return gaps(
            linesWithoutHSN: document.lines.filter { $0.hsn == nil }.count, gross: document.totals.gross,
            buyer: InvoiceBuyer(
                name: recipient.name, addressLines: recipient.addressLines, state: recipient.state?.code,
                gstin: recipient.gstin))
    }

    /// The stored form: the gaps' names joined with commas; nil when there is none.
    public static func storedText(_ gaps: [InvoiceGap]) -> String? {
        gaps.isEmpty ? nil : gaps.map(\.rawValue).joined(separator: ",")
    }

    /// The gaps of a stored text (names it does not know are skipped).
    public static func gaps(storedText: String?) -> [InvoiceGap] {
        (storedText ?? "").split(separator: ",").compactMap { InvoiceGap(rawValue: String($0)) }
    }
}

/// An issued invoice that lacks something (see ``InvoiceCompleteness``).
public struct IncompleteInvoice: Sendable, Hashable {
    public var number: String
    public var orderId: String
    public var customerId: String
    public var issuedAt: Timestamp
    public var total: Money
    public var gaps: [InvoiceGap]
    /// The SKUs of the lines without an HSN code, in the order's item order.
    public var skusWithoutHSN: [String]

    public init(
        number: String, orderId: String, customerId: String, issuedAt: Timestamp, total: Money, gaps: [InvoiceGap],
        skusWithoutHSN: [String]
    ) {
        self.number = number
        self.orderId = orderId
        self.customerId = customerId
        self.issuedAt = issuedAt
        self.total = total
        self.gaps = gaps
        self.skusWithoutHSN = skusWithoutHSN
    }

    /// What is missing, for people: `HSN of MUG-1, PEN-1; customer_name; billing_address`.
    public var missingText: String {
        gaps.map { gap in
            gap == .hsn ? "HSN of " + skusWithoutHSN.joined(separator: ", ") : gap.rawValue
        }.joined(separator: "; ")
    }
}
