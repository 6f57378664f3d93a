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

    /// Every key at its default.
    public static let defaults = Configuration.builtInDefaults.watch

    public init(
        poll: Bool, settleMilliseconds: Int, rescanSeconds: Int, metricsPort: Int?,
        metricsAddress: String = WatchConfig.defaults.metricsAddress
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
    /// Every key at its default.
    public static let defaults = Configuration.builtInDefaults.logging

    public init(format: String, level: String) {
        self.format = format
        self.level = level
    }
}

extension WatchConfig {
    /// Reads `[watch]`.
    init(_ t: TableReader) throws(ConfigurationError) {
        poll = try t.boolean(
            "poll", default: false,
            doc: "`watch` looks at the inbox every second instead of using inotify (network file systems)",
            comment: [
                "`ordrecon watch`: inotify tells when a file is renamed into the inbox or closed after",
                "writing; poll = true looks every second instead (network file systems). A file written in",
                "place counts as ready once its size and time have not changed for settle_ms. The whole",
                "inbox is looked at every rescan_seconds as well.",
            ]
        ).value
        settleMilliseconds = try t.integer(
            "settle_ms", 0...600_000, unit: "milliseconds", default: 2000,
            doc: "a file written in place is ready once unchanged this long"
        ).value
        rescanSeconds = try t.integer(
            "rescan_seconds", 1...86_400, unit: "seconds", default: 30,
            doc: "`watch` looks at the whole inbox this often"
        ).value
        let port = try t.integer(
            "metrics_port", 0...65_535, accepts: "a TCP port 1...65535, or 0 for none", default: 0,
            doc: "`watch` serves `/metrics` and `/healthz` on this port (0: not at all)",
            comment: [
                "/metrics (Prometheus) and /healthz on <metrics_address>:<metrics_port>; port 0 = none. The",
                "address is an IP literal: \"127.0.0.1\" (this host only), \"0.0.0.0\" (every IPv4 address), \"::\".",
            ]
        ).value
        metricsPort = port == 0 ? nil : port
        let address = try t.text(
            "metrics_address", default: "127.0.0.1",
            accepts:
                "an IP address to listen on, such as \"127.0.0.1\" (this host only), \"0.0.0.0\" (every IPv4 address) or \"::\" (every address)",
            doc: "the IP address (IPv4 or IPv6 literal) the metrics endpoint listens on")
        guard IPAddress.family(of: address.value) != nil else { throw t.invalid(address) }
        metricsAddress = address.value
    }
}

extension LoggingConfig {
    /// Reads `[logging]`.
    init(_ t: TableReader) throws(ConfigurationError) {
        format = try t.choice(
            "format", among: Self.formats, default: "logfmt",
            doc:
                "log lines on standard error: `logfmt`, `json` (JSON Lines) or `text`; `ORDRECON_LOG_FORMAT` overrides it",
            comment: [
                "Log lines on standard error: logfmt, json (JSON Lines) or text (for a terminal); level:",
                "trace, debug, info, notice, warning, error, critical. ORDRECON_LOG_FORMAT and",
                "ORDRECON_LOG_LEVEL override both.",
            ]
        ).value
        level = try t.choice(
            "level", among: Self.levels, default: "info",
            doc: "the least severe level logged; `ORDRECON_LOG_LEVEL` overrides it"
        ).value
    }
}
