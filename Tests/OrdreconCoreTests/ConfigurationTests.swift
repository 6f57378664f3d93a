import Foundation
import Testing

@testable import OrdreconCore

private let root = "/srv/shop"
private let file = "config/ordrecon.toml"

private func load(_ text: String, workspaceRoot: String = root) throws(ConfigurationError) -> Configuration {
    try Configuration.load(tomlText: text, fileName: file, workspaceRoot: workspaceRoot)
}

@Suite("Configuration: defaults")
struct ConfigurationDefaultTests {
    @Test func emptyFileGivesEveryDefault() throws {
        let config = try load("")
        #expect(config.fileName == file)
        #expect(config.timezoneIdentifier == "Asia/Kolkata")
        #expect(config.timeZone.identifier == "Asia/Kolkata")
        #expect(config.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 19_800)
        #expect(
            config.paths
                == Configuration.Paths(
                    workspaceRoot: "/srv/shop", inbox: "/srv/shop/inbox", archive: "/srv/shop/archive",
                    failed: "/srv/shop/failed", outbox: "/srv/shop/outbox", invoices: "/srv/shop/invoices",
                    database: "/srv/shop/var/ordrecon.sqlite"))
        #expect(config.gatewayBaseURL == "http://127.0.0.1:8099")
        #expect(config.returnWindowDays == 30)
        #expect(config.defaultGSTRateBasisPoints == 1800)
        #expect(config.batchSize == 50_000)
        #expect(config.feeds.map(\.name) == ["carrier", "payments", "returns-desk", "storefront", "warehouse"])
        #expect(
            config.feed(named: "storefront")?.allowList == [
                "order:PENDING_PAYMENT", "order:CANCELLED", "return:REQUESTED",
            ])
        #expect(config.feed(named: "payments")?.allowList == ["order:PAID"])
        #expect(
            config.feed(named: "warehouse")?.allowList == [
                "order:PROCESSING_IN_WAREHOUSE", "order:SHIPPED", "return:RECEIVED",
            ])
        #expect(config.feed(named: "carrier")?.allowList == ["order:DELIVERED", "return:IN_TRANSIT"])
        #expect(
            config.feed(named: "returns-desk")?.allowList == ["return:APPROVED", "return:REJECTED", "return:COMPLETED"])
        #expect(config.feed(named: "Storefront") == nil)
        #expect(config == Configuration.defaults(workspaceRoot: root))
    }

    @Test func defaultFileTextParsesToExactlyTheDefaults() throws {
        let fromText = try load(Configuration.defaultFileText)
        #expect(fromText == Configuration.defaults(workspaceRoot: root))
        // Every known key appears in the default text, so the text documents all of them.
        let document = try TOMLDocument(parsing: Configuration.defaultFileText)
        for key in ConfigurationSchema.keys(in: .top) { #expect(document[key.name] != nil, "\(key.name)") }
        for table in ConfigTable.fixed {
            for key in ConfigurationSchema.keys(in: table) {
                #expect(document[table.rawValue, key.name] != nil, "\(key.dottedName)")
            }
        }
        #expect(document["feeds"]?.tableValue?.keys.sorted() == FeedConfig.defaults.map(\.name))
    }

    @Test func repositoryConfigFileEqualsDefaultFileText() throws {
        let testFile = URL(fileURLWithPath: #filePath)
        let repository = testFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let configURL = repository.appendingPathComponent("config/ordrecon.toml")
        let text = try String(contentsOf: configURL, encoding: .utf8)
        #expect(
            text == Configuration.defaultFileText,
            "config/ordrecon.toml is stale: swift run ordrecon config-docs --default-file > config/ordrecon.toml")
        #expect(text.hasSuffix("]\n"))
    }

    @Test func sectionsWithoutKeysKeepDefaults() throws {
        let config = try load("[paths]\n[gateway]\n[returns]\n[invoicing]\n[engine]\n")
        #expect(config == Configuration.defaults(workspaceRoot: root))
    }
}

@Suite("Configuration: values")
struct ConfigurationValueTests {
    @Test func everyKeySet() throws {
        let config = try load(
            """
            timezone = "UTC"
            [paths]
            inbox = "drop"
            archive = "/data/archive/"
            failed = "./bad/../failed"
            outbox = "out//going"
            invoices = "../shared/invoices"
            database = "/var/lib/ordrecon/db.sqlite"
            [gateway]
            base_url = "https://pay.example.com/api/"
            [returns]
            window_days = 0
            [invoicing]
            default_gst_rate = 12.5
            [engine]
            batch_size = 1_000_000
            """)
        #expect(config.timezoneIdentifier == "UTC")
        #expect(config.timeZone.secondsFromGMT() == 0)
        #expect(config.paths.inbox == "/srv/shop/drop")
        #expect(config.paths.archive == "/data/archive")
        #expect(config.paths.failed == "/srv/shop/failed")
        #expect(config.paths.outbox == "/srv/shop/out/going")
        #expect(config.paths.invoices == "/srv/shared/invoices")
        #expect(config.paths.database == "/var/lib/ordrecon/db.sqlite")
        #expect(config.gatewayBaseURL == "https://pay.example.com/api")
        #expect(config.returnWindowDays == 0)
        #expect(config.defaultGSTRateBasisPoints == 1250)
        #expect(config.batchSize == 1_000_000)
    }

    @Test func pathResolution() throws {
        #expect(Configuration.resolve("inbox", against: "/a/b") == "/a/b/inbox")
        #expect(Configuration.resolve("/abs/x/", against: "/a/b") == "/abs/x")
        #expect(Configuration.resolve("../../../up", against: "/a/b") == "/up")
        #expect(Configuration.resolve("./x/./y/../z", against: "/a") == "/a/x/z")
        #expect(Configuration.normalize("/") == "/")
        #expect(Configuration.normalize("//a//b/") == "/a/b")
        let trailing = try load("", workspaceRoot: "/srv/shop/")
        #expect(trailing.paths.workspaceRoot == "/srv/shop")
        #expect(trailing.paths.inbox == "/srv/shop/inbox")
        let fromRoot = try load("", workspaceRoot: "/")
        #expect(fromRoot.paths.inbox == "/inbox")
    }

    @Test func feedFolderHelpers() {
        let paths = Configuration.defaults(workspaceRoot: root).paths
        #expect(paths.inbox(feed: "carrier") == "/srv/shop/inbox/carrier")
        #expect(paths.archive(feed: "carrier") == "/srv/shop/archive/carrier")
        #expect(paths.failed(feed: "carrier") == "/srv/shop/failed/carrier")
        #expect(paths.refundsOutbox == "/srv/shop/outbox/refunds")
        #expect(paths.rejections(feed: "carrier") == "/srv/shop/outbox/rejections/carrier")
    }

    @Test func workspaceRootForConfigFile() {
        #expect(Configuration.workspaceRoot(forConfigFile: "/srv/shop/config/ordrecon.toml") == "/srv/shop")
        #expect(Configuration.workspaceRoot(forConfigFile: "/config/ordrecon.toml") == "/")
        #expect(Configuration.workspaceRoot(forConfigFile: "config/ordrecon.toml") == ".")
    }

    @Test(arguments: [
        ("18", 1800), ("0", 0), ("100", 10000), ("12.5", 1250), ("0.25", 25), ("5.05", 505), ("\"12.50\"", 1250),
        ("\"28\"", 2800), ("100.00", 10000),
    ])
    func gstRates(text: String, basisPoints: Int) throws {
        #expect(try load("[invoicing]\ndefault_gst_rate = \(text)").defaultGSTRateBasisPoints == basisPoints)
    }

    @Test func windowAndBatchBounds() throws {
        #expect(try load("[returns]\nwindow_days = 3650").returnWindowDays == 3650)
        #expect(try load("[engine]\nbatch_size = 1").batchSize == 1)
    }

    @Test func inlineAndDottedFormsAreAccepted() throws {
        let config = try load(
            """
            returns.window_days = 7
            paths = { inbox = "in", database = "db/x.sqlite" }
            feeds.carrier = {}
            feeds.payments.allow = ["order:paid"]
            """)
        #expect(config.returnWindowDays == 7)
        #expect(config.paths.inbox == "/srv/shop/in")
        #expect(config.paths.database == "/srv/shop/db/x.sqlite")
        #expect(config.feeds.map(\.name) == ["carrier", "payments"])
        #expect(config.feed(named: "carrier")?.allowList == ["order:DELIVERED", "return:IN_TRANSIT"])
    }
}

@Suite("Configuration: feeds")
struct ConfigurationFeedTests {
    @Test func listedFeedsReplaceTheDefaults() throws {
        let config = try load(
            """
            [feeds.warehouse]
            allow = ["Order:shipped", " return : received "]

            [feeds.marketplace_2]
            allow = [
              "order:PENDING_PAYMENT",
              "ORDER:Paid",
            ]

            [feeds."a.b-c"]
            allow = []
            """)
        #expect(config.feeds.map(\.name) == ["a.b-c", "marketplace_2", "warehouse"])
        let warehouse = try #require(config.feed(named: "warehouse"))
        #expect(warehouse.allowList == ["order:SHIPPED", "return:RECEIVED"])
        #expect(warehouse.allowSet == ["order:SHIPPED", "return:RECEIVED"])
        #expect(warehouse.allows(entity: .order, status: "shipped"))
        #expect(warehouse.allows(entity: .order, status: "SHIPPED"))
        #expect(warehouse.allows(entity: .return, status: "Received"))
        #expect(!warehouse.allows(entity: .order, status: "PROCESSING_IN_WAREHOUSE"))
        #expect(!warehouse.allows(entity: .return, status: "SHIPPED"))
        #expect(!warehouse.allows(entity: .order, status: "RECEIVED"))
        #expect(!warehouse.allows(entity: .order, status: "nonsense"))
        #expect(warehouse.allows(.order(.shipped)))
        #expect(!warehouse.allows(.return(.completed)))
        #expect(config.feed(named: "marketplace_2")?.allowList == ["order:PENDING_PAYMENT", "order:PAID"])
        let closed = try #require(config.feed(named: "a.b-c"))
        #expect(closed.allowList.isEmpty)
        #expect(!closed.allows(entity: .order, status: "PAID"))
        #expect(config.feed(named: "carrier") == nil)
    }

    @Test func listedDefaultFeedWithoutAllowKeepsItsDefault() throws {
        let config = try load("[feeds.carrier]\n[feeds.storefront]\nallow = [\"order:PENDING_PAYMENT\"]")
        #expect(config.feeds.map(\.name) == ["carrier", "storefront"])
        #expect(config.feed(named: "carrier") == FeedConfig.defaultFeed(named: "carrier"))
        #expect(config.feed(named: "storefront")?.allowList == ["order:PENDING_PAYMENT"])
    }

    @Test func permissionParsing() {
        #expect(FeedConfig.Permission(parsing: "order:PAID") == .order(.paid))
        #expect(FeedConfig.Permission(parsing: "RETURN:in_transit") == .return(.inTransit))
        #expect(FeedConfig.Permission(parsing: "order:REQUESTED") == nil)
        #expect(FeedConfig.Permission(parsing: "PAID") == nil)
        #expect(FeedConfig.Permission(parsing: "order:") == nil)
        #expect(FeedConfig.Permission.return(.completed).text == "return:COMPLETED")
        #expect(FeedConfig.Permission.order(.paid).entity == .order)
    }

    @Test func feedNames() {
        #expect(FeedConfig.problem(withName: "returns-desk") == nil)
        #expect(FeedConfig.problem(withName: "a.b_C-9") == nil)
        #expect(FeedConfig.problem(withName: "") != nil)
        #expect(FeedConfig.problem(withName: ".hidden") != nil)
        #expect(FeedConfig.problem(withName: "..") != nil)
        #expect(FeedConfig.problem(withName: "a/b") != nil)
        #expect(FeedConfig.problem(withName: "a b") != nil)
        #expect(FeedConfig.problem(withName: "café") != nil)
    }
}
