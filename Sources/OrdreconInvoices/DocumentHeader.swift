import OrdreconCore

/// The top of the first page: the title (marked B2B, with both GSTINs side by side, for a
/// registered buyer), the seller (left) beside the document's number, date and references
/// (right), then the recipient beside the place of supply, kind of supply and reverse charge.
struct DocumentHeader {
    static let titleSize: Float = 16
    static let bodySize: Float = 8.5
    /// Where the right-hand block starts, from the left margin.
    static let rightOffset: Float = 290
    static let gap: Float = 8
    /// The title's line, from the top margin.
    static let titleHeight: Float = 28

    let title: String
    /// For a registered buyer: the marking under the title and the two GSTINs.
    let business: BusinessBand?
    let seller: TextColumn
    let references: TextColumn
    let recipient: TextColumn
    let supply: TextColumn

    init(document: TaxDocument, fonts: PDFFonts) {
        title = document.kind.rawValue
        business = BusinessBand(document: document)
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

        recipient = RecipientBlock.column(document.recipient, width: leftWidth, fonts: fonts)

        var supply = TextColumn(width: rightWidth)
        supply.add("Place of supply: \(Self.state(document.placeOfSupply))", size: Self.bodySize, fonts: fonts)
        let kind =
            switch document.supply {
            case .intraState: "Intra-state (CGST + SGST)"
            case .interState: "Inter-state (IGST)"
            }
        supply.add("Supply: \(kind)", size: Self.bodySize, fonts: fonts)
        supply.add(
            "Whether tax is payable on reverse charge: \(document.reverseCharge ? "Yes" : "No")",
            size: Self.bodySize, fonts: fonts)
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

    private var titleAreaHeight: Float { Self.titleHeight + (business == nil ? 0 : BusinessBand.height) }
    private var partiesHeight: Float { max(seller.height, references.height) }
    private var recipientHeight: Float { max(recipient.height, supply.height) }

    /// From the top of the page to the top of the table.
    var height: Float { titleAreaHeight + partiesHeight + 2 * Self.gap + recipientHeight + Self.gap }

    /// Draws the header from the top margin down.
    func draw(on canvas: PageCanvas) {
        let left = PageGeometry.left
        let right = left + Self.rightOffset
        var top = PageGeometry.top
        canvas.text(
            title, x: left, width: PageGeometry.contentWidth, y: top - Self.titleSize, .centre, .bold,
            size: Self.titleSize)
        top -= Self.titleHeight
        if let business {
            business.draw(on: canvas, top: top)
            top -= BusinessBand.height
        }
        seller.draw(on: canvas, x: left, top: top)
        references.draw(on: canvas, x: right, top: top)
        top -= partiesHeight + Self.gap
        canvas.rule(x: left, y: top, width: PageGeometry.contentWidth)
        top -= Self.gap
        recipient.draw(on: canvas, x: left, top: top)
        supply.draw(on: canvas, x: right, top: top)
    }
}

/// Under the title of a document to a registered buyer: `B2B: supply to a registered person`,
/// then the supplier's and the recipient's GSTIN on one grey band, so the reader sees at once
/// that the buyer can claim the input tax and under which registration.
struct BusinessBand {
    static let marker = "B2B: supply to a registered person"
    static let size: Float = 9
    /// The marker's line and the band, with a gap below.
    static let height: Float = 44

    let supplier: String
    let recipient: String

    /// Nil for a buyer without a GSTIN.
    init?(document: TaxDocument) {
        guard let gstin = document.recipient.gstin, document.isBusinessToBusiness else { return nil }
        supplier = document.seller.gstin
        recipient = gstin
    }

    func draw(on canvas: PageCanvas, top: Float) {
        let left = PageGeometry.left
        let width = PageGeometry.contentWidth
        canvas.text(Self.marker, x: left, width: width, y: top - Self.size - 2, .centre, .bold, size: Self.size)
        let band = top - 18
        canvas.box(x: left, y: band - 18, width: width, height: 18, gray: 0.9)
        let baseline = band - 12.5
        let half = DocumentHeader.rightOffset - 8
        canvas.text(
            "GSTIN of supplier: \(supplier)", x: left + 4, width: half, y: baseline, .left, .bold, size: Self.size)
        canvas.text(
            "GSTIN of recipient: \(recipient)", x: left + DocumentHeader.rightOffset, width: width - half - 8,
            y: baseline, .left, .bold, size: Self.size)
    }
}
