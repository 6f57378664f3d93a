/// Text from outside (a gateway's answer) cut to a size that is safe to store, log and print.
public enum BoundedText {
    /// `text` with control characters (line breaks, tabs, escape sequences) shown as spaces,
    /// cut to at most `maxBytes` bytes of UTF-8 at a character boundary; a cut text ends in `…`
    /// (counted in the bytes).
    ///
    /// Bytes, not characters: one character may carry any number of combining marks.
    public static func prefix(_ text: String, maxBytes: Int) -> String {
        let ellipsis = "…"
        var out = String.UnicodeScalarView()
        var bytes = 0
        var cut = false
        for scalar in text.unicodeScalars {
            let shown: Unicode.Scalar = scalar.properties.generalCategory == .control ? " " : scalar
            let size = UTF8.width(shown)
            if bytes + size > maxBytes {
                cut = true
                break
            }
            out.append(shown)
            bytes += size
        }
        guard cut, maxBytes >= ellipsis.utf8.count else { return String(out) }
        // Make room for the ellipsis.
        while bytes + ellipsis.utf8.count > maxBytes, let last = out.popLast() {
            bytes -= UTF8.width(last)
        }
        return String(out) + ellipsis
    }
}
