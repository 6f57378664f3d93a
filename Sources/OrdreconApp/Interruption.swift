import OrdreconCore
import OrdreconEngine
import OrdreconGateway

/// How `ordrecon run` reports a run that SIGTERM or SIGINT stopped: what was committed of the
/// file cut short, where it resumes, and what was left for the next run.
enum Interruption {
    /// The claimed files whose events are not all applied yet (a stop cut them short), with what
    /// was committed of them so far; empty when the store cannot say.
    static func cutShortFiles(_ store: any FileLedger) -> [FileRecord] {
        ((try? store.unfinalizedFiles()) ?? []).filter { $0.state == .processing }
    }

    /// Where a file resumes: the line (CSV, JSON Lines) or the position in the array (JSON).
    static func resumePoint(_ file: FileRecord) -> String {
        file.format == "json" ? "event \(file.resumeLine)" : "line \(file.resumeLine)"
    }

    /// The lines printed after the summary table of an interrupted run.
    static func text(_ summary: RunSummary, stoppedBy: String?, cutShort: [FileRecord]) -> String {
        var lines = [
            "INTERRUPTED by \(stoppedBy ?? "a stop request"): the work in hand was committed and the run stopped there."
        ]
        for file in cutShort {
            lines.append(
                "Cut short: \(file.feed)/\(file.name): \(file.events) event(s) committed so far (\(file.applied) applied, "
                    + "\(file.duplicate) duplicate, \(file.rejected) rejected); the next run resumes at \(resumePoint(file))."
            )
        }
        if let delivery = summary.refundDelivery {
            lines.append(RefundDelivery.text(delivery))
        } else {
            lines.append(
                "Refunds: none sent in this run; the next `ordrecon run` or `ordrecon dispatch` sends the pending ones."
            )
        }
        lines.append("The next `ordrecon run` resumes where this one stopped.")
        return lines.joined(separator: "\n")
    }

    /// The run's JSON summary with `stopped_by` (the signal) and `cut_short` (the files a stop
    /// left part-way, with their counts so far and where they resume).
    static func json(_ summary: RunSummary, stoppedBy: String?, cutShort: [FileRecord]) -> JSONValue {
        guard case .object(var fields) = summary.json else { return summary.json }
        fields.append(("stopped_by", .optional(stoppedBy)))
        fields.append(
            (
                "cut_short",
                .array(
                    cutShort.map { file in
                        .object([
                            ("feed", .string(file.feed)), ("file", .string(file.name)),
                            ("events", .int(Int64(file.events))),
                            ("applied", .int(Int64(file.applied))), ("duplicate", .int(Int64(file.duplicate))),
                            ("rejected", .int(Int64(file.rejected))), ("resume_line", .int(Int64(file.resumeLine))),
                        ])
                    })
            ))
        return .object(fields)
    }
}
