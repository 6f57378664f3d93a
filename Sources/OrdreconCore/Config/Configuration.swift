public import Foundation

/// The settings of one ordrecon workspace, read from `config/ordrecon.toml`.
///
/// Every key has a default (see ``defaultFileText``); unknown keys and tables are errors.
/// Relative paths are taken from the workspace root: the folder that holds `config/`.
public struct Configuration: Sendable, Equatable {
    /// The folders and files of the workspace, each a normalized absolute path (no trailing `/`).
    public struct Paths: Sendable, Equatable {
        /// The folder relative paths were resolved against (the one holding `config/`).
        public var workspaceRoot: String
        /// Partners drop files into `<inbox>/<feed>/`.
        public var inbox: String
        /// Fully processed input files: `<archive>/<feed>/`.
        public var archive: String
        /// Unreadable input files with their reasons: `<failed>/<feed>/`.
        public var failed: String
        /// `<outbox>/refunds/` and `<outbox>/rejections/<feed>/`.
        public var outbox: String
        /// Invoice PDFs.
        public var invoices: String
        /// The SQLite database file.
        public var database: String

        public init(
            workspaceRoot: String, inbox: String, archive: String, failed: String, outbox: String, invoices: String,
            database: String
        ) {
            self.workspaceRoot = workspaceRoot
            self.inbox = inbox
            self.archive = archive
            self.failed = failed
            self.outbox = outbox
            self.invoices = invoices
            self.database = database
        }

        /// `<inbox>/<feed>`
        public func inbox(feed: String) -> String { inbox + "/" + feed }
        /// `<archive>/<feed>`
        public func archive(feed: String) -> String { archive + "/" + feed }
        /// `<failed>/<feed>`
        public func failed(feed: String) -> String { failed + "/" + feed }
        /// `<outbox>/refunds`
        public var refundsOutbox: String { outbox + "/refunds" }
        /// `<outbox>/rejections/<feed>`
        public func rejections(feed: String) -> String { outbox + "/rejections/" + feed }
    }

    /// The file the settings came from, as given to ``load(tomlText:fileName:workspaceRoot:)``.
    public var fileName: String
    /// The configured zone (`timezone`): feed times without an offset are local time here;
    /// times are shown in it.
    public private(set) var timeZone: TimeZone
    /// `timezone` as written in the file, e.g. `Asia/Kolkata`.
    public private(set) var timezoneIdentifier: String
    /// `[paths]`, resolved.
    public var paths: Paths
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
    public var reports: ReportsConfig = .defaults
    /// The configured feeds, sorted by name.
    public var feeds: [FeedConfig]

    /// The feed with exactly this name, if configured.
    public func feed(named name: String) -> FeedConfig? {
        feeds.first { $0.name == name }
    }

    // MARK: - Defaults

    public static let defaultTimezone = "Asia/Kolkata"
    public static let defaultGatewayBaseURL = "http://127.0.0.1:8099"
    public static let defaultReturnWindowDays = 30
    public static let defaultGSTRateBasisPoints = 1800
    public static let defaultBatchSize = 5000
    /// `[paths]` keys and their default (relative) values.
    public static let defaultPaths: [(key: String, value: String)] = [
        ("inbox", "inbox"), ("archive", "archive"), ("failed", "failed"), ("outbox", "outbox"),
        ("invoices", "invoices"), ("database", "var/ordrecon.sqlite"),
    ]

    public static let returnWindowRange = 0...3650
    public static let batchSizeRange = 1...1_000_000

    /// The configuration with every key at its default, for a workspace at `workspaceRoot` (absolute).
    public static func defaults(workspaceRoot: String, fileName: String = "config/ordrecon.toml") -> Configuration {
        do {
            return try load(tomlText: "", fileName: fileName, workspaceRoot: workspaceRoot)
        } catch {
            preconditionFailure("defaults must load: \(error)")
        }
    }

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
        let reader = Reader(fileName: fileName, root: document.root)
        try ConfigurationSchema.check(document.root, fileName: fileName)

        // timezone
        let zoneName = try reader.string(["timezone"], default: defaultTimezone, expected: zoneExpectation)
        guard !zoneName.value.isEmpty, let zone = TimeZone(identifier: zoneName.value) else {
            throw reader.invalid(["timezone"], zoneName.source, expected: zoneExpectation)
        }

        // [paths]
        guard isAbsolute(workspaceRoot) else {
            throw ConfigurationError(
                fileName: fileName, keyPath: "", line: nil,
                message: "workspace root must be an absolute path, got \(TOMLTable.quoted(workspaceRoot))")
        }
        let root = normalize(workspaceRoot)
        var resolved: [String: (path: String, source: TOMLValue?)] = [:]
        for (key, fallback) in defaultPaths {
            let expectation = "a path (relative to \(root), or absolute)"
            let text = try reader.string(["paths", key], default: fallback, expected: expectation)
            if let problem = pathProblem(text.value) {
                throw reader.invalid(["paths", key], text.source, expected: expectation, because: problem)
            }
            resolved[key] = (resolve(text.value, against: root), text.source)
        }
        let paths = Paths(
            workspaceRoot: root, inbox: resolved["inbox"]!.path, archive: resolved["archive"]!.path,
            failed: resolved["failed"]!.path, outbox: resolved["outbox"]!.path,
            invoices: resolved["invoices"]!.path, database: resolved["database"]!.path)
        try checkLayout(resolved, reader: reader)

        // [gateway]
        let gateway = try reader.gateway(workspaceRoot: root)

        // [seller]
        let seller = try reader.seller()

        // [returns], [engine]
        let windowDays = try reader.integer(
            ["returns", "window_days"], default: defaultReturnWindowDays, range: returnWindowRange,
            expected: "a whole number of days \(returnWindowRange.lowerBound)...\(returnWindowRange.upperBound)")
        let batchSize = try reader.integer(
            ["engine", "batch_size"], default: defaultBatchSize, range: batchSizeRange,
            expected: "a whole number of events \(batchSizeRange.lowerBound)...\(batchSizeRange.upperBound)")

        // [invoicing]
        let gstRate = try reader.gstRate(["invoicing", "default_gst_rate"], default: defaultGSTRateBasisPoints)
        let writePDFs = try reader.boolean(["invoicing", "write_pdfs"], default: true)

        // [watch], [logging]
        let watch = try reader.watch()
        let logging = try reader.logging()

        // [feeds.*]
        let feeds = try reader.feeds()

        var configuration = Configuration(
            fileName: fileName, timeZone: zone, timezoneIdentifier: zoneName.value, paths: paths,
            gateway: gateway, seller: seller, returnWindowDays: windowDays, defaultGSTRateBasisPoints: gstRate, writePDFs: writePDFs,
            batchSize: batchSize, watch: watch, logging: logging, feeds: feeds)
        configuration.reports = try reader.reports()
        return configuration
    }

    private static let zoneExpectation =
        "an IANA time zone name such as \"Asia/Kolkata\" or \"UTC\" (names are case-sensitive)"

    // MARK: - Paths
    //
    // Paths are split and compared as bytes, as the file system does. String works on
    // characters: a "/" followed by a combining mark (U+0301) or preceded by a prepended
    // concatenation mark (U+0600) is part of another character, so it would not split or prefix
    // there, and canonically equivalent spellings of different names would compare equal.

    private static func pathProblem(_ text: String) -> String? {
        if text.isEmpty { return "the path is empty" }
        if text.unicodeScalars.contains("\0") { return "the path contains a NUL character" }
        if text.utf8.first == UInt8(ascii: "~") { return "'~' is not expanded; write the full path or one relative to the workspace" }
        return nil
    }

    private static func isAbsolute(_ path: String) -> Bool { path.utf8.first == UInt8(ascii: "/") }

    /// The non-empty components of `path`, split at every "/" byte.
    private static func components(_ path: String) -> [String] {
        path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether two paths are the same bytes.
    private static func samePath(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// `path` made absolute against `root` and normalized (no `.`, `..`, `//` or trailing `/`).
    static func resolve(_ path: String, against root: String) -> String {
        isAbsolute(path) ? normalize(path) : normalize(root + "/" + path)
    }

    /// Normalizes an absolute path: removes empty and `.` components, applies `..`.
    static func normalize(_ path: String) -> String {
        var parts: [String] = []
        for part in components(path) {
            if samePath(part, ".") { continue }
            if samePath(part, "..") {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    private static func isInside(_ path: String, _ folder: String) -> Bool {
        samePath(path, folder) || path.utf8.starts(with: (samePath(folder, "/") ? "/" : folder + "/").utf8)
    }

    /// The folders must be distinct; nothing ordrecon writes may live inside the inbox.
    private static func checkLayout(
        _ resolved: [String: (path: String, source: TOMLValue?)], reader: Reader
    ) throws(ConfigurationError) {
        let folders = ["inbox", "archive", "failed", "outbox", "invoices"]
        for (i, a) in folders.enumerated() {
            for b in folders[(i + 1)...] where samePath(resolved[a]!.path, resolved[b]!.path) {
                let which = resolved[b]!.source != nil ? b : a
                throw reader.invalid(
                    ["paths", which], resolved[which]!.source,
                    expected: "a folder of its own",
                    because: "paths.\(a) and paths.\(b) are the same folder \(resolved[a]!.path)")
            }
        }
        let inbox = resolved["inbox"]!.path
        for key in ["archive", "failed", "outbox", "invoices", "database"] {
            let path = resolved[key]!.path
            if isInside(path, inbox) || (key != "database" && isInside(inbox, path)) {
                let which = resolved[key]!.source != nil || resolved["inbox"]!.source == nil ? key : "inbox"
                throw reader.invalid(
                    ["paths", which], resolved[which]!.source,
                    expected: "a location outside the inbox (partners' files only go there)",
                    because: "paths.\(key) (\(path)) and paths.inbox (\(inbox)) overlap")
            }
        }
        // The database may sit in outbox/ or invoices/ (odd but harmless), never in archive/ or
        // failed/ (they hold input files per feed), and it cannot be one of the folders.
        let database = resolved["database"]!.path
        for key in folders {
            let folder = resolved[key]!.path
            let same = samePath(database, folder)
            let clash = same || (["archive", "failed"].contains(key) && isInside(database, folder))
            if clash {
                throw reader.invalid(
                    ["paths", "database"], resolved["database"]!.source,
                    expected: "a file path that is not a folder of the workspace nor inside archive or failed",
                    because: same ? "it is the same as paths.\(key)" : "it lies in paths.\(key) (\(folder))")
            }
        }
    }

    // MARK: - URL

    static func urlProblem(_ text: String) -> String? {
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("http://") {
            scheme = "http://"
        } else if lower.hasPrefix("https://") {
            scheme = "https://"
        } else {
            return "it does not start with http:// or https://"
        }
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "it contains spaces or control characters"
        }
        if text.contains("?") || text.contains("#") {
            return "it has a query or fragment; give only scheme, host, port and path (refunds are sent to <base_url>/refunds)"
        }
        let rest = text.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        let host = authority.split(separator: "@").last.map(String.init) ?? ""
        if host.isEmpty || host.hasPrefix(":") { return "it names no host" }
        if URL(string: text) == nil { return "it is not a valid URL" }
        return nil
    }

    /// The URL with any `user:password@` replaced, for messages.
    static func redactedURL(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<schemeEnd.upperBound]) + "***" + String(text[at...])
    }
}

// MARK: - Reading values

/// Reads typed values from the document, producing errors that name the key, line and value.
struct Reader {
    let fileName: String
    let root: TOMLTable

    func source(_ path: [String]) -> TOMLValue? { root.value(atPath: path) }

    func error(_ path: [String], suffix: String = "", line: Int?, _ message: String) -> ConfigurationError {
        ConfigurationError(
            fileName: fileName, keyPath: TOMLTable.keyPathText(path) + suffix, line: line, message: message)
    }

    /// "expected X, got Y[ because]" for a value (the default, when `value` is nil).
    func invalid(
        _ path: [String], _ value: TOMLValue?, suffix: String = "", expected: String, because: String? = nil
    ) -> ConfigurationError {
        let keyPath = TOMLTable.keyPathText(path)
        var message = "expected \(expected)"
        if let value {
            var shown = ConfigurationValues.describe(value, secret: ConfigurationSchema.isSecret(keyPath))
            if keyPath == "gateway.base_url", let s = value.stringValue {
                shown = TOMLTable.quoted(Configuration.redactedURL(s))
            }
            message += ", got \(shown)"
        } else {
            message += " (the default)"
        }
        if let because { message += ": \(because)" }
        return error(path, suffix: suffix, line: value?.line, message)
    }

    func string(_ path: [String], default fallback: String, expected: String) throws(ConfigurationError)
        -> (value: String, source: TOMLValue?)
    {
        guard let value = source(path) else { return (fallback, nil) }
        guard let text = value.stringValue else {
            let hint = value.integerValue != nil || value.decimalText != nil || value.booleanValue != nil
                ? "strings must be in quotes" : nil
            throw invalid(path, value, expected: expected, because: hint)
        }
        return (text, value)
    }

    func integer(_ path: [String], default fallback: Int, range: ClosedRange<Int>, expected: String)
        throws(ConfigurationError) -> Int
    {
        guard let value = source(path) else { return fallback }
        switch value.kind {
        case .integer(let i):
            guard let n = Int(exactly: i), range.contains(n) else {
                throw invalid(path, value, expected: expected, because: "out of range")
            }
            return n
        case .string(let s):
            let hint = Int(s.trimmingCharacters(in: .whitespaces)) != nil ? "a string; write the number without quotes" : nil
            throw invalid(path, value, expected: expected, because: hint)
        default:
            throw invalid(path, value, expected: expected)
        }
    }

    func boolean(_ path: [String], default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let value = source(path) else { return fallback }
        guard let flag = value.booleanValue else {
            throw invalid(path, value, expected: "true or false (without quotes)")
        }
        return flag
    }

    /// A percent 0...100 with at most 2 fraction digits, as basis points.
    func gstRate(_ path: [String], default fallback: Int) throws(ConfigurationError) -> Int {
        let expected = "a GST percent from 0 to 100 with at most 2 decimals, e.g. 18 or 12.5"
        guard let value = source(path) else { return fallback }
        let text: String
        switch value.kind {
        case .integer(let i): text = String(i)
        case .decimal(let d): text = d
        case .string(let s): text = s
        default: throw invalid(path, value, expected: expected)
        }
        guard let basisPoints = Reader.basisPoints(text), basisPoints <= 10_000 else {
            throw invalid(path, value, expected: expected)
        }
        return basisPoints
    }

    /// `18` → 1800, `12.5` → 1250, `0.25` → 25; `nil` unless plain digits with at most 2 decimals.
    static func basisPoints(_ text: String) -> Int? {
        var whole = 0
        var fraction = 0
        var fractionDigits = 0
        var wholeDigits = 0
        var seenPoint = false
        var body = Substring(text)
        if body.hasPrefix("+") { body = body.dropFirst() }
        for c in body.unicodeScalars {
            switch c {
            case "0"..."9":
                let digit = Int(c.value - 48)
                if seenPoint {
                    fractionDigits += 1
                    if fractionDigits > 2 { return nil }
                    fraction = fraction * 10 + digit
                } else {
                    wholeDigits += 1
                    if wholeDigits > 6 { return nil }
                    whole = whole * 10 + digit
                }
            case ".":
                if seenPoint { return nil }
                seenPoint = true
            default:
                return nil
            }
        }
        if wholeDigits == 0 || (seenPoint && fractionDigits == 0) { return nil }
        if fractionDigits == 1 { fraction *= 10 }
        return whole * 100 + fraction
    }

    func feeds() throws(ConfigurationError) -> [FeedConfig] {
        let feedsKey = ConfigurationSchema.feedsTable
        guard let feedsValue = source([feedsKey]), let table = feedsValue.tableValue else {
            return FeedConfig.defaults
        }
        guard !table.isEmpty else {
            throw error(
                [feedsKey], line: feedsValue.line,
                "no feeds configured; add [feeds.<name>] tables with allow = [...], "
                    + "or remove [feeds] to use the five default feeds")
        }
        var feeds: [FeedConfig] = []
        var lowercasedNames: [String: String] = [:]
        for (name, value) in table.entries {
            let feedPath = [feedsKey, name]
            if let problem = FeedConfig.problem(withName: name) {
                throw error(feedPath, line: value.line, "invalid feed name \(TOMLTable.quoted(name)): \(problem)")
            }
            if let other = lowercasedNames[name.lowercased()] {
                throw error(
                    feedPath, line: value.line,
                    "feed names \(other) and \(name) differ only in case; their folders would clash on some file systems")
            }
            lowercasedNames[name.lowercased()] = name
            let feedTable = value.tableValue ?? TOMLTable()
            guard let allowValue = feedTable["allow"] else {
                if let fallback = FeedConfig.defaultFeed(named: name) {
                    feeds.append(fallback)
                    continue
                }
                throw error(
                    feedPath, line: value.line,
                    "feed \(name) has no allow list; add allow = [\"order:<STATUS>\", \"return:<STATUS>\", ...] "
                        + "(only the default feeds \(FeedConfig.defaults.map(\.name).joined(separator: ", ")) have one built in)")
            }
            let allowPath = feedPath + ["allow"]
            guard let entries = allowValue.arrayValue else {
                throw invalid(
                    allowPath, allowValue, expected: "an array of \"entity:STATUS\" strings, e.g. [\"order:PAID\"]")
            }
            var permissions: [FeedConfig.Permission] = []
            var firstIndex: [FeedConfig.Permission: Int] = [:]
            for (index, entry) in entries.enumerated() {
                let permission = try permission(entry, path: allowPath, index: index)
                if let earlier = firstIndex[permission] {
                    throw error(
                        allowPath, suffix: "[\(index)]", line: entry.line,
                        "\(TOMLTable.quoted(permission.text)) is listed twice (also at allow[\(earlier)])")
                }
                firstIndex[permission] = index
                permissions.append(permission)
            }
            feeds.append(FeedConfig(name: name, permissions: permissions))
        }
        return feeds.sorted { $0.name < $1.name }
    }

    private func permission(_ entry: TOMLValue, path: [String], index: Int) throws(ConfigurationError)
        -> FeedConfig.Permission
    {
        let suffix = "[\(index)]"
        let expected = "\"order:<STATUS>\" or \"return:<STATUS>\""
        guard let text = entry.stringValue else {
            throw invalid(path, entry, suffix: suffix, expected: expected)
        }
        if let permission = FeedConfig.Permission(parsing: text) { return permission }
        let orderNames = OrderStatus.allCases.map(\.rawValue)
        let returnNames = ReturnStatus.allCases.map(\.rawValue)
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        func fail(_ message: String) -> ConfigurationError {
            error(path, suffix: suffix, line: entry.line, message)
        }
        guard parts.count == 2 else {
            let bare = FeedConfig.Permission.trim(Substring(text)).uppercased()
            var hint = ""
            if orderNames.contains(bare) {
                hint = " (did you mean \"order:\(bare)\"?)"
            } else if returnNames.contains(bare) {
                hint = " (did you mean \"return:\(bare)\"?)"
            }
            throw fail("expected \(expected), got \(TOMLTable.quoted(text))\(hint)")
        }
        let entityText = FeedConfig.Permission.trim(parts[0])
        let statusText = FeedConfig.Permission.trim(parts[1]).uppercased()
        guard let entity = Entity(caseInsensitive: entityText) else {
            throw fail(
                "unknown entity \(TOMLTable.quoted(entityText)) in \(TOMLTable.quoted(text)); expected order or return"
                    + ConfigurationSchema.suggestion(entityText, among: ["order", "return"]))
        }
        let (names, otherNames, other) =
            entity == .order ? (orderNames, returnNames, "return") : (returnNames, orderNames, "order")
        var hint = ConfigurationSchema.suggestion(statusText, among: names)
        if hint.isEmpty, otherNames.contains(statusText) {
            hint = " (\(statusText) is \(other == "order" ? "an" : "a") \(other) status: \"\(other):\(statusText)\")"
        }
        throw fail(
            "unknown \(entity.rawValue) status \(TOMLTable.quoted(String(parts[1]))) in \(TOMLTable.quoted(text))\(hint); "
                + "expected one of \(names.joined(separator: ", "))")
    }
}
