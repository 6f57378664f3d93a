import CHaru

/// What the layout drew on one page, recorded, to be played onto a libharu page afterwards.
///
/// The layout draws first and the PDF is made after: the font embedded holds only the glyphs
/// of the characters drawn, so those must be known before the font is loaded, and whatever
/// text the layout adds (labels included) is covered without a list to keep in step with it.
final class PageDrawing {
    enum Operation {
        case text(String, x: Float, y: Float, style: PDFFonts.Style, size: Float)
        case rule(x: Float, y: Float, width: Float, lineWidth: Float, gray: Float)
        case box(x: Float, y: Float, width: Float, height: Float, gray: Float)
    }

    private(set) var operations: [Operation] = []

    func append(_ operation: Operation) { operations.append(operation) }

    /// The code points of every text drawn.
    func addCodePoints(to set: inout Set<UInt32>) {
        for case .text(let text, _, _, _, _) in operations {
            for scalar in text.unicodeScalars { set.insert(scalar.value) }
        }
    }

    /// Plays the operations onto `page`, text in `font`. Bold is the regular face filled and
    /// outlined (see ``PDFFonts``).
    func draw(on page: HPDF_Page, font: HPDF_Font) {
        for operation in operations {
            switch operation {
            case .text(let text, let x, let y, let style, let size):
                let lineWidth = HPDF_Page_GetLineWidth(page)
                if style == .bold { HPDF_Page_SetLineWidth(page, PDFFonts.boldStroke(size: size)) }
                HPDF_Page_BeginText(page)
                HPDF_Page_SetFontAndSize(page, font, size)
                if style == .bold { HPDF_Page_SetTextRenderingMode(page, HPDF_FILL_THEN_STROKE) }
                HPDF_Page_TextOut(page, x, y, text)
                if style == .bold { HPDF_Page_SetTextRenderingMode(page, HPDF_FILL) }
                HPDF_Page_EndText(page)
                if style == .bold { HPDF_Page_SetLineWidth(page, lineWidth) }
            case .rule(let x, let y, let width, let lineWidth, let gray):
                HPDF_Page_SetLineWidth(page, lineWidth)
                HPDF_Page_SetGrayStroke(page, gray)
                HPDF_Page_MoveTo(page, x, y)
                HPDF_Page_LineTo(page, x + width, y)
                HPDF_Page_Stroke(page)
            case .box(let x, let y, let width, let height, let gray):
                HPDF_Page_SetGrayFill(page, gray)
                HPDF_Page_Rectangle(page, x, y, width, height)
                HPDF_Page_Fill(page)
                HPDF_Page_SetGrayFill(page, 0)
            }
        }
    }
}
