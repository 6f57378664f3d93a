/// Every table and key `config/ordrecon.toml` may contain, and the check that a file holds no other.
///
/// Each key is described once, where it is read (the `init(_: TableReader)` of its section's
/// struct, or ``Configuration/read(_:workspaceRoot:)``); ``keys`` collects those descriptions by
/// reading an empty document. Anything not described is an error, so a typo never passes
/// silently. To add a setting: add the property to its struct and read it there with its
/// description; the checks, the default file and the README's table follow.
enum ConfigurationSchema {
    /// Every key, in the order the default file shows them.
    static let keys: [ConfigKey] = {
        let recorder = KeyRecorder()
        let empty = ConfigFileReader(fileName: "(the defaults)", document: TOMLTable(), recorder: recorder)
        do {
            _ = try Configuration.read(empty, workspaceRoot: "/")
        } catch {
            preconditionFailure("the defaults must load: \(error)")
        }
        return ConfigTable.allCases.flatMap { table in recorder.keys.filter { $0.table == table } }
    }()

    /// The keys of `table`, in the order the default file shows them.
    static func keys(in table: ConfigTable) -> [ConfigKey] { keys.filter { $0.table == table } }

    /// The names of the keys of `table`.
    static func names(in table: ConfigTable) -> [String] { keys(in: table).map(\.name) }

    /// Names of all top-level tables, for messages.
    static var tableNames: [String] { (ConfigTable.fixed + [.feeds]).map(\.rawValue) }

    /// Checks that the document holds only known tables and keys, and that tables are tables.
    static func check(_ root: TOMLTable, fileName: String) throws(ConfigurationError) {
        func fail(_ path: [String], _ value: TOMLValue, _ message: String) -> ConfigurationError {
            ConfigurationError(
                fileName: fileName, keyPath: TOMLTable.keyPathText(path), line: value.line, message: message)
        }
        let rootKeys = names(in: .top)
        for (key, value) in root.entries {
            if rootKeys.contains(key) { continue }
            guard let table = ConfigTable(rawValue: key), table != .top else {
                let known =
                    "known top-level keys: \(rootKeys.joined(separator: ", ")); known tables: "
                    + tableNames.map { "[\($0)]" }.joined(separator: ", ")
                let what = value.tableValue != nil ? "unknown table [\(TOMLTable.keyText(key))]" : "unknown key"
                throw fail([key], value, what + suggestion(key, among: rootKeys + tableNames) + "; " + known)
            }
            guard let values = value.tableValue else {
                throw fail(
                    [key], value, "expected a table [\(key)], got \(ConfigurationValues.describe(value, secret: false))"
                )
            }
            let tableKeys = names(in: table)
            if table != .feeds {
                for (subkey, subvalue) in values.entries where !tableKeys.contains(subkey) {
                    throw fail(
                        [key, subkey], subvalue,
                        "unknown key" + suggestion(subkey, among: tableKeys) + "; known keys in [\(key)]: "
                            + tableKeys.joined(separator: ", "))
                }
                continue
            }
            for (feed, feedValue) in values.entries {
                guard let feedTable = feedValue.tableValue else {
                    throw fail(
                        [key, feed], feedValue,
                        "expected a table [\(TOMLTable.keyPathText([key, feed]))] for feed \(feed), got "
                            + ConfigurationValues.describe(feedValue, secret: false))
                }
                for (subkey, subvalue) in feedTable.entries where !tableKeys.contains(subkey) {
                    throw fail(
                        [key, feed, subkey], subvalue,
                        "unknown key" + suggestion(subkey, among: tableKeys) + "; known keys in a feed table: "
                            + tableKeys.joined(separator: ", "))
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
            if distance <= limit, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
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
            let shown =
                s.unicodeScalars.count > 100
                ? String(String.UnicodeScalarView(s.unicodeScalars.prefix(100))) + "..." : s
            return TOMLTable.quoted(shown)
        case .integer(let i): return String(i)
        case .decimal(let d): return d
        case .boolean(let b): return b ? "true" : "false"
        case .array(let a):
            return a.isEmpty ? "an empty array" : "an array of \(a.count) value\(a.count == 1 ? "" : "s")"
        case .table: return "a table"
        }
    }
}
