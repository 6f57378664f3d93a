import OrdreconCore

/// Where everything of one document goes: the header on the first page, a short heading on
/// the next, the table split over pages with its column titles on each, the totals after
/// the last row with the signatory block below them, and the footer on every page.
struct TaxDocumentLayout {
    static let continuationHeight: Float = 26

    let document: TaxDocument
    let header: DocumentHeader
    let table: LineTable
    let totals: TotalsBlock
    let signatory: SignatoryBlock
    /// The rows on each page.
    let pages: [Range<Int>]

    init(document: TaxDocument, fonts: PDFFonts) {
        self.document = document
        header = DocumentHeader(document: document, fonts: fonts)
        table = LineTable(document: document, fonts: fonts, width: PageGeometry.contentWidth)
        totals = TotalsBlock(document: document, fonts: fonts)
        signatory = SignatoryBlock(sellerName: document.seller.name, fonts: fonts)
        let body = PageGeometry.top - PageGeometry.bodyBottom - table.titleHeight
        pages = TablePagination.pages(
            rowHeights: table.rows.map(\.height),
            firstPage: body - header.height,
            laterPage: body - Self.continuationHeight,
            trailer: totals.height + signatory.height
        )
    }

    /// Draws page `index` (from 0).
    func draw(page index: Int, on canvas: PageCanvas) {
        var top: Float
        if index == 0 {
            header.draw(on: canvas)
            top = PageGeometry.top - header.height
        } else {
            drawContinuationHeading(on: canvas)
            top = PageGeometry.top - Self.continuationHeight
        }
        let rows = pages[index]
        if !rows.isEmpty || index == 0 {
            top = table.drawTitles(on: canvas, x: PageGeometry.left, top: top)
            top = table.drawRows(rows, on: canvas, x: PageGeometry.left, top: top)
        }
        if index == pages.count - 1 {
            totals.draw(on: canvas, top: top)
            signatory.draw(on: canvas, top: top - totals.height)
        }
        PageFooter.draw(on: canvas, page: index + 1, of: pages.count)
    }

    /// `TAX INVOICE IN/26-27/0000001 (continued)` and a rule.
    private func drawContinuationHeading(on canvas: PageCanvas) {
        let top = PageGeometry.top
        canvas.text(
            "\(document.kind.rawValue) \(document.number) (continued)", x: PageGeometry.left, y: top - 10,
            .bold, size: 10)
        canvas.rule(x: PageGeometry.left, y: top - 17, width: PageGeometry.contentWidth)
    }
}
