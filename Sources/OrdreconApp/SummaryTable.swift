import Foundation
import OrdreconCore
import OrdreconEngine

/// The human-readable run summary: one line per file, then the total.
enum SummaryTable {
    static func render(_ summary: RunSummary) -> String {
        var rows: [[String]] = [
            ["FEED", "FILE", "EVENTS", "APPLIED", "DUPLICATE", "REJECTED", "SECONDS", "REJECTED BY CODE"]
        ]
        for file in summary.files {
            var codes = file.rejectedByCode.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                separator: " ")
            if let failure = file.failure { codes = "FILE REJECTED: \(failure.code.rawValue): \(failure.message)" }
            rows.append([
                file.feed, file.name + (file.resumed ? " (resumed)" : ""), "\(file.events)", "\(file.applied)",
                "\(file.duplicate)", "\(file.rejected)", String(format: "%.3f", file.seconds), codes,
            ])
        }
        let totalCodes = summary.rejectedByCode.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: " ")
        rows.append([
            "TOTAL", "\(summary.files.count) file(s)", "\(summary.events)", "\(summary.applied)",
            "\(summary.duplicate)",
            "\(summary.rejected)", String(format: "%.3f", summary.seconds), totalCodes,
        ])
        var text = Table.render(rows)
        let rate = summary.seconds > 0 ? Int(Double(summary.events) / summary.seconds) : 0
        text += "\n\(summary.events) events in \(String(format: "%.2f", summary.seconds)) s (\(rate) events/s); "
        text += "\(summary.invoicesRecorded) invoice(s) and \(summary.refundsRecorded) refund request(s) recorded."
        let withRejections = summary.files.filter { $0.rejectionFile != nil }
        if !withRejections.isEmpty {
            text += "\nRejected rows to review: " + withRejections.compactMap(\.rejectionFile).joined(separator: ", ")
        }
        if let report = summary.reportHTML {
            text += "\nRun report: " + report
        }
        if summary.files.isEmpty {
            text = summary.interrupted ? "No file finished in this run." : "No ready files in the inbox."
        }
        for entry in summary.unfinished {
            let what = entry.needsAttention ? "NOT PROCESSED" : "LEFT FOR THE NEXT RUN"
            text += "\n\(what): \(entry.feed)/\(entry.name): \(entry.message)"
        }
        return text
    }
}

/// Plain text tables with left-aligned columns.
///
/// Every column but the last is padded to its widest cell, so one long value (a hostile event
/// id, a 255-byte file name) would push every row far to the right. Such a cell is shortened in
/// the middle to `maxCellWidth` characters with "…", and a note under the table says so; the
/// last column (usually the message) is never shortened nor padded. The CSV and JSON outputs
/// always carry the whole values.
enum Table {
    static let maxCellWidth = 40

    static func render(_ rows: [[String]]) -> String {
        var shortened = false
        // A cell stays on one line: line breaks and tabs from feed text are shown as spaces.
        let rows = rows.map { row in
            row.enumerated().map { i, cell in
                let flat = String(cell.map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
                guard i < row.count - 1, flat.count > maxCellWidth else { return flat }
                shortened = true
                return middleShortened(flat, to: maxCellWidth)
            }
        }
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() where i < columns - 1 { widths[i] = max(widths[i], cell.count) }
        }
        var text = rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n")
        if shortened {
            text +=
                "\n(… marks a value shortened in the middle to \(maxCellWidth) characters; the CSV or JSON output shows it whole)"
        }
        return text
    }

    /// `text` cut to `width` characters: its start, "…", its end.
    static func middleShortened(_ text: String, to width: Int) -> String {
        let tail = (width - 1) / 2
        let head = width - 1 - tail
        return String(text.prefix(head)) + "…" + String(text.suffix(tail))
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// What `run --quiet` prints: nothing when nothing happened (so cron sends no mail), else a
/// short summary.
enum QuietSummary {
    /// Whether the run did nothing a person needs to hear of: no file taken, none left that
    /// needs a person, no PDF written or failed, no refund sent, refused or left pending, not
    /// interrupted. (A file still being written, left for the next run, is not news.)
    static func isUneventful(_ summary: RunSummary) -> Bool {
        guard summary.files.isEmpty, !summary.interrupted, !summary.unfinished.contains(where: \.needsAttention) else {
            return false
        }
        if let documents = summary.documents, documents.rendered > 0 || documents.failed > 0 { return false }
        if let refunds = summary.refundDelivery,
            refunds.attempts > 0 || refunds.pendingLeft > 0 || refunds.failed > 0 || refunds.interrupted
        {
            return false
        }
        return true
    }

    /// The totals on one line, then only the lines that say something: rejection files, the
    /// run report, entries not processed, PDFs written, refunds, an interruption.
    static func text(_ summary: RunSummary, stoppedBy: String?, cutShort: [FileRecord]) -> String {
        var lines: [String] = []
        if !summary.files.isEmpty {
            var line =
                "\(summary.files.count) file(s), \(summary.events) event(s): \(summary.applied) applied, "
                + "\(summary.duplicate) duplicate, \(summary.rejected) rejected"
            if summary.failedFiles > 0 { line += ", \(summary.failedFiles) file(s) rejected as a whole" }
            let codes = summary.rejectedByCode.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                separator: " ")
            if !codes.isEmpty { line += " (\(codes))" }
            lines.append(line + " in \(String(format: "%.2f", summary.seconds)) s")
            let withRejections = summary.files.compactMap(\.rejectionFile)
            if !withRejections.isEmpty {
                lines.append("Rejected rows to review: " + withRejections.joined(separator: ", "))
            }
            if let report = summary.reportHTML { lines.append("Run report: " + report) }
        }
        for entry in summary.unfinished {
            lines.append(
                "\(entry.needsAttention ? "NOT PROCESSED" : "LEFT FOR THE NEXT RUN"): \(entry.feed)/\(entry.name): \(entry.message)"
            )
        }
        if let documents = summary.documents, documents.rendered > 0 || documents.failed > 0 {
            lines.append(DocumentDelivery.text(documents))
        }
        if summary.interrupted {
            lines.append(Interruption.text(summary, stoppedBy: stoppedBy, cutShort: cutShort))
        } else if let refunds = summary.refundDelivery,
            refunds.attempts > 0 || refunds.pendingLeft > 0 || refunds.failed > 0
        {
            lines.append(RefundDelivery.text(refunds))
        }
        return lines.joined(separator: "\n")
    }
}
