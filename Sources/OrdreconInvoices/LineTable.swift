import OrdreconCore

/// The table of a document's lines: columns (CGST and SGST for an intra-state supply, IGST
/// for an inter-state one), each line's cells with its description and SKU wrapped, and drawing of
/// the column titles and of a run of rows.
struct LineTable {
    struct Column {
        var title: [String]
        /// Zero for the description, which takes what the others leave.
        var width: Float
        var alignment: PageCanvas.Alignment
    }

    struct Row {
        /// One entry per column; the description may have several lines.
        var cells: [[String]]
        var height: Float
    }

    static let fontSize: Float = 7.5
    static let titleSize: Float = 7
    static let leading: Float = 9
    /// Above and below a row's text.
    static let padding: Float = 3
    /// Left and right of a cell's text.
    static let inset: Float = 2
    static let descriptionLines = 3

    let columns: [Column]
    /// The left edge of each column.
    let offsets: [Float]
    let rows: [Row]
    let width: Float

    var titleHeight: Float { 2 * Self.padding + 2 * Self.leading }

    init(document: TaxDocument, fonts: PDFFonts, width: Float) {
        var columns = Self.columns(for: document.supply)
        let fixed = columns.reduce(0) { $0 + $1.width }
        let description = columns.firstIndex { $0.width == 0 }!
        columns[description].width = width - fixed
        self.columns = columns
        self.offsets = columns.indices.map { index in columns[..<index].reduce(0) { $0 + $1.width } }
        self.width = width
        let descriptionWidth = columns[description].width - 2 * Self.inset
        self.rows = document.lines.enumerated().map { number, line in
            Self.row(number + 1, line, supply: document.supply, descriptionWidth: descriptionWidth, fonts: fonts)
        }
    }

    /// The columns, in order; the description's width is worked out from the page.
    static func columns(for supply: TaxDocument.Supply) -> [Column] {
        let taxes: [Column] =
            switch supply {
            case .intraState:
                [
                    Column(title: ["CGST"], width: 54, alignment: .right),
                    Column(title: ["SGST"], width: 54, alignment: .right),
                ]
            case .interState: [Column(title: ["IGST"], width: 62, alignment: .right)]
            }
        return [
            Column(title: ["#"], width: 16, alignment: .right),
            Column(title: ["Description (SKU)"], width: 0, alignment: .left),
            Column(title: ["HSN"], width: 40, alignment: .left),
            Column(title: ["Qty"], width: 28, alignment: .right),
            Column(title: ["Rate", "(incl. GST)"], width: 58, alignment: .right),
            Column(title: ["Taxable", "value"], width: 60, alignment: .right),
            Column(title: ["GST %"], width: 28, alignment: .right),
        ] + taxes + [Column(title: ["Amount"], width: 62, alignment: .right)]
    }

    private static func row(
        _ number: Int, _ line: TaxDocument.Line, supply: TaxDocument.Supply, descriptionWidth: Float, fonts: PDFFonts
    ) -> Row {
        let description = descriptionCell(line, width: descriptionWidth, fonts: fonts)
        let taxes: [[String]] =
            switch supply {
            case .intraState: [[IndianFormat.grouped(line.cgst)], [IndianFormat.grouped(line.sgst)]]
            case .interState: [[IndianFormat.grouped(line.igst)]]
            }
        let cells: [[String]] =
            [
                ["\(number)"], description, [hsnCell(line.hsn)], ["\(line.quantity)"],
                [IndianFormat.grouped(line.unitPrice)], [IndianFormat.grouped(line.taxable)],
                [IndianFormat.percent(basisPoints: line.rateBasisPoints)],
            ] + taxes + [[IndianFormat.grouped(line.gross)]]
        let lines = max(1, description.count)
        return Row(cells: cells, height: 2 * padding + Float(lines) * leading)
    }

    /// The product's name (wrapped, at most three lines) with `SKU: …` below it, or the SKU
    /// alone (up to three lines) when the line has no description: the SKU always shows.
    static func descriptionCell(_ line: TaxDocument.Line, width: Float, fonts: PDFFonts) -> [String] {
        let wrap = { (text: String, lines: Int) in
            TextWrapper.wrap(text, width: width, maxLines: lines) { fonts.width(String($0), size: fontSize) }
        }
        guard let name = line.itemDescription, !name.allSatisfy({ $0 == " " }) else {
            return wrap(line.sku, descriptionLines)
        }
        return wrap(name, descriptionLines) + wrap("SKU: \(line.sku)", 2)
    }

    /// The HSN code, or a dash when the line has none (the invoice is listed as incomplete).
    static func hsnCell(_ hsn: String?) -> String {
        guard let hsn, !hsn.allSatisfy({ $0 == " " }) else { return "—" }
        return hsn
    }

    /// Draws the column titles on a grey band below `top`; returns the y below them.
    func drawTitles(on canvas: PageCanvas, x: Float, top: Float) -> Float {
        canvas.box(x: x, y: top - titleHeight, width: width, height: titleHeight, gray: 0.88)
        let cells = columns.map(\.title)
        drawCells(cells, on: canvas, x: x, top: top, style: .bold, size: Self.titleSize)
        return top - titleHeight
    }

    /// Draws `range` of the rows from `top` down, each with a thin rule below; returns the y
    /// below the last.
    func drawRows(_ range: Range<Int>, on canvas: PageCanvas, x: Float, top: Float) -> Float {
        var y = top
        for row in rows[range] {
            drawCells(row.cells, on: canvas, x: x, top: y, style: .regular, size: Self.fontSize)
            y -= row.height
            canvas.rule(x: x, y: y, width: width, lineWidth: 0.3, gray: 0.7)
        }
        return y
    }

    private func drawCells(
        _ cells: [[String]], on canvas: PageCanvas, x: Float, top: Float, style: PDFFonts.Style, size: Float
    ) {
        for (column, lines) in zip(columns.indices, cells) {
            let left = x + offsets[column] + Self.inset
            let inner = columns[column].width - 2 * Self.inset
            for (index, text) in lines.enumerated() {
                let baseline = top - Self.padding - size - Float(index) * Self.leading
                canvas.text(text, x: left, width: inner, y: baseline, columns[column].alignment, style, size: size)
            }
        }
    }
}
