public import Foundation
public import Logging
public import OrdreconCore

/// The passes of `watch` since its last report, and when the next report is due.
///
/// A daemon runs a pass whenever files arrive; a report per pass would be thousands a day. The
/// period collects the passes' summaries and is written as one report
/// (`outbox/reports/watch-<first run>-<last run>.html` and `.json`) once `every` has passed
/// since the period's first pass with a file, or `everyFiles` files are done, and when the
/// daemon stops. A period in which nothing happened writes nothing.
public struct WatchReportPeriod: Sendable {
    public let everySeconds: Double
    public let everyFiles: Int
    /// The passes' summaries merged (files in the order they were done).
    public private(set) var summary = RunSummary()
    public private(set) var runs: ClosedRange<Int64>?
    /// Monotonic seconds of the first pass that did something.
    private var startedAt: Double?

    public init(_ config: ReportsConfig) {
        everySeconds = Double(config.watchEveryMinutes) * 60
        everyFiles = config.watchEveryFiles
    }

    /// Whether the period holds anything worth a report.
    public var isEmpty: Bool { summary.files.isEmpty && summary.unfinished.isEmpty }

    /// Adds one pass. `at` is a monotonic time in seconds.
    public mutating func add(_ pass: RunSummary, at: Double) {
        guard !pass.files.isEmpty || !pass.unfinished.isEmpty else { return }
        runs = runs.map { min($0.lowerBound, pass.runId)...max($0.upperBound, pass.runId) } ?? pass.runId...pass.runId
        if startedAt == nil { startedAt = at }
        summary.absorb(pass)
    }

    /// Whether the report is due at monotonic time `now`.
    public func isDue(at now: Double) -> Bool {
        guard let startedAt, !isEmpty else { return false }
        return summary.files.count >= everyFiles || now - startedAt >= everySeconds
    }

    /// Seconds from `now` until the report is due by time; nil when the period is empty.
    public func secondsUntilDue(at now: Double) -> Double? {
        guard let startedAt, !isEmpty else { return nil }
        return max(0, startedAt + everySeconds - now)
    }

    /// Writes the period's report (when it holds anything), deletes reports older than
    /// `keepDays`, and starts a new period. Returns the HTML report's path.
    @discardableResult
    public mutating func write(
        store: any ReviewQueries, outbox: String, keepDays: Int, now: Timestamp, zone: TimeZone, logger: Logger
    ) -> String? {
        defer {
            summary = RunSummary()
            runs = nil
            startedAt = nil
        }
        guard !isEmpty, let runs else { return nil }
        let directory = outbox + "/reports"
        var summary = self.summary
        summary.runId = runs.upperBound
        let written = RunReport.write(
            summary: summary, period: runs, store: store, directory: directory, now: now, zone: zone, logger: logger)
        RunReport.deleteOld(in: directory, keepDays: keepDays, now: now, logger: logger)
        return written?.html
    }
}

extension RunSummary {
    /// Adds a later run's work to this one: its files after these, its counts to these. A file
    /// left unfinished by an earlier pass and finished by this one is no longer unfinished; the
    /// newest word on a file still unfinished wins. Stopped on request is this pass's state.
    mutating func absorb(_ pass: RunSummary) {
        files += pass.files
        let done = Set(pass.files.map { $0.feed + "\u{0}" + $0.name })
        let renewed = Set(pass.unfinished.map { $0.feed + "\u{0}" + $0.name })
        unfinished.removeAll {
            done.contains($0.feed + "\u{0}" + $0.name) || renewed.contains($0.feed + "\u{0}" + $0.name)
        }
        unfinished += pass.unfinished
        seconds += pass.seconds
        refundsRecorded += pass.refundsRecorded
        invoicesRecorded += pass.invoicesRecorded
        interrupted = pass.interrupted
    }
}
