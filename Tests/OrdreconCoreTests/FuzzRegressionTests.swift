import Foundation
import Testing

@testable import OrdreconCore

/// Inputs the fuzz targets (Fuzz/, scripts/fuzz.sh) found crashing; each is also in the seed
/// corpus under Fuzz/corpus/<target>/regression-*.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    let validator = EventValidator(feed: "storefront", zone: TimeZone(identifier: "Asia/Kolkata")!)

    /// An item with no known key (`{}` or only unknown keys) next to a complete one trapped in
    /// EventValidator (it force-unwrapped the item's sku); it is skipped, as the check for
    /// missing item fields already skipped it.
    @Test func emptyJSONItemBesideACompleteOne() throws {
        let line =
            #"{"event_id":"e1","entity":"order","order_id":"o1","status":"PENDING_PAYMENT","occurred_at":"2026-11-27T10:00","customer_id":"c1","items":[{"sku":"A","quantity":1,"unit_price":"1.00"},{"unit":"x"},{}]}"#
        let events = try readJSONLines(Array(line.utf8))
        try #require(events.count == 1 && events[0].items.count == 3)
        let event = try validator.validate(events[0]).get()
        #expect(event.items.map(\.sku) == ["A"])

        let returned =
            #"[{"event_id":"e2","entity":"return","order_id":"o1","return_id":"r1","status":"REQUESTED","occurred_at":"2026-12-01T10:00","items":[{},{"sku":"A","quantity":"1"}]}]"#
        let elements = try readJSONArray(Array(returned.utf8))
        let request = try validator.validate(elements[0]).get()
        #expect(request.items.map(\.sku) == ["A"])
    }

    /// Deep nesting overflowed the stack (the parser recurses once per array or inline table,
    /// and the values built are freed recursively); past 100 levels it is a TOML error now.
    @Test func deeplyNestedTOMLIsAnErrorNotACrash() throws {
        func nested(_ depth: Int) -> String {
            "a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        }
        #expect(try TOMLDocument(parsing: nested(99))["a"]?.arrayValue != nil)
        for text in [
            nested(100), nested(20_000), "a = " + String(repeating: "{b=", count: 20_000),
            String(repeating: "k.", count: 20_000) + "k = 1", "[" + String(repeating: "t.", count: 20_000) + "t]",
            "[" + String(repeating: "t.", count: 60) + "t]\n" + String(repeating: "k.", count: 39) + "k = [[1]]",
        ] {
            #expect(throws: TOMLError.self) { try TOMLDocument(parsing: text) }
            do {
                _ = try TOMLDocument(parsing: text)
            } catch {
                #expect(error.message.hasPrefix("nesting deeper than 100 levels"))
            }
        }
        let config = "[feeds." + String(repeating: "x.", count: 5_000) + "x]"
        #expect(throws: ConfigurationError.self) {
            try Configuration.load(tomlText: config, fileName: "config/ordrecon.toml", workspaceRoot: "/srv/shop")
        }
    }

    /// Paths were split and compared as Characters, where a "/" joins a combining mark after it
    /// (U+0301) or a prepended concatenation mark before it (U+0600) into another character: such
    /// a "/" did not split (`..` was not applied, `//` stayed) nor prefix, so a folder inside the
    /// inbox passed the layout check. They are bytes now, as the file system sees them.
    @Test func pathsAreBytesNotCharacters() throws {
        func load(_ text: String) throws -> Configuration {
            try Configuration.load(tomlText: text, fileName: "config/ordrecon.toml", workspaceRoot: "/srv/shop")
        }
        #expect(Configuration.normalize("/a/x\u{600}/../b") == "/a/b")
        #expect(Configuration.normalize("/a/\u{600}//\u{301}/./b").utf8.elementsEqual("/a/\u{600}/\u{301}/b".utf8))
        #expect(Configuration.workspaceRoot(forConfigFile: "/srv/a\u{600}/config/ordrecon.toml") == "/srv/a\u{600}")
        // Found by the config target: the inbox kept a "//".
        let found = try load(#"[paths]"# + "\n" + #"inbox = "in\u1000x/\u0600//%/y""#)
        #expect(found.paths.inbox.utf8.elementsEqual("/srv/shop/in\u{1000}x/\u{600}/%/y".utf8))
        // Inside the inbox, on disk: refused.
        for archive in [#"x/\u0600/../../inbox/archive"#, #"inbox/\u0301x"#] {
            #expect(throws: ConfigurationError.self) { try load("[paths]\narchive = \"\(archive)\"") }
        }
        // Different bytes are different folders, even when they read the same.
        let folders = try load("[paths]\ninbox = \"caf\\u00E9\"\narchive = \"cafe\\u0301\"")
        #expect(!folders.paths.inbox.utf8.elementsEqual(folders.paths.archive.utf8))
    }
}

/// Found by the config fuzz target: U+0600 (a prepended mark) joins the `/` after it into one
/// character, so splitting a path on characters kept `//` and `..` components.
struct PathNormalizationRegressionTests {
    @Test func aPrependedMarkDoesNotHideSlashesOrDotDot() throws {
        let config = try Configuration.load(
            tomlText: "[paths]\ninbox = \"in\u{600}//x/\u{600}/../y\"\n", fileName: "config/ordrecon.toml",
            workspaceRoot: "/srv/shop")
        #expect(config.paths.inbox == "/srv/shop/in\u{600}/x/y")
        #expect(!config.paths.inbox.contains("//"))
    }

    /// A row or line of exactly the limit, ended by CRLF, was too long when a refill fell
    /// between its CR and LF (the CR was counted, as the bytes before it were let go), and fine
    /// otherwise: the verdict depended on chunk edges, and so on where a run resumed.
    @Test(arguments: [1, 1 << 20])
    func crlfRightAtTheLimit(chunkSize: Int) throws {
        let limit = ParsingLimits.maxEventBytes
        let head = "event_id,entity,order_id,status,occurred_at,reason\n"
        let start = "e1,order,o1,CANCELLED,2026-01-01T10:00,"
        for (length, tooLong) in [(limit, false), (limit + 1, true)] {
            let row = start + String(repeating: "x", count: length - start.utf8.count)
            let (_, events) = try readCSV(
                head + row + "\r\ne2,order,o2,CANCELLED,2026-01-01T10:00,y\r\n", chunkSize: chunkSize)
            try #require(events.count == 2)
            #expect((events[0].malformed?.contains("longer than") ?? false) == tooLong)
            #expect(tooLong || events[0].malformed == nil)
            #expect(events[0][.reason]?.text.utf8.count == (tooLong ? nil : length - start.utf8.count))
            #expect(events[1].malformed == nil && events[1].line == 3)

            let open =
                #"{"event_id":"e1","entity":"order","order_id":"o1","status":"CANCELLED","occurred_at":"2026-01-01T10:00","reason":""#
            let line = open + String(repeating: "x", count: length - open.utf8.count - 2) + #""}"#
            let lines = try readJSONLines(Array((line + "\r\n{}\r\n").utf8), chunkSize: chunkSize)
            try #require(lines.count == 2)
            #expect((lines[0].malformed?.contains("longer than") ?? false) == tooLong)
            #expect(tooLong || lines[0].malformed == nil)
            #expect(lines[0].endOffset == Int64(length + 2))
        }
    }
}
