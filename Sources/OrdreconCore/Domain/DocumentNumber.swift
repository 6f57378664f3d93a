/// Numbers of tax invoices and credit notes: consecutive per series and Indian financial year.
///
/// Form: `<series>/<yy>-<yy>/<7 digits>`, e.g. `IN/26-27/0000042` for the 42nd invoice of
/// the year April 2026 – March 2027: 16 characters of `A-Z 0-9 / -`, the year visible.
public enum DocumentNumber {
    /// Series of tax invoices.
    public static let invoiceSeries = "IN"
    /// Series of credit notes.
    public static let creditNoteSeries = "CN"
    /// The largest sequence number a year can hold (7 digits).
    public static let maximumSequence = 9_999_999

    /// Formats a document number.
    /// - Precondition: `sequence` in `1...maximumSequence`, `series` two letters.
    public static func format(series: String, financialYearStart: Int, sequence: Int) -> String {
        let first = financialYearStart % 100
        let second = (financialYearStart + 1) % 100
        return "\(series)/\(pad(first, 2))-\(pad(second, 2))/\(pad(sequence, 7))"
    }

    /// The financial year label, e.g. `2026-27`.
    public static func financialYearLabel(_ start: Int) -> String {
        "\(start)-\(pad((start + 1) % 100, 2))"
    }
}
