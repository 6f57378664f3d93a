import OrdreconCore

/// The top of the first page: the title, the seller (left) beside the document's number,
/// date and references (right), then the customer, place of supply and kind of supply.
struct DocumentHeader {
    static let titleSize: Float = 16
    static let bodySize: Float = 8.5
    /// Where the right-hand block starts, from the left margin.
    static let rightOffset: Float = 290
    static let gap: Float = 8

    let title: String
    let seller: TextColumn
    let references: TextColumn
    let customer: TextColumn
    let supply: TextColumn

    init(document: TaxDocument, fonts: PDFFonts) {
        title = document.kind.rawValue
        let leftWidth = Self.rightOffset - 20
        let rightWidth = PageGeometry.contentWidth - Self.rightOffset

        var seller = TextColumn(width: leftWidth)
        seller.add(document.seller.name, .bold, size: 11, fonts: fonts)
        for line in document.seller.addressLines {
            seller.add(line, size: Self.bodySize, fonts: fonts)
        }
        seller.add("GSTIN: \(document.seller.gstin)", size: Self.bodySize, fonts: fonts)
        seller.add("State: \(Self.state(document.seller.state))", size: Self.bodySize, fonts: fonts)
        self.seller = seller

        var references = TextColumn(width: rightWidth)
        for (index, line) in Self.referenceLines(document).enumerated() {
            references.add(line, index == 0 ? .bold : .regular, size: index == 0 ? 9.5 : Self.bodySize, fonts: fonts)
        }
        self.references = references

        var customer = TextColumn(width: leftWidth)
        customer.add("Customer: \(document.customerId)", size: Self.bodySize, fonts: fonts)
        customer.add("Place of supply: \(Self.state(document.placeOfSupply))", size: Self.bodySize, fonts: fonts)
        self.customer = customer

        var supply = TextColumn(width: rightWidth)
        let kind =
            switch document.supply {
            case .intraState: "Intra-state (CGST + SGST)"
            case .interState: "Inter-state (IGST)"
            }
        supply.add("Supply: \(kind)", size: Self.bodySize, fonts: fonts)
        self.supply = supply
    }

    /// `Karnataka (29)`.
    static func state(_ state: IndianState) -> String {
        "\(state.name) (\(state.gstCode))"
    }

    /// The right-hand block: number first, then date and references.
    static func referenceLines(_ document: TaxDocument) -> [String] {
        let date = "Date: \(IndianFormat.date(document.date))"
        let order = "Order: \(document.orderId)"
        switch document.kind {
        case .taxInvoice:
            return ["Invoice No.: \(document.number)", date, order]
        case .creditNote:
            var lines = ["Credit Note No.: \(document.number)", date]
            if let reference = document.reference {
                // Two lines, so the date is never broken by wrapping.
                lines.append("Against Invoice No. \(reference.number)")
                lines.append("dated \(IndianFormat.date(reference.date))")
            }
            lines.append(order)
            if let returnId = document.returnId {
                lines.append("Return: \(returnId)")
            }
            return lines
        }
    }

    private var partiesHeight: Float { max(seller.height, references.height) }
    private var customerHeight: Float { max(customer.height, supply.height) }

    /// From the top of the page to the top of the table.
    var height: Float { 28 + partiesHeight + 2 * Self.gap + customerHeight + Self.gap }

    /// Draws the header from the top margin down.
    func draw(on canvas: PageCanvas) {
        let left = PageGeometry.left
        let right = left + Self.rightOffset
        var top = PageGeometry.top
        canvas.text(
            title, x: left, width: PageGeometry.contentWidth, y: top - Self.titleSize, .centre, .bold,
            size: Self.titleSize)
        top -= 28
        seller.draw(on: canvas, x: left, top: top)
        references.draw(on: canvas, x: right, top: top)
        top -= partiesHeight + Self.gap
        canvas.rule(x: left, y: top, width: PageGeometry.contentWidth)
        top -= Self.gap
        customer.draw(on: canvas, x: left, top: top)
        supply.draw(on: canvas, x: right, top: top)
    }
}
