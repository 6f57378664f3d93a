import Foundation
import OrdreconCore

/// CSV for people who open it in a spreadsheet: RFC 4180 through `CSVText`, with every cell
/// that a spreadsheet would read as a formula neutralised. Partners control much of the text
/// (ids, statuses echoed in messages), so a cell starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'` (OWASP's advice for CSV injection).
enum CSVOutput {
    /// The characters that make a spreadsheet treat a cell as a formula.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    /// `text`, with a leading `'` when it would start a formula.
    static func safeCell(_ text: String) -> String {
        guard let first = text.first, formulaStarts.contains(first) else { return text }
        return "'" + text
    }

    /// One row, neutralised and quoted as needed, ended with CRLF.
    static func row(_ fields: [String]) -> String {
        CSVText.row(fields.map(safeCell))
    }

    /// A whole document: the header row, then the rows.
    static func document(header: [String], rows: [[String]]) -> String {
        var text = row(header)
        for fields in rows { text += row(fields) }
        return text
    }

    /// Writes `text` to standard output as it is (no extra line end).
    static func write(_ text: String) {
        Invocation.current.output.standardOutput(text)
    }
}

/// Text from feeds made safe for a terminal table: control characters (escape sequences
/// included) are shown as spaces, so a partner's text cannot move the cursor or recolour it.
enum TerminalText {
    static func cell(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? " " : scalar
                }))
    }

    static func cell(_ text: String?) -> String { text.map(cell) ?? "" }
}
