public import Foundation

/// The settings of one ordrecon workspace, read from `config/ordrecon.toml`.
///
/// Every key has a default (see ``defaultFileText``); unknown keys and tables are errors. Each key
/// is described once, where it is read (``TableReader``): the checks, the default file and the
/// README's table of keys come from those descriptions (``ConfigurationSchema``).
/// Relative paths are taken from the workspace root: the folder that holds `config/`.
public struct Configuration: Sendable, Equatable {
    /// The file the settings came from, as given to ``load(tomlText:fileName:workspaceRoot:)``.
    public var fileName: String
    /// The configured zone (`timezone`): feed times without an offset are local time here;
    /// times are shown in it.
    public private(set) var timeZone: TimeZone
    /// `timezone` as written in the file, e.g. `Asia/Kolkata`.
    public private(set) var timezoneIdentifier: String
    /// `[paths]`, resolved.
    public var paths: Paths
    /// `[store] url`: where state, history, the audit log, documents and refunds live.
    public var store: StoreLocation
    /// `[gateway]`: where refunds go and how hard to try.
    public var gateway: GatewayConfig
    /// `[gateway] base_url`, without trailing `/`; refunds go to `<gatewayBaseURL>/refunds`.
    public var gatewayBaseURL: String { gateway.baseURL }
    /// `[seller]`: the supplier printed on invoices and credit notes.
    public var seller: SellerConfig
    /// `[returns] window_days`: a return may be requested at most this many days after delivery.
    public var returnWindowDays: Int
    /// `[invoicing] default_gst_rate` in basis points (18% = 1800, 12.5% = 1250).
    public var defaultGSTRateBasisPoints: Int
    /// `[invoicing] write_pdfs`: `run` writes the PDFs of new invoices and credit notes.
    public var writePDFs: Bool
    /// `[engine] batch_size`.
    public var batchSize: Int
    /// `[watch]`: the daemon's inbox watching and metrics endpoint.
    public var watch: WatchConfig
    /// `[logging]`: log format and level.
    public var logging: LoggingConfig
    /// `[reports]`: how often `watch` writes a report; how long reports are kept.
    public var reports: ReportsConfig
    /// The configured feeds, sorted by name.
    public var feeds: [FeedConfig]
    /// `catalog.csv` beside the configuration file, when there is one (see ``ProductCatalog``);
    /// read by the command line's loader, empty otherwise.
    public var catalog: ProductCatalog = .empty

    /// The feed with exactly this name, if configured.
    public func feed(named name: String) -> FeedConfig? {
        feeds.first { $0.name == name }
    }

    // MARK: - Defaults

    public static let returnWindowRange = 0...3650
    public static let batchSizeRange = 1...1_000_000
    /// `[engine] batch_size` when not set. On lifecycles spread over days each batch rewrites the
    /// index pages of most open orders once, so larger batches write less per event: at 1M events
    /// 2.8 KB instead of 5.0 KB with 5,000 (README, "Benchmark").
    public static let defaultBatchSize = 50_000

    /// `[paths]` keys and their default (relative) values, in the order of the default file.
    public static var defaultPaths: [(key: String, value: String)] {
        ConfigurationSchema.keys(in: .paths).compactMap { key in
            guard case .string(let value)? = key.defaultValue else { return nil }
            return (key.name, value)
        }
    }

    /// The configuration with every key at its default, for a workspace at `workspaceRoot` (absolute).
    public static func defaults(workspaceRoot: String, fileName: String = "config/ordrecon.toml") -> Configuration {
        do {
            return try load(tomlText: "", fileName: fileName, workspaceRoot: workspaceRoot)
        } catch {
            preconditionFailure("defaults must load: \(error)")
        }
    }

    /// The defaults for a workspace at `/`, where the section structs take their `defaults`.
    static let builtInDefaults = defaults(workspaceRoot: "/")

    /// The workspace root for a config file path: the folder that holds the file's folder
    /// (`/srv/shop/config/ordrecon.toml` gives `/srv/shop`). Pass an absolute path.
    public static func workspaceRoot(forConfigFile path: String) -> String {
        var parts = components(path)
        parts.removeLast(min(2, parts.count))
        if isAbsolute(path) { return "/" + parts.joined(separator: "/") }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    // MARK: - Loading

    /// Reads and checks a configuration file's text.
    ///
    /// - Parameters:
    ///   - tomlText: the file's contents.
    ///   - fileName: how to name the file in errors, e.g. `config/ordrecon.toml`.
    ///   - workspaceRoot: absolute path of the folder holding `config/`; relative paths are taken from it.
    /// - Throws: ``ConfigurationError`` for the first problem: TOML syntax, unknown key, wrong type or value.
    public static func load(tomlText: String, fileName: String, workspaceRoot: String) throws(ConfigurationError)
        -> Configuration
    {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: tomlText)
        } catch {
            throw ConfigurationError(
                fileName: fileName, keyPath: error.keyPath ?? "", line: error.line, column: error.column,
                message: error.message)
        }
        try ConfigurationSchema.check(document.root, fileName: fileName)
        let file = ConfigFileReader(fileName: fileName, document: document.root, recorder: nil)
        return try read(file, workspaceRoot: workspaceRoot)
    }

    /// Reads every key of `file` (each described where it is read) into the typed settings.
    ///
    /// Every key is read whether the file has it or not, so reading an empty document with a
    /// ``KeyRecorder`` describes them all (``ConfigurationSchema/keys``).
    static func read(_ file: ConfigFileReader, workspaceRoot: String) throws(ConfigurationError) -> Configuration {
        var file = file
        let top = file.table(.top)
        let zone = try top.text(
            "timezone", default: "Asia/Kolkata",
            accepts: "an IANA time zone name such as \"Asia/Kolkata\" or \"UTC\" (names are case-sensitive)",
            doc: "feed times without an offset are read in this zone; times are shown in it",
            comment: ["Time zone (IANA name) of feed times written without an offset, and of times shown to people."])
        guard !zone.value.isEmpty, let timeZone = TimeZone(identifier: zone.value) else { throw top.invalid(zone) }

        guard isAbsolute(workspaceRoot) else {
            throw ConfigurationError(
                fileName: file.fileName, keyPath: "", line: nil,
                message: "workspace root must be an absolute path, got \(TOMLTable.quoted(workspaceRoot))")
        }
        let root = normalize(workspaceRoot)
        file.workspaceRoot = root
        let pathsTable = file.table(.paths)
        var paths = try Paths(pathsTable, workspaceRoot: root)
        let store = try StoreLocation.read(
            file.table(.store), paths: &paths, databaseIsSet: pathsTable.values["database"] != nil)
        let gateway = try GatewayConfig(file.table(.gateway), workspaceRoot: root)
        let seller = try SellerConfig(file.table(.seller))

        let windowDays = try file.table(.returns).integer(
            "window_days", returnWindowRange, unit: "days", default: 30,
            doc: "a return may be requested at most this many days after delivery",
            comment: ["A return may be requested at most this many days after delivery (0...3650)."]
        ).value
        let batchSize = try file.table(.engine).integer(
            "batch_size", batchSizeRange, unit: "events", default: defaultBatchSize,
            doc: "events per database transaction",
            comment: ["Events handled per batch (1...1000000)."]
        ).value

        let invoicing = file.table(.invoicing)
        let gstRate = try invoicing.percent(
            "default_gst_rate", defaultBasisPoints: 1800, doc: "GST percent for items whose event gives no `gst_rate`",
            comment: ["GST percent for items whose event gives no gst_rate (0 to 100, at most 2 decimals, e.g. 12.5)."]
        ).value
        let writePDFs = try invoicing.boolean(
            "write_pdfs", default: true,
            doc:
                "`run` writes the PDFs of new invoices and credit notes; `false` leaves them to `ordrecon invoices render --missing`",
            comment: [
                "Write the PDFs of new tax invoices and credit notes (under paths.invoices) at the end of",
                "each run. false leaves them to `ordrecon invoices render --missing` (e.g. its own cron job);",
                "their numbers are taken either way, in the transaction of the transition.",
            ]
        ).value

        let watch = try WatchConfig(file.table(.watch))
        let logging = try LoggingConfig(file.table(.logging))
        let feeds = try FeedConfig.read(file.table(.feeds))
        let reports = try ReportsConfig(file.table(.reports))
        return Configuration(
            fileName: file.fileName, timeZone: timeZone, timezoneIdentifier: zone.value, paths: paths, store: store,
            gateway: gateway, seller: seller, returnWindowDays: windowDays, defaultGSTRateBasisPoints: gstRate,
            writePDFs: writePDFs, batchSize: batchSize, watch: watch, logging: logging, reports: reports, feeds: feeds)
    }
}
