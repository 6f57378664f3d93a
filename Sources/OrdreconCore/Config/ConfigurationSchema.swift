/// Every table and key `config/ordrecon.toml` may contain — the one place to add new ones.
///
/// Anything not listed here is an error, so a typo never passes silently. To add a setting:
/// list its key here (in its table, adding the table if new), read and validate it in
/// `Configuration.load`, and show it at its default in `Configuration.defaultFileText`.
enum ConfigurationSchema {
    /// Keys at the top level (outside any table).
    static let rootKeys: [String] = ["timezone"]

    /// Fixed tables and their keys, in the order they appear in the default file.
    static let tables: [(name: String, keys: [String])] = [
        ("paths", ["inbox", "archive", "failed", "outbox", "invoices", "database"]),
        (
            "gateway",
            [
                "base_url", "token", "ca_bundle", "connect_timeout_ms", "timeout_ms", "max_attempts",
                "backoff_initial_ms", "backoff_max_ms", "concurrency", "max_requests_per_second", "give_up_after_hours",
            ]
        ),
        ("seller", ["name", "address", "gstin", "state"]),
        ("returns", ["window_days"]),
        ("invoicing", ["default_gst_rate", "write_pdfs"]),
        ("engine", ["batch_size"]),
        ("watch", ["poll", "settle_ms", "rescan_seconds", "metrics_port", "metrics_address"]),
        ("logging", ["format", "level"]),
        ("reports", ["watch_every_minutes", "watch_every_files", "keep_days"]),
    ]

    /// The table holding one sub-table per feed, `[feeds.<name>]`.
    static let feedsTable = "feeds"

    /// Keys of each `[feeds.<name>]` table.
    static let feedKeys: [String] = ["allow"]

    /// Dotted key paths whose values are secret: messages never show them.
    static let secretKeyPaths: Set<String> = ["gateway.token"]

    static func keys(ofTable name: String) -> [String]? {
        tables.first { $0.name == name }?.keys
    }

    /// Names of all top-level tables, for messages.
    static var tableNames: [String] { tables.map(\.name) + [feedsTable] }

    static func isSecret(_ keyPath: String) -> Bool { secretKeyPaths.contains(keyPath) }

    /// Checks that the document holds only known tables and keys, and that tables are tables.
    static func check(_ root: TOMLTable, fileName: String) throws(ConfigurationError) {
        func fail(_ path: [String], _ value: TOMLValue, _ message: String) -> ConfigurationError {
            ConfigurationError(fileName: fileName, keyPath: TOMLTable.keyPathText(path), line: value.line, message: message)
        }
        for (key, value) in root.entries {
            if rootKeys.contains(key) { continue }
            let tableKeys: [String]?
            if key == feedsTable {
                tableKeys = nil
            } else if let keys = keys(ofTable: key) {
                tableKeys = keys
            } else {
                let known = "known top-level keys: \(rootKeys.joined(separator: ", ")); known tables: "
                    + tableNames.map { "[\($0)]" }.joined(separator: ", ")
                let what = value.tableValue != nil ? "unknown table [\(TOMLTable.keyText(key))]" : "unknown key"
                throw fail([key], value, what + suggestion(key, among: rootKeys + tableNames) + "; " + known)
            }
            guard let table = value.tableValue else {
                throw fail([key], value, "expected a table [\(key)], got \(ConfigurationValues.describe(value, secret: false))")
            }
            if let tableKeys {
                for (subkey, subvalue) in table.entries where !tableKeys.contains(subkey) {
                    throw fail(
                        [key, subkey], subvalue,
                        "unknown key" + suggestion(subkey, among: tableKeys) + "; known keys in [\(key)]: "
                            + tableKeys.joined(separator: ", "))
                }
            } else {
                for (feed, feedValue) in table.entries {
                    guard let feedTable = feedValue.tableValue else {
                        throw fail(
                            [key, feed], feedValue,
                            "expected a table [\(TOMLTable.keyPathText([key, feed]))] for feed \(feed), got "
                                + ConfigurationValues.describe(feedValue, secret: false))
                    }
                    for (subkey, subvalue) in feedTable.entries where !feedKeys.contains(subkey) {
                        throw fail(
                            [key, feed, subkey], subvalue,
                            "unknown key" + suggestion(subkey, among: feedKeys) + "; known keys in a feed table: "
                                + feedKeys.joined(separator: ", "))
                    }
                }
            }
        }
    }

    /// ` (did you mean "x"?)` when a known name is close to `name`, else empty.
    static func suggestion(_ name: String, among candidates: [String]) -> String {
        guard let best = closest(to: name, among: candidates) else { return "" }
        return " (did you mean \(best)?)"
    }

    /// The candidate within a small edit distance of `name` (case-insensitive), if any.
    static func closest(to name: String, among candidates: [String]) -> String? {
        let lowered = Array(name.lowercased().unicodeScalars)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, Array(candidate.lowercased().unicodeScalars))
            let limit = max(2, min(3, candidate.unicodeScalars.count / 3))
            if distance <= limit, best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        return best?.0
    }

    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Describing values in messages.
enum ConfigurationValues {
    /// The value as the user wrote it, for "got ..." in messages; secrets are not shown.
    static func describe(_ value: TOMLValue, secret: Bool) -> String {
        if secret { return "\(value.typeNameWithArticle) (value not shown)" }
        switch value.kind {
        case .string(let s):
            let shown = s.unicodeScalars.count > 100 ? String(String.UnicodeScalarView(s.unicodeScalars.prefix(100))) + "..." : s
            return TOMLTable.quoted(shown)
        case .integer(let i): return String(i)
        case .decimal(let d): return d
        case .boolean(let b): return b ? "true" : "false"
        case .array(let a): return a.isEmpty ? "an empty array" : "an array of \(a.count) value\(a.count == 1 ? "" : "s")"
        case .table: return "a table"
        }
    }
}
