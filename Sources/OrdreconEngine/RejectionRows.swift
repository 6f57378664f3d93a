import OrdreconCore

/// Builds the lines of `.rejected.csv` files: the rejected event's rows with their original
/// columns, then `reject_code`, `reject_message`, `source_line`. Because unknown columns are
/// ignored on input, a partner can fix such a file and drop it back into the inbox.
enum RejectionRows {
    static let rejectColumns = ["reject_code", "reject_message", "source_line"]

    /// Columns of rejection files made from JSON and JSON Lines input.
    static let jsonColumns: [String] =
        EventField.allCases.map(\.name) + ItemField.allCases.map(\.name) + ["source_text"]

    /// The header row of a rejection file.
    static func header(csvHeader: [String]?) -> String {
        CSVText.row((csvHeader ?? jsonColumns) + rejectColumns)
    }

    /// The rows of one rejected event.
    static func rows(for raw: RawEvent, csvColumnCount: Int?, code: ReasonCode, message: String) -> String {
        let reject = [code.rawValue, message, String(raw.line)]
        var out = ""
        if let count = csvColumnCount {
            for row in raw.sourceRows {
                var fields = Array(row.prefix(count))
                while fields.count < count { fields.append("") }
                out += CSVText.row(fields + reject)
            }
            if raw.sourceRows.isEmpty {
                out += CSVText.row(Array(repeating: "", count: count) + reject)
            }
            return out
        }
        let eventFields = EventField.allCases.map { raw[$0]?.text ?? "" }
        let items = raw.items.isEmpty ? [RawItem()] : raw.items
        for item in items {
            let itemFields = ItemField.allCases.map { item[$0]?.text ?? "" }
            out += CSVText.row(eventFields + itemFields + [raw.sourceText ?? ""] + reject)
        }
        return out
    }
}
