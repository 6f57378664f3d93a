import CHaru

/// The face a tax document uses, loaded into one document, with text measurement.
///
/// Bold is drawn from the regular face (filled and outlined, see ``PageCanvas``), not loaded
/// from DejaVuSans-Bold.ttf: libharu embeds every font whole (unused glyphs emptied, the width
/// table full), so a second face doubled each PDF (~188 KB → ~95 KB) and the time to load and
/// compress it (44 → ~80 invoices/s per core measured).
///
/// Widths come from `HPDF_Font_TextWidth` (the same advance widths `HPDF_Page_TextWidth` uses;
/// libharu applies no kerning), so text can be measured before any page exists.
struct PDFFonts {
    enum Style {
        case regular
        case bold
    }

    let regular: HPDF_Font

    /// Loads `DejaVuSans.ttf` (or a file of that name) from `directory`.
    init(document: HaruDocument, directory: String) throws(PDFError) {
        regular = try document.loadFont(path: directory + "/DejaVuSans.ttf")
    }

    /// The font object for a style (the same face for both).
    subscript(style: Style) -> HPDF_Font { regular }

    /// Outline width that makes the regular face read as bold at `size`.
    static func boldStroke(size: Float) -> Float { size * 0.035 }

    /// The width of `text` in points at `size`.
    func width(_ text: String, _ style: Style = .regular, size: Float) -> Float {
        var text = text
        let units = text.withUTF8 { bytes -> HPDF_UINT in
            guard let base = bytes.baseAddress else { return 0 }
            return HPDF_Font_TextWidth(self[style], base, HPDF_UINT(bytes.count)).width
        }
        return Float(units) * size / 1000
    }
}
