import CHaru
public import OrdreconCore

/// Renders a GST tax invoice or credit note (CGST Rules, rule 46) as an A4 PDF with libharu.
///
/// The text is set in DejaVu Sans (regular and bold), embedded, so `₹` and names such as
/// `Śrī Gaṇeśa Traders` print as written. The same document always gives the same bytes:
/// the creation date is the document's date, not the clock, and libharu adds no file ID.
public enum TaxDocumentPDF {
    /// Where Debian's `fonts-dejavu-core` puts the fonts.
    public static let defaultFontDirectory = "/usr/share/fonts/truetype/dejavu"

    /// Renders `document` and returns the PDF file's bytes.
    ///
    /// - Parameters:
    ///   - document: the invoice or credit note, with every figure worked out.
    ///   - fontDirectory: a directory holding `DejaVuSans.ttf` and `DejaVuSans-Bold.ttf`.
    /// - Throws: ``PDFError`` when a font cannot be loaded or libharu reports an error.
    public static func render(
        _ document: TaxDocument, fontDirectory: String = defaultFontDirectory
    ) throws(PDFError) -> [UInt8] {
        let document = document.cleanedForPDF()
        let pdf = try HaruDocument()
        let fonts = try PDFFonts(document: pdf, directory: fontDirectory)
        try pdf.setInformation(
            title: title(of: document), author: document.seller.name, creator: "ordrecon",
            created: creationDate(document.date))
        let layout = TaxDocumentLayout(document: document, fonts: fonts)
        for index in layout.pages.indices {
            let page = try pdf.addA4Page()
            layout.draw(page: index, on: PageCanvas(page: page, fonts: fonts))
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
