/// The face a tax document uses, with text measurement.
///
/// Bold is drawn from the regular face (filled and outlined, see ``PageDrawing``), not loaded
/// from DejaVuSans-Bold.ttf: a second face doubled each PDF when libharu embedded whole fonts,
/// and would still add its own subset now.
///
/// Widths come from the font's advance widths, in thousandths of the size truncated, added
/// up: what libharu's `HPDF_Font_TextWidth` gives for the same text (it applies no kerning),
/// so text is measured before the document's subset exists (it is made from the text drawn).
struct PDFFonts {
    enum Style {
        case regular
        case bold
    }

    let face: TrueTypeFont

    /// Outline width that makes the regular face read as bold at `size`.
    static func boldStroke(size: Float) -> Float { size * 0.035 }

    /// The width of `text` in points at `size`.
    func width(_ text: String, _ style: Style = .regular, size: Float) -> Float {
        var units = 0
        for scalar in text.unicodeScalars {
            // libharu reads a character past U+FFFF as a space (PDFText never lets one through).
            let code = scalar.value <= 0xFFFF ? scalar.value : 0x20
            units += face.width(ofGlyph: Int(face.glyphOfCodePoint[Int(code)]))
        }
        return Float(units) * size / 1000
    }
}
