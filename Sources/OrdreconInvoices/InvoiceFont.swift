import Synchronization

/// The font of the tax documents (DejaVu Sans), read and parsed once and shared by every render
/// of a run on every thread: each document then embeds only a subset of it made from the text
/// it draws (see ``FontSubsetter``).
///
/// A subset per document, not one per run: the subset depends on the document's text alone,
/// so the same document gives the same bytes in any run (the issuer compares bytes to adopt a
/// PDF written before a crash), and it is smaller.
public final class InvoiceFont: Sendable {
    let face: TrueTypeFont

    /// The font file it was read from.
    public var path: String { face.path }

    /// Reads `DejaVuSans.ttf` from `directory`.
    ///
    /// - Throws: ``PDFError``: `HPDF_FILE_OPEN_ERROR` (0x1017, `errno` as detail) when the file
    ///   cannot be opened; 0x105F when it is not a usable TrueType font.
    public init(directory: String) throws(PDFError) {
        face = try TrueTypeFont(path: directory + "/DejaVuSans.ttf")
    }

    /// The font of `directory`, read on first use and kept for the life of the process (a
    /// failed read is not kept: the next call tries again).
    public static func shared(directory: String) throws(PDFError) -> InvoiceFont {
        try loaded.withLock { fonts throws(PDFError) in
            if let font = fonts[directory] { return font }
            let font = try InvoiceFont(directory: directory)
            fonts[directory] = font
            return font
        }
    }

    private static let loaded = Mutex<[String: InvoiceFont]>([:])
}
