import CHaru

/// The two faces a tax document uses, loaded into one document, with text measurement.
///
/// Widths come from `HPDF_Font_TextWidth` (the same advance widths `HPDF_Page_TextWidth` uses;
/// libharu applies no kerning), so text can be measured before any page exists.
struct PDFFonts {
    enum Style {
        case regular
        case bold
    }

    let regular: HPDF_Font
    let bold: HPDF_Font

    /// Loads `DejaVuSans.ttf` and `DejaVuSans-Bold.ttf` (or files of those names) from `directory`.
    init(document: HaruDocument, directory: String) throws(PDFError) {
        regular = try document.loadFont(path: directory + "/DejaVuSans.ttf")
        bold = try document.loadFont(path: directory + "/DejaVuSans-Bold.ttf")
    }

    subscript(style: Style) -> HPDF_Font {
        switch style {
        case .regular: regular
        case .bold: bold
        }
    }

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
