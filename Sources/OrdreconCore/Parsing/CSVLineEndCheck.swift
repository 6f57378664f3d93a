/// Finds the first bare CR (a carriage return not followed by a line feed) outside quoted
/// fields of CSV text fed in chunks. The contract allows LF and CRLF line ends only; a file with
/// old Mac line ends would otherwise read as one long row and its events would vanish.
public struct CSVLineEndCheck: Sendable {
    private var inQuotes = false
    private var pendingCR = false
    private var line = 1
    /// The physical line (1-based, counted by line feeds) that ends with the first bare CR.
    public private(set) var bareCRLine: Int?

    public init() {}

    /// Takes the next chunk of the text.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard bareCRLine == nil else { return }
        for byte in bytes {
            if pendingCR {
                pendingCR = false
                if byte != UInt8(ascii: "\n") {
                    bareCRLine = line
                    return
                }
            }
            switch byte {
            case UInt8(ascii: "\""): inQuotes.toggle()
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: "\r") where !inQuotes: pendingCR = true
            default: break
            }
        }
    }

    /// Ends the text: a CR as its very last byte is a line end too (nothing follows it).
    public mutating func finish() {
        pendingCR = false
    }
}
