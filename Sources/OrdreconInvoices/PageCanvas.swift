/// Draws on one page: text at a point (left, right or centre aligned, or shrunk to fit a
/// column), rules and filled boxes. Coordinates are PDF points from the bottom left; `y` is
/// the text baseline. What is drawn is recorded in a ``PageDrawing`` and put on the PDF page
/// once the document's font is made.
struct PageCanvas {
    enum Alignment {
        case left
        case right
        case centre
    }

    let drawing: PageDrawing
    let fonts: PDFFonts

    /// Draws `text` with its left edge at `x`.
    func text(_ text: String, x: Float, y: Float, _ style: PDFFonts.Style = .regular, size: Float) {
        guard !text.isEmpty else { return }
        drawing.append(.text(text, x: x, y: y, style: style, size: size))
    }

    /// Draws `text` aligned within the span from `x` to `x + width`, at a smaller size when
    /// it would not fit (long amounts stay inside their column).
    func text(
        _ text: String, x: Float, width: Float, y: Float, _ alignment: Alignment,
        _ style: PDFFonts.Style = .regular, size: Float
    ) {
        let natural = fonts.width(text, style, size: size)
        let fitted = natural > width ? size * width / natural : size
        let used = min(natural, width)
        let left: Float =
            switch alignment {
            case .left: x
            case .right: x + width - used
            case .centre: x + (width - used) / 2
            }
        self.text(text, x: left, y: y, style, size: fitted)
    }

    /// A horizontal rule at `y` from `x` to `x + width`.
    func rule(x: Float, y: Float, width: Float, lineWidth: Float = 0.5, gray: Float = 0) {
        drawing.append(.rule(x: x, y: y, width: width, lineWidth: lineWidth, gray: gray))
    }

    /// A filled rectangle with its lower left corner at (`x`, `y`); text drawn after it is black.
    func box(x: Float, y: Float, width: Float, height: Float, gray: Float) {
        drawing.append(.box(x: x, y: y, width: width, height: height, gray: gray))
    }
}
