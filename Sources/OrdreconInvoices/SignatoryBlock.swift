/// The end of the last page (rule 46 (q)): `For <seller>`, room for a signature or a stamp,
/// a line, and `Authorised Signatory`, against the right margin.
struct SignatoryBlock {
    static let width: Float = 210
    static let size: Float = 9
    static let gap: Float = 16
    /// Between the seller's name and the line to sign on.
    static let signingSpace: Float = 36
    static let title = "Authorised Signatory"

    let firm: TextColumn

    init(sellerName: String, fonts: PDFFonts) {
        var firm = TextColumn(width: Self.width)
        firm.add("For \(sellerName)", .bold, size: Self.size, fonts: fonts)
        self.firm = firm
    }

    var height: Float { Self.gap + firm.height + Self.signingSpace + Self.size * 1.3 }

    /// Draws the block from `top` down.
    func draw(on canvas: PageCanvas, top: Float) {
        let x = PageGeometry.right - Self.width
        var y = top - Self.gap
        firm.draw(on: canvas, x: x, top: y, alignment: .right)
        y -= firm.height + Self.signingSpace
        canvas.rule(x: x + 50, y: y, width: Self.width - 50, lineWidth: 0.4)
        canvas.text(Self.title, x: x, width: Self.width, y: y - Self.size - 1, .right, size: Self.size)
    }
}
