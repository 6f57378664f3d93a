import Foundation
import Testing

@testable import OrdreconCore

private let root = "/srv/shop"
private let file = "config/ordrecon.toml"

private func load(_ text: String, workspaceRoot: String = root) throws(ConfigurationError) -> Configuration {
    try Configuration.load(tomlText: text, fileName: file, workspaceRoot: workspaceRoot)
}

/// Loads `text`, expecting a ConfigurationError; returns it (fails the test if none).
private func loadError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigurationError? {
    do {
        _ = try load(text)
        Issue.record("expected a configuration error", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("Configuration: errors")
struct ConfigurationErrorTests {
    @Test func descriptionFormat() throws {
        let e = try #require(loadError("# header\n\n[returns]\nwindow_days = \"thirty\""))
        #expect(e.fileName == file)
        #expect(e.keyPath == "returns.window_days")
        #expect(e.line == 4)
        #expect(e.column == nil)
        #expect(
            e.description
                == #"config/ordrecon.toml:4: returns.window_days: expected a whole number of days 0...3650, got "thirty""#
        )
        let noLine = ConfigurationError(fileName: "f.toml", keyPath: "", line: nil, message: "m")
        #expect(noLine.description == "f.toml: m")
    }

    @Test func syntaxErrorsCarryLineAndColumn() throws {
        let e = try #require(loadError("timezone = \"UTC\"\n[returns]\nwindow_days = \"30\nx = 1"))
        #expect(e.line == 3)
        #expect(e.column == 15)
        #expect(e.keyPath == "")
        #expect(e.description.hasPrefix("config/ordrecon.toml:3:15: string is not closed"))
    }

    @Test func redefinitionIsAnError() throws {
        let key = try #require(loadError("[returns]\nwindow_days = 10\nwindow_days = 20"))
        #expect(key.keyPath == "returns.window_days")
        #expect(key.line == 3)
        let table = try #require(loadError("[feeds.carrier]\nallow = []\n[feeds.carrier]\n"))
        #expect(table.keyPath == "feeds.carrier")
        #expect(table.line == 3)
    }

    @Test func unknownTopLevelKey() throws {
        let e = try #require(loadError("timezone = \"UTC\"\ntimezon = \"UTC\""))
        #expect(e.keyPath == "timezon")
        #expect(e.line == 2)
        #expect(e.message.contains("unknown key"))
        #expect(e.message.contains("did you mean timezone?"))
    }

    @Test func unknownTable() throws {
        let e = try #require(loadError("\n[vendor]\nname = \"x\""))
        #expect(e.keyPath == "vendor")
        #expect(e.line == 2)
        #expect(e.message.contains("unknown table [vendor]"))
        #expect(e.message.contains("[paths]"))
        let typo = try #require(loadError("[path]\ninbox = \"x\""))
        #expect(typo.message.contains("did you mean paths?"))
    }

    @Test func unknownKeyInTable() throws {
        let e = try #require(loadError("[returns]\n\nwindow_day = 10"))
        #expect(e.keyPath == "returns.window_day")
        #expect(e.line == 3)
        #expect(e.message.contains("did you mean window_days?"))
        #expect(e.message.contains("known keys in [returns]: window_days"))
        let paths = try #require(loadError("[paths]\ninbox = \"in\"\ndatabse = \"x\""))
        #expect(paths.keyPath == "paths.databse")
        #expect(paths.message.contains("did you mean database?"))
    }

    @Test func unknownKeyInFeed() throws {
        let e = try #require(loadError("[feeds.carrier]\nallowed = [\"order:PAID\"]"))
        #expect(e.keyPath == "feeds.carrier.allowed")
        #expect(e.line == 2)
        #expect(e.message.contains("did you mean allow?"))
    }

    @Test func unknownNestedTable() throws {
        let e = try #require(loadError("[returns.extra]\nx = 1"))
        #expect(e.keyPath == "returns.extra")
        #expect(e.line == 1)
    }

    @Test func tableWhereValueExpected() throws {
        let e = try #require(loadError("paths = \"/x\""))
        #expect(e.keyPath == "paths")
        #expect(e.message.contains("expected a table"))
        let feed = try #require(loadError("[feeds]\ncarrier = [\"order:DELIVERED\"]"))
        #expect(feed.keyPath == "feeds.carrier")
        #expect(feed.line == 2)
        #expect(feed.message.contains("expected a table [feeds.carrier]"))
        let timezone = try #require(loadError("[timezone]\nname = \"UTC\""))
        #expect(timezone.keyPath == "timezone")
    }

    @Test func badTimezone() throws {
        let e = try #require(loadError("timezone = \"Asia/Kolkatta\""))
        #expect(e.keyPath == "timezone")
        #expect(e.line == 1)
        #expect(e.message.contains("IANA time zone"))
        #expect(e.message.contains("\"Asia/Kolkatta\""))
        #expect(loadError("timezone = \"\"") != nil)
        let number = try #require(loadError("timezone = 5"))
        #expect(number.message.contains("got 5"))
        #expect(number.message.contains("quotes"))
    }

    @Test(arguments: [
        ("window_days = \"thirty\"", "got \"thirty\""),
        ("window_days = \"30\"", "without quotes"),
        ("window_days = -1", "out of range"),
        ("window_days = 3651", "out of range"),
        ("window_days = 30.0", "got 30.0"),
        ("window_days = true", "got true"),
        ("window_days = [30]", "got an array"),
    ])
    func badWindowDays(line: String, fragment: String) throws {
        let e = try #require(loadError("[returns]\n" + line))
        #expect(e.keyPath == "returns.window_days")
        #expect(e.line == 2)
        #expect(e.message.hasPrefix("expected a whole number of days 0...3650"))
        #expect(e.message.contains(fragment), "\(e.message)")
    }

    @Test(arguments: ["0", "1_000_001", "-5", "\"5000\"", "5e3"])
    func badBatchSize(value: String) throws {
        let e = try #require(loadError("[engine]\nbatch_size = \(value)"))
        #expect(e.keyPath == "engine.batch_size")
        #expect(e.line == 2)
        #expect(e.message.contains("1...1000000"))
    }

    @Test(arguments: [
        "100.01", "101", "-1", "12.345", "1e1", "\"eighteen\"", "\"\"", "\"12.\"", "inf", "true", "\" 18\"",
    ])
    func badGSTRate(value: String) throws {
        let e = try #require(loadError("\n[invoicing]\ndefault_gst_rate = \(value)"))
        #expect(e.keyPath == "invoicing.default_gst_rate")
        #expect(e.line == 3)
        #expect(e.message.contains("GST percent from 0 to 100 with at most 2 decimals"))
    }

    @Test(arguments: [
        ("\"ftp://x\"", "http:// or https://"),
        ("\"127.0.0.1:8099\"", "http:// or https://"),
        ("\"http://\"", "no host"),
        ("\"http://exa mple\"", "spaces"),
        ("\"http://x/?a=1\"", "query"),
        ("8099", "quotes"),
    ])
    func badGatewayURL(value: String, fragment: String) throws {
        let e = try #require(loadError("[gateway]\nbase_url = \(value)"))
        #expect(e.keyPath == "gateway.base_url")
        #expect(e.line == 2)
        #expect(e.message.contains(fragment), "\(e.message)")
    }

    @Test func gatewayCredentialsAreNotShown() throws {
        let e = try #require(loadError("[gateway]\nbase_url = \"http://user:s3cret@host/x y\""))
        #expect(!e.description.contains("s3cret"))
        #expect(e.description.contains("***@host"))
        #expect(Configuration.redactedURL("https://a:b@h:1/p@q") == "https://***@h:1/p@q")
        #expect(Configuration.redactedURL("https://h/p") == "https://h/p")
    }

    @Test(arguments: [
        ("inbox = \"\"", "paths.inbox", "empty"),
        ("inbox = \"~/inbox\"", "paths.inbox", "'~'"),
        ("inbox = 5", "paths.inbox", "quotes"),
        ("archive = \"inbox\"", "paths.archive", "same folder"),
        ("failed = \"./archive/\"", "paths.failed", "same folder"),
        ("archive = \"inbox/archive\"", "paths.archive", "overlap"),
        ("inbox = \"outbox/in\"\noutbox = \"outbox\"", "paths.outbox", "overlap"),
        ("inbox = \"outbox/in\"", "paths.inbox", "overlap"),
        ("database = \"inbox/db.sqlite\"", "paths.database", "overlap"),
        ("database = \"archive/db.sqlite\"", "paths.database", "lies in paths.archive"),
        ("database = \"invoices\"", "paths.database", "same as paths.invoices"),
    ])
    func badPaths(text: String, keyPath: String, fragment: String) throws {
        let e = try #require(loadError("[paths]\n" + text))
        #expect(e.keyPath == keyPath)
        #expect(e.line != nil)
        #expect(e.message.contains(fragment), "\(e.message)")
    }

    @Test func relativeWorkspaceRootIsRefused() throws {
        #expect(throws: ConfigurationError.self) { try load("", workspaceRoot: "relative/dir") }
    }

    @Test func badAllowEntries() throws {
        let text = """
            [feeds.carrier]
            allow = [
              "order:DELIVERED",
              "order:DELIVERD",
            ]
            """
        let e = try #require(loadError(text))
        #expect(e.keyPath == "feeds.carrier.allow[1]")
        #expect(e.line == 4)
        #expect(e.message.contains("unknown order status \"DELIVERD\""))
        #expect(e.message.contains("did you mean DELIVERED?"))
        #expect(e.message.contains("expected one of PENDING_PAYMENT, PAID"))
    }

    @Test(arguments: [
        ("[\"PAID\"]", "did you mean \"order:PAID\"?"),
        ("[\"completed\"]", "did you mean \"return:COMPLETED\"?"),
        ("[\"shipment:SHIPPED\"]", "unknown entity \"shipment\""),
        ("[\"orders:PAID\"]", "did you mean order?"),
        ("[\"order:REQUESTED\"]", "REQUESTED is a return status"),
        ("[\"return:PAID\"]", "PAID is an order status"),
        ("[\"order:APPROVED\"]", "APPROVED is a return status"),
        ("[\"order:\"]", "unknown order status"),
        ("[5]", "got 5"),
        ("[\"order:PAID\", \"ORDER:paid\"]", "listed twice"),
    ])
    func badAllowEntry(array: String, fragment: String) throws {
        let e = try #require(loadError("[feeds.payments]\nallow = \(array)"))
        #expect(e.keyPath.hasPrefix("feeds.payments.allow["))
        #expect(e.line == 2)
        #expect(e.message.contains(fragment), "\(e.message)")
    }

    @Test func allowMustBeAnArray() throws {
        let e = try #require(loadError("[feeds.payments]\nallow = \"order:PAID\""))
        #expect(e.keyPath == "feeds.payments.allow")
        #expect(e.message.contains("expected an array"))
    }

    @Test func newFeedNeedsAnAllowList() throws {
        let e = try #require(loadError("[feeds.carrier]\n\n[feeds.marketplace]\n"))
        #expect(e.keyPath == "feeds.marketplace")
        #expect(e.line == 3)
        #expect(e.message.contains("no allow list"))
    }

    @Test func emptyFeedsTableIsAnError() throws {
        let e = try #require(loadError("[feeds]\n"))
        #expect(e.keyPath == "feeds")
        #expect(e.line == 1)
        #expect(e.message.contains("no feeds configured"))
    }

    @Test func badFeedNames() throws {
        let hidden = try #require(loadError("[feeds.\".hidden\"]\nallow = []"))
        #expect(hidden.keyPath == #"feeds.".hidden""#)
        #expect(hidden.line == 1)
        let slash = try #require(loadError("[feeds.\"a/b\"]\nallow = []"))
        #expect(slash.message.contains("folder name"))
        let clash = try #require(loadError("[feeds.Carrier]\nallow = []\n[feeds.carrier]\nallow = []"))
        #expect(clash.keyPath == "feeds.carrier")
        #expect(clash.line == 3)
        #expect(clash.message.contains("differ only in case"))
    }
}
