import Foundation
import Logging
import OrdreconCore

/// The report of one run, for people: `outbox/reports/<run id>.html` (self-contained: inline
/// CSS and SVG, no scripts, nothing fetched) and `outbox/reports/<run id>.json` with the same
/// numbers. The numbers are the run summary's; the rejected rows come from the audit log.
struct RunReport {
    /// Rows shown per reason code; the rest are counted ("N more") and are in the rejection files.
    static let rowsPerCode = 200

    /// Outcomes of one feed's files in the run.
    struct FeedTotals {
        var feed: String
        var files = 0
        var failedFiles = 0
        var events = 0
        var applied = 0
        var duplicate = 0
        var rejected = 0
    }

    /// The rejections of one reason code.
    struct CodeGroup {
        var code: String
        /// All rejections of this code in the run (events, or files for whole-file codes).
        var count: Int
        /// The first ``RunReport/rowsPerCode`` of them.
        var rows: [RunRejectionRow]
        /// Rejection files (absolute paths) holding rows of this code, with their feed.
        var rejectionFiles: [(feed: String, path: String)]
        var hidden: Int { max(0, count - rows.count) }
    }

    var summary: RunSummary
    /// The page's heading: "Run 12", or for a period of `watch` "Watch, runs 12–40".
    var title: String
    /// The reports' file name without extension: "12", or "watch-12-40".
    var baseName: String
    var generatedAt: Timestamp
    var zone: TimeZone
    var feeds: [FeedTotals]
    var groups: [CodeGroup]
    /// Files refused as a whole.
    var failedFiles: [FileSummary]
    /// Invoices issued in the run that lack something (at most ``incompleteShown``), and how many
    /// there are in all.
    var incompleteInvoices: [IncompleteInvoice] = []
    var incompleteCount = 0
    /// Rejection file path by feed and final file name, for the rows' links.
    private var rejectionFileByName: [String: String]

    /// - Parameter period: the passes of a `watch` report period; nil for the report of one run.
    init(
        summary: RunSummary, rows: [RunRejectionRow], generatedAt: Timestamp, zone: TimeZone,
        period: ClosedRange<Int64>? = nil
    ) {
        self.summary = summary
        if let period {
            title =
                period.count == 1
                ? "Watch, run \(period.lowerBound)" : "Watch, runs \(period.lowerBound)–\(period.upperBound)"
            baseName = "watch-\(period.lowerBound)-\(period.upperBound)"
        } else {
            title = "Run \(summary.runId)"
            baseName = "\(summary.runId)"
        }
        self.generatedAt = generatedAt
        self.zone = zone

        var byFeed: [String: FeedTotals] = [:]
        for file in summary.files {
            var totals = byFeed[file.feed] ?? FeedTotals(feed: file.feed)
            totals.files += 1
            totals.events += file.events
            totals.applied += file.applied
            totals.duplicate += file.duplicate
            totals.rejected += file.rejected
            if file.failure != nil { totals.failedFiles += 1 }
            byFeed[file.feed] = totals
        }
        feeds = byFeed.values.sorted { $0.feed < $1.feed }
        failedFiles = summary.files.filter { $0.failure != nil }

        var fileByName: [String: String] = [:]
        for file in summary.files {
            if let rejectionFile = file.rejectionFile, let finalName = file.finalName {
                fileByName[Self.key(file.feed, finalName)] = rejectionFile
            }
        }
        rejectionFileByName = fileByName

        let rowsByCode = Dictionary(grouping: rows, by: \.code)
        groups = summary.rejectedByCode.map { code, count in
            let files = summary.files.compactMap { file -> (feed: String, path: String)? in
                guard (file.rejectedByCode[code] ?? 0) > 0, let path = file.rejectionFile else { return nil }
                return (file.feed, path)
            }
            return CodeGroup(code: code, count: count, rows: rowsByCode[code] ?? [], rejectionFiles: files)
        }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
    }

    private static func key(_ feed: String, _ name: String) -> String { feed + "\u{0}" + name }

    /// The rejection file (absolute path) that holds a row, if any.
    func rejectionFile(of row: RunRejectionRow) -> String? {
        row.finalName.flatMap { rejectionFileByName[Self.key(row.feed, $0)] }
    }

    /// A link from `outbox/reports/` to a rejection file (`../rejections/<feed>/<file>`), percent-encoded.
    static func relativeLink(feed: String, path: String) -> String {
        "../rejections/" + percentEncoded(feed) + "/" + percentEncoded(FileSystem.fileName(of: path))
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }

    // MARK: JSON

    /// The run summary's JSON (the same numbers as `run --json`), followed by the per-feed totals,
    /// the rejections grouped by code with their rows, and the files refused as a whole.
    var json: JSONValue {
        var fields: [(String, JSONValue)] = []
        if case .object(let summaryFields) = summary.json { fields = summaryFields }
        fields.append(("title", .string(title)))
        fields.append(("generated_at", .string(generatedAt.iso8601(in: zone))))
        fields.append(
            (
                "by_feed",
                .array(
                    feeds.map { f in
                        .object([
                            ("feed", .string(f.feed)), ("files", .int(Int64(f.files))),
                            ("failed_files", .int(Int64(f.failedFiles))),
                            ("events", .int(Int64(f.events))), ("applied", .int(Int64(f.applied))),
                            ("duplicate", .int(Int64(f.duplicate))), ("rejected", .int(Int64(f.rejected))),
                        ])
                    })
            ))
        fields.append(
            (
                "rejections",
                .array(
                    groups.map { group in
                        .object([
                            ("code", .string(group.code)),
                            ("count", .int(Int64(group.count))),
                            ("shown", .int(Int64(group.rows.count))),
                            ("not_shown", .int(Int64(group.hidden))),
                            (
                                "rows",
                                .array(
                                    group.rows.map { row in
                                        .object([
                                            ("feed", .string(row.feed)), ("file", .string(row.fileName)),
                                            ("line", row.line.map { .int(Int64($0)) } ?? .null),
                                            ("event_id", .optional(row.eventId)), ("entity", .optional(row.entity)),
                                            ("entity_id", .optional(row.entityId)), ("message", .string(row.message)),
                                            ("rejection_file", .optional(rejectionFile(of: row))),
                                        ])
                                    })
                            ),
                            ("rejection_files", .array(group.rejectionFiles.map { .string($0.path) })),
                        ])
                    })
            ))
        fields.append(
            (
                "files_rejected",
                .array(
                    failedFiles.map { file in
                        .object([
                            ("feed", .string(file.feed)), ("file", .string(file.name)),
                            ("code", .string(file.failure?.code.rawValue ?? "")),
                            ("message", .string(file.failure?.message ?? "")),
                            ("final_name", .optional(file.finalName)),
                        ])
                    })
            ))
        fields.append(("invoices_incomplete", incompleteJSON))
        fields.append(
            (
                "files_unfinished",
                .array(
                    summary.unfinished.map { entry in
                        .object([
                            ("feed", .string(entry.feed)), ("file", .string(entry.name)),
                            ("cause", .string(entry.cause.rawValue)),
                            ("message", .string(entry.message)),
                        ])
                    })
            ))
        return .object(fields)
    }
}

extension RunEngine {
    /// The folder of run reports.
    var reportDirectory: String { settings.outbox + "/reports" }

    /// Writes the run's report (HTML and JSON, each atomically) when the run processed a file,
    /// and records their paths in the summary. A report that cannot be written is logged and
    /// left out: the run's work is committed and stands without it. Then reports older than
    /// `[reports] keep_days` are deleted.
    func writeReport() {
        guard writesReport, !summary.files.isEmpty || !summary.unfinished.isEmpty else { return }
        let written = RunReport.write(
            summary: summary, period: nil, store: store, directory: reportDirectory, now: now(),
            zone: settings.zone, logger: logger)
        summary.reportHTML = written?.html
        summary.reportJSON = written?.json
        RunReport.deleteOld(in: reportDirectory, keepDays: settings.reportKeepDays, now: now(), logger: logger)
    }
}

extension RunReport {
    /// Writes the report of one run (`period` nil: `summary.runId`) or of the passes of a `watch`
    /// period as `<directory>/<name>.html` and `.json`, each atomically; nil (and an error logged)
    /// when it cannot. The rejected rows shown are those of the files these runs finished.
    static func write(
        summary: RunSummary, period: ClosedRange<Int64>?, store: any ReviewQueries, directory: String, now: Timestamp,
        zone: TimeZone, logger: Logger
    ) -> (html: String, json: String)? {
        let runs = period ?? summary.runId...summary.runId
        do {
            try FileSystem.makeDirectories(directory)
            let rows = try store.rejections(ofRuns: runs, limitPerCode: RunReport.rowsPerCode)
            var report = RunReport(summary: summary, rows: rows, generatedAt: now, zone: zone, period: period)
            report.incompleteInvoices = try store.incompleteInvoices(ofRuns: runs, limit: RunReport.incompleteShown)
            report.incompleteCount = try store.incompleteInvoiceCount(ofRuns: runs)
            let html = directory + "/" + report.baseName + ".html"
            let json = directory + "/" + report.baseName + ".json"
            try AtomicFile.write(report.json.text(indent: 2) + "\n", to: json)
            try AtomicFile.write(report.html, to: html)
            logger.info("run report written", metadata: ["run.id": "\(runs.upperBound)", "report.html": "\(html)"])
            return (html, json)
        } catch {
            logger.error("could not write the run report: \(error)", metadata: ["run.id": "\(runs.upperBound)"])
            return nil
        }
    }

    /// Whether `name` is a report this program writes: `<digits>.html|json` or
    /// `watch-<digits>-<digits>.html|json`. Nothing else in the folder is ever deleted.
    static func isReportFileName(_ name: String) -> Bool {
        let stem: Substring
        if name.hasSuffix(".html") {
            stem = name.dropLast(5)
        } else if name.hasSuffix(".json") {
            stem = name.dropLast(5)
        } else {
            return false
        }
        func digits(_ s: Substring) -> Bool { !s.isEmpty && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
        if digits(stem) { return true }
        guard stem.hasPrefix("watch-") else { return false }
        let parts = stem.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy(digits)
    }

    /// Deletes reports (only names ``isReportFileName(_:)`` accepts, only regular files) last
    /// changed more than `keepDays` days before `now`; 0 keeps all. Returns how many went. A
    /// report that cannot be deleted is logged and left.
    @discardableResult
    static func deleteOld(in directory: String, keepDays: Int, now: Timestamp, logger: Logger) -> Int {
        guard keepDays > 0, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return 0
        }
        let cutoff = now.milliseconds - Int64(keepDays) * 86_400_000
        var deleted = 0
        for name in names where isReportFileName(name) {
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let changedMs = Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
            guard changedMs < cutoff else { continue }
            if unlink(path) == 0 {
                deleted += 1
            } else {
                logger.warning(
                    "could not delete an old report: \(String(cString: strerror(errno)))",
                    metadata: ["report": "\(path)"])
            }
        }
        if deleted > 0 {
            logger.info("old reports deleted", metadata: ["count": "\(deleted)", "keep_days": "\(keepDays)"])
        }
        return deleted
    }
}
