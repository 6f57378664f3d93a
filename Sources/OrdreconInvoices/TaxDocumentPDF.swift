import CHaru
public import OrdreconCore

/// Renders a GST tax invoice or credit note (CGST Rules, rule 46) as an A4 PDF with libharu.
///
/// The text is set in DejaVu Sans (bold drawn from the regular face), embedded as a subset of
/// the glyphs the document uses, so `₹` and names such as `Śrī Gaṇeśa Traders` print as
/// written. The same document always gives the same bytes:
/// the creation date is the document's date, not the clock, and libharu adds no file ID.
public enum TaxDocumentPDF {
    /// Where Debian's `fonts-dejavu-core` puts the fonts.
    public static let defaultFontDirectory = "/usr/share/fonts/truetype/dejavu"

    /// Renders `document` and returns the PDF file's bytes.
    ///
    /// - Parameters:
    ///   - document: the invoice or credit note, with every figure worked out.
    ///   - fontDirectory: a directory holding `DejaVuSans.ttf` (read once per process).
    /// - Throws: ``PDFError`` when the font cannot be loaded or libharu reports an error.
    public static func render(
        _ document: TaxDocument, fontDirectory: String = defaultFontDirectory
    ) throws(PDFError) -> [UInt8] {
        try render(document, font: try InvoiceFont.shared(directory: fontDirectory))
    }

    /// Renders `document` in `font` and returns the PDF file's bytes.
    ///
    /// The pages are laid out and drawn into recordings first; the font embedded is then a
    /// subset of `font` holding the glyphs of exactly the characters drawn (`.notdef` for
    /// those it lacks), and the recordings are played onto libharu's pages.
    public static func render(_ document: TaxDocument, font: InvoiceFont) throws(PDFError) -> [UInt8] {
        let document = document.cleanedForPDF()
        let fonts = PDFFonts(face: font.face)
        let layout = TaxDocumentLayout(document: document, fonts: fonts)
        let drawings = layout.pages.indices.map { index in
            let drawing = PageDrawing()
            layout.draw(page: index, on: PageCanvas(drawing: drawing, fonts: fonts))
            return drawing
        }
        var codePoints: Set<UInt32> = []
        for drawing in drawings { drawing.addCodePoints(to: &codePoints) }
        let subset = try FontSubsetter.subset(of: font.face, for: codePoints.compactMap(Unicode.Scalar.init))
        let pdf = try HaruDocument()
        // Through the highest code point drawn: readers take CIDs past the map's end for
        // glyph numbers, so characters the font lacks must be in it (as .notdef).
        let last = UInt16(min(codePoints.max() ?? 0x20, 0xFFFE))
        let pdfFont = try pdf.loadFont(
            subset, toUnicode: ToUnicodeMap.text(for: codePoints), cidToGIDMap: subset.cidToGIDMap(through: last))
        try pdf.setInformation(
            title: title(of: document), author: document.seller.name, creator: "ordrecon",
            created: creationDate(document.date))
        for (index, drawing) in drawings.enumerated() {
            let page = try pdf.addA4Page()
            drawing.draw(on: page, font: pdfFont)
            try pdf.check("drawing page \(index + 1)")
        }
        return try pdf.bytes()
    }

    /// `Tax Invoice IN/26-27/0000001` or `Credit Note CN/26-27/0000007`.
    static func title(of document: TaxDocument) -> String {
        switch document.kind {
        case .taxInvoice: "Tax Invoice \(document.number)"
        case .creditNote: "Credit Note \(document.number)"
        }
    }

    /// The document's date and time, without a UTC offset (the shop's local time).
    static func creationDate(_ time: CivilTime) -> HPDF_Date {
        HPDF_Date(
            year: HPDF_INT(time.year), month: HPDF_INT(time.month), day: HPDF_INT(time.day),
            hour: HPDF_INT(time.hour), minutes: HPDF_INT(time.minute), seconds: HPDF_INT(time.second),
            ind: CChar(UInt8(ascii: " ")), off_hour: 0, off_minutes: 0)
    }
}
