import OrdreconCore

/// What follows the table on the last page: the totals (with ₹), for a credit note the tax
/// reversed, and the amount in words.
struct TotalsBlock {
    struct Entry {
        var label: String
        var value: String
        var bold = false
    }

    static let size: Float = 9
    static let leading: Float = 13
    static let gap: Float = 10

    let entries: [Entry]
    let words: TextColumn
    /// The width of the widest value, so labels line up right of one edge.
    let valueWidth: Float

    init(document: TaxDocument, fonts: PDFFonts) {
        let totals = document.totals
        var entries = [Entry(label: "Taxable value:", value: IndianFormat.rupees(totals.taxable))]
        switch document.supply {
        case .intraState:
            entries.append(Entry(label: "CGST:", value: IndianFormat.rupees(totals.cgst)))
            entries.append(Entry(label: "SGST:", value: IndianFormat.rupees(totals.sgst)))
        case .interState:
            entries.append(Entry(label: "IGST:", value: IndianFormat.rupees(totals.igst)))
        }
        entries.append(Entry(label: "Total:", value: IndianFormat.rupees(totals.gross), bold: true))
        if document.kind == .creditNote {
            entries.append(Entry(label: "Tax reversed:", value: IndianFormat.rupees(totals.tax)))
        }
        self.entries = entries
        valueWidth = entries.map { fonts.width($0.value, .bold, size: Self.size) }.max() ?? 0

        var words = TextColumn(width: PageGeometry.contentWidth)
        words.add("Amount in words: \(document.amountInWords)", size: 8.5, maxLines: 3, fonts: fonts)
        self.words = words
    }

    var height: Float { Self.gap + Float(entries.count) * Self.leading + Self.gap + words.height }

    /// Draws the block from `top` down, the totals against the right margin.
    func draw(on canvas: PageCanvas, top: Float) {
        let right = PageGeometry.right
        let labelRight = right - valueWidth - 12
        var y = top - Self.gap
        for entry in entries {
            if entry.bold {
                canvas.rule(x: labelRight - 80, y: y - 1, width: right - labelRight + 80, lineWidth: 0.5)
            }
            let baseline = y - Self.size - 2
            let style: PDFFonts.Style = entry.bold ? .bold : .regular
            canvas.text(entry.label, x: labelRight - 120, width: 120, y: baseline, .right, style, size: Self.size)
            canvas.text(
                entry.value, x: right - valueWidth - 4, width: valueWidth + 4, y: baseline, .right, style,
                size: Self.size)
            y -= Self.leading
        }
        words.draw(on: canvas, x: PageGeometry.left, top: y - Self.gap)
    }
}
