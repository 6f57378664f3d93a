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

    public static let defaults = ReportsConfig(watchEveryMinutes: 60, watchEveryFiles: 1000, keepDays: 90)

    public init(watchEveryMinutes: Int, watchEveryFiles: Int, keepDays: Int) {
        self.watchEveryMinutes = watchEveryMinutes
        self.watchEveryFiles = watchEveryFiles
        self.keepDays = keepDays
    }
}

extension Reader {
    func reports() throws(ConfigurationError) -> ReportsConfig {
        let d = ReportsConfig.defaults
        let minutes = try integer(
            ["reports", "watch_every_minutes"], default: d.watchEveryMinutes, range: 1...10_080,
            expected: "a whole number of minutes 1...10080")
        let files = try integer(
            ["reports", "watch_every_files"], default: d.watchEveryFiles, range: 1...1_000_000,
            expected: "a whole number of files 1...1000000")
        let keep = try integer(
            ["reports", "keep_days"], default: d.keepDays, range: 0...36_500,
            expected: "a whole number of days 0...36500 (0 keeps every report)")
        return ReportsConfig(watchEveryMinutes: minutes, watchEveryFiles: files, keepDays: keep)
    }
}
