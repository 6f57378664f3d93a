/// A column of text lines (wrapped to a width), measured before it is drawn so that the
/// page layout knows its height.
struct TextColumn {
    struct Line {
        var text: String
        var style: PDFFonts.Style
        var size: Float
        /// Baseline to baseline.
        var leading: Float { size * 1.3 }
    }

    let width: Float
    private(set) var lines: [Line] = []

    init(width: Float) {
        self.width = width
    }

    /// The height from the top of the first line to below the last.
    var height: Float { lines.reduce(0) { $0 + $1.leading } }

    /// Adds `text`, wrapped to the column's width in at most `maxLines` lines.
    mutating func add(
        _ text: String, _ style: PDFFonts.Style = .regular, size: Float, maxLines: Int = 2, fonts: PDFFonts
    ) {
        let wrapped = TextWrapper.wrap(text, width: width, maxLines: maxLines) {
            fonts.width(String($0), style, size: size)
        }
        lines += wrapped.map { Line(text: $0, style: style, size: size) }
    }

    /// Draws the lines from `top` down, left aligned at `x` (or right aligned at `x + width`).
    func draw(on canvas: PageCanvas, x: Float, top: Float, alignment: PageCanvas.Alignment = .left) {
        var y = top
        for line in lines {
            let baseline = y - line.size
            canvas.text(line.text, x: x, width: width, y: baseline, alignment, line.style, size: line.size)
            y -= line.leading
        }
    }
}
