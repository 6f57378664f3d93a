import Foundation

/// What is written about the configuration for people, made from the keys' descriptions
/// (``ConfigurationSchema/keys``): the default file `ordrecon init` writes, and the README's
/// table of keys.
enum ConfigurationDocs {
    /// The default file: a header, then every key at its default under its comment, table by
    /// table, then the five default feeds.
    static func defaultFile() -> String {
        var lines = comment([
            "ordrecon configuration.",
            "",
            "Every key is shown at its default; a key left out takes its default. Unknown keys and",
            "tables are errors, so a typo never passes silently. Relative paths are taken from the",
            "folder that holds config/, so a copied workspace runs from anywhere.",
        ])
        for table in ConfigTable.allCases {
            let keys = ConfigurationSchema.keys(in: table)
            lines.append("")
            switch table {
            case .top:
                break
            case .feeds:
                for key in keys { lines += comment(key.comment) }
                for feed in FeedConfig.contractDefaults {
                    let allow = TOMLValue.Kind.array(feed.allowList.map { TOMLValue(.string($0), line: 0, column: 0) })
                    lines += [
                        "", "[\(TOMLTable.keyPathText([table.rawValue, feed.name]))]", "allow = " + literal(allow),
                    ]
                }
                continue
            default:
                lines.append("[\(table.rawValue)]")
            }
            for key in keys {
                lines += comment(key.comment)
                lines.append(TOMLTable.keyText(key.name) + " = " + (key.defaultValue.map(literal) ?? "[]"))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func comment(_ lines: [String]) -> [String] {
        lines.map { $0.isEmpty ? "#" : "# " + $0 }
    }

    /// A value as TOML writes it.
    static func literal(_ kind: TOMLValue.Kind) -> String {
        switch kind {
        case .string(let s): TOMLTable.quoted(s)
        case .integer(let i): String(i)
        case .decimal(let d): d
        case .boolean(let b): b ? "true" : "false"
        case .array(let values): "[" + values.map { literal($0.kind) }.joined(separator: ", ") + "]"
        case .table(let table):
            "{ "
                + table.entries.map { TOMLTable.keyText($0.key) + " = " + literal($0.value.kind) }.joined(
                    separator: ", ") + " }"
        }
    }

    // MARK: - Markdown tables

    /// The first line of the README's table of keys; a table runs to the first line that is not a row.
    static let tableHeader = "| key | type | default | accepts | what |"

    /// The first line of the feed contract's table of the default feeds.
    static let feedTableHeader = "| feed | may send |"

    /// The README's table of keys, one row per key in the order of the default file.
    static func markdownTable() -> String {
        var rows = [tableHeader, "|---|---|---|---|---|"]
        for key in ConfigurationSchema.keys {
            let type = key.kind.typeName + (key.secret ? ", secret (never shown)" : "")
            let fallback =
                key.defaultValue.map { "`" + cell(literal($0)) + "`" } ?? "the contract's, for the five default feeds"
            rows.append(
                "| `\(cell(key.dottedName))` | \(type) | \(fallback) | \(plainText(key.accepts(workspaceRoot: "the workspace folder"))) | \(cell(key.doc)) |"
            )
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// The feed contract's table of the five default feeds and what each may send.
    static func feedTable() -> String {
        var rows = [feedTableHeader, "|---|---|"]
        for feed in FeedConfig.contractDefaults {
            rows.append("| `\(feed.name)` | " + feed.allowList.map { "`\($0)`" }.joined(separator: ", ") + " |")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// `text` with each generated table it holds (found by its header row) replaced by the
    /// current one; nil when it holds none.
    static func updatingTables(in text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found = false
        for table in [markdownTable(), feedTable()] {
            let rows = table.split(separator: "\n").map(String.init)
            guard let header = rows.first, let start = lines.firstIndex(of: header) else { continue }
            found = true
            let end = lines[start...].firstIndex { !$0.hasPrefix("|") } ?? lines.endIndex
            lines.replaceSubrange(start..<end, with: rows)
        }
        return found ? lines.joined(separator: "\n") : nil
    }

    /// Text for a table cell: `|` escaped (GitHub splits cells at it, even inside code spans).
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }

    /// Text that is not Markdown, for a table cell: characters Markdown would take as markup escaped.
    private static func plainText(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\`*_<>|".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

extension Configuration {
    /// A complete, commented `config/ordrecon.toml` with every key at its default.
    ///
    /// `ordrecon init` writes it; the repository's own `config/ordrecon.toml` is this text.
    /// Loading it gives exactly ``defaults(workspaceRoot:)``.
    public static let defaultFileText = ConfigurationDocs.defaultFile()

    /// The README's table of configuration keys (Markdown), made from the keys' descriptions.
    public static var keyTableMarkdown: String { ConfigurationDocs.markdownTable() }

    /// `text` (README.md, docs/feed-contract.md) with the tables made from the keys'
    /// descriptions brought up to date: the table of keys, the default feeds; each is found by
    /// its header row. Nil when `text` holds none of them.
    public static func updatingGeneratedTables(in text: String) -> String? {
        ConfigurationDocs.updatingTables(in: text)
    }
}
