import Foundation
import Testing

@testable import OrdreconCore

/// The keys' descriptions, and what is made from them: the default file and the README's table.
@Suite("Configuration: key descriptions and docs")
struct ConfigurationDocsTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyKeyIsDescribedOnceWithADocLine() {
        let keys = ConfigurationSchema.keys
        #expect(Set(keys.map(\.dottedName)).count == keys.count, "a key is read twice")
        for key in keys {
            #expect(!key.doc.isEmpty && !key.doc.contains("\n"), "\(key.dottedName): one line of doc")
            #expect(!key.accepts.isEmpty, "\(key.dottedName)")
        }
        #expect(ConfigurationSchema.names(in: .top) == ["timezone"])
        #expect(ConfigurationSchema.names(in: .feeds) == ["allow"])
        #expect(keys.filter(\.secret).map(\.dottedName) == ["gateway.token"])
        #expect(
            ConfigurationSchema.tableNames == [
                "paths", "store", "gateway", "seller", "returns", "invoicing", "engine", "watch", "logging", "reports",
                "feeds",
            ])
    }

    /// The keys and their order are fixed by the feed contract (and by files in use).
    @Test func theKeysAreTheContractsKeys() {
        let names = ConfigurationSchema.keys.map(\.dottedName)
        #expect(
            names == [
                "timezone",
                "paths.inbox", "paths.archive", "paths.failed", "paths.outbox", "paths.invoices", "paths.database",
                "store.url",
                "gateway.base_url", "gateway.token", "gateway.ca_bundle", "gateway.connect_timeout_ms",
                "gateway.timeout_ms",
                "gateway.max_attempts", "gateway.backoff_initial_ms", "gateway.backoff_max_ms", "gateway.concurrency",
                "gateway.max_requests_per_second", "gateway.give_up_after_hours",
                "seller.name", "seller.address", "seller.gstin", "seller.state",
                "returns.window_days", "invoicing.default_gst_rate", "invoicing.write_pdfs", "engine.batch_size",
                "watch.poll", "watch.settle_ms", "watch.rescan_seconds", "watch.metrics_port", "watch.metrics_address",
                "logging.format", "logging.level",
                "reports.watch_every_minutes", "reports.watch_every_files", "reports.keep_days",
                "feeds.<name>.allow",
            ])
    }

    /// Each described default is what a missing key gives.
    @Test func describedDefaultsAreTheLoadedDefaults() throws {
        var text = ""
        for table in ConfigTable.allCases where table != .feeds {
            if table != .top { text += "[\(table.rawValue)]\n" }
            for key in ConfigurationSchema.keys(in: table) {
                let value = try #require(key.defaultValue, "\(key.dottedName)")
                text += "\(key.name) = \(ConfigurationDocs.literal(value))\n"
            }
        }
        let written = try Configuration.load(tomlText: text, fileName: "f.toml", workspaceRoot: "/srv/shop")
        #expect(written == Configuration.defaults(workspaceRoot: "/srv/shop", fileName: "f.toml"))
    }

    @Test func percentDefaultsAreWrittenAsNumbers() {
        #expect(TableReader.percentText(1250) == "12.5")
        #expect(TableReader.percentText(25) == "0.25")
        #expect(TableReader.percentText(505) == "5.05")
        #expect(TableReader.percentText(1800) == "18")
    }

    /// README.md's table of keys and docs/feed-contract.md's table of the default feeds are the
    /// generated ones. After changing a key or a default feed, regenerate them:
    /// `swift run ordrecon config-docs --update README.md --update docs/feed-contract.md`.
    @Test(arguments: [
        ("README.md", ConfigurationDocs.tableHeader), ("docs/feed-contract.md", ConfigurationDocs.feedTableHeader),
    ])
    func generatedTablesAreUpToDate(file: String, header: String) throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent(file), encoding: .utf8)
        #expect(text.split(separator: "\n").contains(Substring(header)), "\(file) has no line \(header)")
        let updated = try #require(Configuration.updatingGeneratedTables(in: text))
        #expect(
            updated == text,
            "\(file): a table made from the configuration's descriptions is stale; run `swift run ordrecon config-docs --update \(file)`"
        )
    }

    @Test func theTablesHaveARowPerKeyAndFeed() {
        let table = Configuration.keyTableMarkdown
        let rows = table.split(separator: "\n")
        #expect(rows.count == ConfigurationSchema.keys.count + 2)
        #expect(rows.dropFirst(2).allSatisfy { $0.hasPrefix("| `") && $0.hasSuffix(" |") })
        #expect(table.contains("| `gateway.token` | string, secret (never shown) | `\"\"` |"))
        #expect(table.contains("| `watch.metrics_port` | integer | `0` | a TCP port 1...65535, or 0 for none |"))
        #expect(ConfigurationDocs.feedTable().contains("| `payments` | `order:PAID` |"))
        let text = "# t\n\n\(ConfigurationDocs.tableHeader)\n| old |\n\nafter\n\(ConfigurationDocs.feedTableHeader)\n"
        let replaced = Configuration.updatingGeneratedTables(in: text)
        #expect(replaced == "# t\n\n" + table + "\nafter\n" + ConfigurationDocs.feedTable())
        #expect(Configuration.updatingGeneratedTables(in: "no table\n") == nil)
    }
}
