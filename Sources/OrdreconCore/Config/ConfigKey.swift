import Foundation

/// Where a key of `config/ordrecon.toml` lives, in the order the default file shows them.
enum ConfigTable: String, CaseIterable, Sendable {
    /// Keys outside any table (`timezone`).
    case top = ""
    case paths, store, gateway, seller, returns, invoicing, engine, watch, logging, reports
    /// The keys of each `[feeds.<name>]` table.
    case feeds

    /// The fixed tables, as written in headers and messages (not the top level, not `feeds`).
    static var fixed: [ConfigTable] { allCases.filter { $0 != .top && $0 != .feeds } }
}

/// What a key's value is, as its reader checks it.
enum ConfigValueKind: Sendable, Equatable {
    /// A string its reader checks further (a zone name, a GSTIN, ...).
    case string
    /// A string that is a path, relative to the workspace or absolute.
    case path
    /// An http:// or https:// URL; messages hide any `user:password@` in it.
    case url
    /// Where the store is (`sqlite:<path>`, `postgresql://…`); messages hide any password in it.
    case storeURL
    /// A whole number in this range.
    case integer(ClosedRange<Int>)
    /// `true` or `false`.
    case boolean
    /// One of these strings.
    case choice([String])
    /// A percent 0 to 100 with at most 2 decimals (a number, or a number in a string).
    case percent
    /// An array of strings, with this many elements.
    case strings(ClosedRange<Int>)
    /// An array of `"entity:STATUS"` strings (a feed's `allow`).
    case permissions

    /// The type as the README names it.
    var typeName: String {
        switch self {
        case .string, .path, .url, .storeURL, .choice: "string"
        case .integer: "integer"
        case .boolean: "boolean"
        case .percent: "number"
        case .strings, .permissions: "array of strings"
        }
    }
}

/// Everything about one key of `config/ordrecon.toml`, given once, where the key is read.
///
/// Its reader (``TableReader``) checks the value against it and names the key in errors; the
/// default file (``Configuration/defaultFileText``), the README's table of keys
/// (``ConfigurationDocs``) and the check for unknown keys (``ConfigurationSchema``) are made
/// from these descriptions.
struct ConfigKey: Sendable, Equatable {
    var table: ConfigTable
    var name: String
    var kind: ConfigValueKind
    /// What is accepted, as messages say it after "expected", e.g. "a whole number of days 0...3650";
    /// ``workspace`` stands for the workspace folder (see ``accepts(workspaceRoot:)``).
    var accepts: String
    /// The value a missing key takes, as the default file writes it; nil when there is no single
    /// default (a feed's `allow`: the five default feeds each have their own).
    var defaultValue: TOMLValue.Kind?
    /// One line for the README's table of keys.
    var doc: String
    /// The comment lines written above the key in the default file (without `# `); empty for none.
    var comment: [String] = []
    /// Messages never show the value.
    var secret = false

    /// Written in ``accepts`` where the workspace folder goes.
    static let workspace = "<workspace>"

    /// ``accepts`` with the workspace folder filled in: its path in messages, words in docs.
    func accepts(workspaceRoot: String) -> String {
        accepts.replacingOccurrences(of: Self.workspace, with: workspaceRoot)
    }

    /// The key as messages and the README name it: `timezone`, `gateway.token`, `feeds.<name>.allow`.
    var dottedName: String {
        switch table {
        case .top: name
        case .feeds: "feeds.<name>." + name
        default: table.rawValue + "." + name
        }
    }
}

/// Collects the descriptions of the keys as a reading of the document meets them.
///
/// ``ConfigurationSchema/keys`` reads an empty document once with a recorder: every key is read
/// (missing keys take their default), so every key is described.
final class KeyRecorder {
    private(set) var keys: [ConfigKey] = []

    func record(_ key: ConfigKey) { keys.append(key) }
}
