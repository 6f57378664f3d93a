import CHaru

/// Draws on one page: text at a point (left, right or centre aligned, or shrunk to fit a
/// column), rules and filled boxes. Coordinates are PDF points from the bottom left; `y` is
/// the text baseline.
struct PageCanvas {
    enum Alignment {
        case left
        case right
        case centre
    }

    let page: HPDF_Page
    let fonts: PDFFonts

    /// Draws `text` with its left edge at `x`.
    func text(_ text: String, x: Float, y: Float, _ style: PDFFonts.Style = .regular, size: Float) {
        guard !text.isEmpty else { return }
        let lineWidth = HPDF_Page_GetLineWidth(page)
        if style == .bold { HPDF_Page_SetLineWidth(page, PDFFonts.boldStroke(size: size)) }
        HPDF_Page_BeginText(page)
        HPDF_Page_SetFontAndSize(page, fonts[style], size)
        if style == .bold { HPDF_Page_SetTextRenderingMode(page, HPDF_FILL_THEN_STROKE) }
        HPDF_Page_TextOut(page, x, y, text)
        if style == .bold { HPDF_Page_SetTextRenderingMode(page, HPDF_FILL) }
        HPDF_Page_EndText(page)
        if style == .bold { HPDF_Page_SetLineWidth(page, lineWidth) }
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
        HPDF_Page_SetLineWidth(page, lineWidth)
        HPDF_Page_SetGrayStroke(page, gray)
        HPDF_Page_MoveTo(page, x, y)
        HPDF_Page_LineTo(page, x + width, y)
        HPDF_Page_Stroke(page)
    }

    /// A filled rectangle with its lower left corner at (`x`, `y`); text drawn after it is black.
    func box(x: Float, y: Float, width: Float, height: Float, gray: Float) {
        HPDF_Page_SetGrayFill(page, gray)
        HPDF_Page_Rectangle(page, x, y, width, height)
        HPDF_Page_Fill(page)
        HPDF_Page_SetGrayFill(page, 0)
    }
}
