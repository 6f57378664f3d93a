/// `[watch]`: how `ordrecon watch` watches the inbox and where it serves metrics.
public struct WatchConfig: Sendable, Equatable {
    /// `poll`: poll the inbox instead of using inotify (network file systems).
    public var poll: Bool
    /// `settle_ms`: a file written in place is ready once unchanged for this long.
    public var settleMilliseconds: Int
    /// `rescan_seconds`: a full look at the inbox this often.
    public var rescanSeconds: Int
    /// `metrics_port`: `/metrics` and `/healthz` on `metrics_address`; nil (0 in the file) for none.
    public var metricsPort: Int?
    /// `metrics_address`: the IP address the metrics endpoint listens on (IPv4 or IPv6 literal).
    public var metricsAddress: String

    public static let defaultMetricsAddress = "127.0.0.1"
    public static let defaults = WatchConfig(poll: false, settleMilliseconds: 2000, rescanSeconds: 30, metricsPort: nil)

    public init(
        poll: Bool, settleMilliseconds: Int, rescanSeconds: Int, metricsPort: Int?,
        metricsAddress: String = WatchConfig.defaultMetricsAddress
    ) {
        self.poll = poll
        self.settleMilliseconds = settleMilliseconds
        self.rescanSeconds = rescanSeconds
        self.metricsPort = metricsPort
        self.metricsAddress = metricsAddress
    }
}

/// `[logging]`: the form and level of log lines (standard error).
public struct LoggingConfig: Sendable, Equatable {
    /// `format`: `logfmt`, `json` (JSON Lines) or `text` (for people at a terminal).
    public var format: String
    /// `level`: trace, debug, info, notice, warning, error or critical.
    public var level: String

    public static let formats = ["logfmt", "json", "text"]
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    public static let defaults = LoggingConfig(format: "logfmt", level: "info")

    public init(format: String, level: String) {
        self.format = format
        self.level = level
    }
}

extension Reader {
    func watch() throws(ConfigurationError) -> WatchConfig {
        let d = WatchConfig.defaults
        let poll = try boolean(["watch", "poll"], default: d.poll)
        let settle = try integer(
            ["watch", "settle_ms"], default: d.settleMilliseconds, range: 0...600_000,
            expected: "a whole number of milliseconds 0...600000")
        let rescan = try integer(
            ["watch", "rescan_seconds"], default: d.rescanSeconds, range: 1...86_400,
            expected: "a whole number of seconds 1...86400")
        let port = try integer(
            ["watch", "metrics_port"], default: 0, range: 0...65_535, expected: "a TCP port 1...65535, or 0 for none")
        let addressExpected = "an IP address to listen on, such as \"127.0.0.1\" (this host only), \"0.0.0.0\" (every IPv4 address) or \"::\" (every address)"
        let address = try string(["watch", "metrics_address"], default: d.metricsAddress, expected: addressExpected)
        guard IPAddress.family(of: address.value) != nil else {
            throw invalid(["watch", "metrics_address"], address.source, expected: addressExpected)
        }
        return WatchConfig(
            poll: poll, settleMilliseconds: settle, rescanSeconds: rescan, metricsPort: port == 0 ? nil : port,
            metricsAddress: address.value)
    }

    func logging() throws(ConfigurationError) -> LoggingConfig {
        let d = LoggingConfig.defaults
        let format = try string(["logging", "format"], default: d.format, expected: "one of \(LoggingConfig.formats.joined(separator: ", "))")
        guard LoggingConfig.formats.contains(format.value) else {
            throw invalid(["logging", "format"], format.source, expected: "one of \(LoggingConfig.formats.joined(separator: ", "))")
        }
        let level = try string(["logging", "level"], default: d.level, expected: "one of \(LoggingConfig.levels.joined(separator: ", "))")
        guard LoggingConfig.levels.contains(level.value) else {
            throw invalid(["logging", "level"], level.source, expected: "one of \(LoggingConfig.levels.joined(separator: ", "))")
        }
        return LoggingConfig(format: format.value, level: level.value)
    }
}
