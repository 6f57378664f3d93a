/// `[reports]`: how often `watch` writes a report, and how long reports are kept.
///
/// `run` writes one report per run that touched a file. `watch` runs a pass whenever files
/// arrive, and one report per pass would mean thousands a day; it writes one per period
/// instead, covering every pass of the period: when `watch_every_minutes` have passed since the
/// period's first file, or `watch_every_files` files were finished, whichever comes first, and
/// when it stops. Reports older than `keep_days` are deleted (0 keeps them all).
public struct ReportsConfig: Sendable, Equatable {
    public var watchEveryMinutes: Int
    public var watchEveryFiles: Int
    public var keepDays: Int

    /// Every key at its default.
    public static let defaults = Configuration.builtInDefaults.reports

    public init(watchEveryMinutes: Int, watchEveryFiles: Int, keepDays: Int) {
        self.watchEveryMinutes = watchEveryMinutes
        self.watchEveryFiles = watchEveryFiles
        self.keepDays = keepDays
    }
}

extension ReportsConfig {
    /// Reads `[reports]`.
    init(_ t: TableReader) throws(ConfigurationError) {
        watchEveryMinutes = try t.integer(
            "watch_every_minutes", 1...10_080, unit: "minutes", default: 60,
            doc: "`watch` ends a report's period this long after its first file",
            comment: [
                "Run reports (HTML and JSON) in outbox/reports/. `run` writes one per run that touched a file;",
                "`watch` one per period covering all its passes: once watch_every_minutes have passed since",
                "the period's first file, or watch_every_files files are done, whichever comes first, and when",
                "it stops. Reports older than keep_days are deleted (0 keeps them all).",
            ]
        ).value
        watchEveryFiles = try t.integer(
            "watch_every_files", 1...1_000_000, unit: "files", default: 1000,
            doc: "`watch` also ends a report's period once this many files are done"
        ).value
        keepDays = try t.integer(
            "keep_days", 0...36_500, unit: "days", note: "0 keeps every report", default: 90,
            doc: "reports older than this are deleted (0: kept for ever)"
        ).value
    }
}
