import Foundation

/// Makes text safe for libharu's UTF-8 encoder and fonts without shaping.
enum PDFText {
    /// `text` in Unicode NFC (libharu places combining marks without positioning them, so
    /// `ṇ` must be one precomposed character), with control characters as spaces and
    /// characters beyond U+FFFF (emoji; libharu's CIDs are 16-bit) as `?`.
    static func clean(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        let composed = text.precomposedStringWithCanonicalMapping
        var scalars = String.UnicodeScalarView()
        for scalar in composed.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7F..<0xA0: scalars.append(" ")
            case 0x10000...: scalars.append("?")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
