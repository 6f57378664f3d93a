import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

/// Keeps `docs/` true to the code: the worked examples under `docs/examples/` must pass
/// `ordrecon validate` and, run through a real `ordrecon run` in story order, be applied
/// without a single rejection; the reason codes that `docs/feed-contract.md` names must be
/// exactly the ones ordrecon records, in the order it checks them.
@Suite(.runsPrograms)
struct DocsExamplesTests {
    static let docs = TestWorkspace.repositoryRoot + "/docs"
    static let feeds = ["storefront", "payments", "warehouse", "carrier", "returns-desk"]

    /// One example file: its feed, name, step in the story (the number its name starts with).
    struct Example: CustomStringConvertible {
        var feed: String
        var name: String
        var step: Int
        var path: String { DocsExamplesTests.docs + "/examples/" + feed + "/" + name }
        var description: String { feed + "/" + name }
    }

    /// Every file under `docs/examples/<feed>/`, in story order.
    static func examples() throws -> [Example] {
        var found: [Example] = []
        for feed in try FileManager.default.contentsOfDirectory(atPath: docs + "/examples") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: docs + "/examples/" + feed, isDirectory: &isDirectory),
                isDirectory.boolValue
            else { continue }
            for name in try FileManager.default.contentsOfDirectory(atPath: docs + "/examples/" + feed) {
                let step = try #require(
                    Int(name.prefix { $0.isNumber }), "\(feed)/\(name) does not start with its step number")
                found.append(Example(feed: feed, name: name, step: step))
            }
        }
        return found.sorted { $0.step < $1.step }
    }

    /// The workspace configuration: the repository's defaults, refunds to `gateway`.
    static func config(gateway: MockGatewayProcess) -> String {
        let config = TestWorkspace.repositoryConfig
        let pointed = config.replacingOccurrences(
            of: "base_url = \"http://127.0.0.1:8099\"", with: "base_url = \"\(gateway.baseURL)\"")
        #expect(pointed != config, "config/ordrecon.toml no longer has the default base_url line")
        return pointed
    }

    @Test func everyFeedHasACSVAJSONAndAJSONLinesExampleWithoutCR() async throws {
        let examples = try Self.examples()
        #expect(examples.map(\.step) == Array(1...examples.count), "steps must be 1, 2, 3, … without gaps: \(examples)")
        for feed in Self.feeds {
            let extensions = Set(examples.filter { $0.feed == feed }.map { ($0.name as NSString).pathExtension })
            #expect(extensions.isSuperset(of: ["csv", "json", "jsonl"]), "\(feed) has only \(extensions.sorted())")
        }
        #expect(Set(examples.map(\.feed)).isSubset(of: Set(Self.feeds)), "an example folder is not a default feed")
        for example in examples {
            let data = try Data(contentsOf: URL(fileURLWithPath: example.path))
            #expect(!data.contains(0x0D), "\(example) has a CR: the examples use LF line ends")
        }
        // What the contract asks the examples to show.
        let orders = try String(contentsOfFile: Self.docs + "/examples/storefront/01-orders.csv", encoding: .utf8)
        for column in [
            "hsn", "gst_rate", "description", "customer_name", "billing_address", "billing_state", "customer_gstin",
        ] {
            #expect(
                orders.split(separator: "\n").first?.split(separator: ",").contains(Substring(column)) == true,
                "01-orders.csv has no column \(column)")
        }
        #expect(
            orders.contains("\nSF-ORD-1001,,,,"), "01-orders.csv lost its continuation row with empty event columns")
        let payments = try String(contentsOfFile: Self.docs + "/examples/payments/02-payments.json", encoding: .utf8)
        #expect(
            payments.contains("\"amount\": 1947.50") && payments.contains("\"amount\": \"2499.00\""),
            "02-payments.json must show money as a number and as a string")
    }

    /// Each file, in story order: `validate` says every event would be applied, then `run`
    /// applies them all. At the end the state is the one the contract's story tells.
    @Test func examplesValidateAndApplyInStoryOrder() async throws {
        let ws0 = try TestWorkspace()
        defer { ws0.remove() }
        let gateway = try await MockGatewayProcess(journal: ws0.root + "/gateway.jsonl")
        defer { gateway.terminate() }
        let ws = try TestWorkspace(config: Self.config(gateway: gateway))
        defer { ws.remove() }

        let examples = try Self.examples()
        #expect(examples.count == 15)
        var events = 0
        for example in examples {
            let check = try await ws.run(
                ["validate", example.path, "--feed", example.feed, "--json"], timeout: .seconds(120))
            #expect(check.status == 0, "validate \(example) exited \(check.status):\n\(check.stdout)\(check.stderr)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any],
                "validate \(example) --json printed no JSON object: \(check.stdout)")
            let counts = try #require(report["counts"] as? [String: Any])
            let fileEvents = (counts["events"] as? NSNumber)?.intValue ?? 0
            #expect(fileEvents > 0, "\(example) holds no events")
            #expect((counts["applied"] as? NSNumber)?.intValue == fileEvents, "\(example): \(check.stdout)")
            #expect((report["would_apply_all"] as? NSNumber)?.boolValue == true, "\(example): \(check.stdout)")

            try ws.drop(
                example.feed, example.name, try Data(contentsOf: URL(fileURLWithPath: example.path)),
                order: example.step)
            let run = try await ws.run(["run"], timeout: .seconds(120))
            #expect(run.status == 0, "run after \(example) exited \(run.status):\n\(run.stdout)\(run.stderr)")
            events += fileEvents
            let outcomes = try ws.query(
                "SELECT outcome, reason_code, event_id, message FROM audit_log WHERE outcome <> 'applied'")
            #expect(outcomes.isEmpty, "after \(example): \(outcomes)")
            #expect(try ws.count("SELECT COUNT(*) FROM audit_log") == events, "after \(example)")
        }

        try Self.expectStoryEnd(ws, events: events)
        // Both refunds reached the gateway, once each.
        let journal = try gateway.entries()
        let accepted = journal.filter { $0.status / 100 == 2 }
        #expect(Set(accepted.map(\.key)).count == 2, "gateway journal: \(journal.map { "\($0.key) \($0.status)" })")
        #expect(Self.files(under: ws.root + "/outbox/rejections").isEmpty, "a rejection file was written")
        #expect(Self.files(under: ws.root + "/failed").isEmpty, "a file was failed")
        #expect(Self.files(under: ws.root + "/archive").count == 15)
    }

    /// The files (not folders) under `root`, relative to it.
    static func files(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                found.append(path)
            }
        }
        return found
    }

    /// All fifteen files at once, their modification times in story order: one `run` gives the
    /// same end (the docs say either way works).
    @Test func examplesDroppedAtOnceGiveTheSameStory() async throws {
        let ws0 = try TestWorkspace()
        defer { ws0.remove() }
        let gateway = try await MockGatewayProcess(journal: ws0.root + "/gateway.jsonl")
        defer { gateway.terminate() }
        let ws = try TestWorkspace(config: Self.config(gateway: gateway))
        defer { ws.remove() }
        for example in try Self.examples() {
            try ws.drop(
                example.feed, example.name, try Data(contentsOf: URL(fileURLWithPath: example.path)),
                order: example.step)
        }
        let run = try await ws.run(["run"], timeout: .seconds(180))
        #expect(run.status == 0, "run exited \(run.status):\n\(run.stdout)\(run.stderr)")
        try Self.expectStoryEnd(ws, events: try ws.count("SELECT COUNT(*) FROM audit_log"))
    }

    /// The end of the story as `docs/feed-contract.md` ("Worked examples") tells it.
    static func expectStoryEnd(_ ws: TestWorkspace, events: Int) throws {
        #expect(events == 25, "the story has 25 events; the doc's table and this test must change with the files")
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'applied'") == events)
        let orders = try ws.query("SELECT order_id, status FROM orders ORDER BY order_id").map { "\($0[0]!) \($0[1]!)" }
        #expect(
            orders == [
                "O-1001 DELIVERED", "O-1002 CANCELLED", "O-1003 CANCELLED", "O-1004 DELIVERED",
                "O-1005 PROCESSING_IN_WAREHOUSE",
            ])
        let returns = try ws.query("SELECT return_id, order_id, status FROM returns ORDER BY return_id").map {
            "\($0[0]!) \($0[1]!) \($0[2]!)"
        }
        #expect(returns == ["R-5001 O-1001 COMPLETED", "R-5002 O-1004 REJECTED"])
        #expect(try ws.query("SELECT order_id FROM invoices ORDER BY order_id").map { $0[0]! } == ["O-1001", "O-1004"])
        #expect(try ws.query("SELECT return_id FROM credit_notes").map { $0[0]! } == ["R-5001"])
        let refunds = try ws.query(
            "SELECT order_id, coalesce(return_id, '-'), amount_paise, status FROM refunds ORDER BY order_id"
        )
        .map { $0.map { $0 ?? "NULL" }.joined(separator: " ") }
        #expect(refunds == ["O-1001 R-5001 79900 sent", "O-1002 - 249900 sent"])
        // The times without an offset, and in UTC, were read as the doc says.
        let created = try ws.query(
            "SELECT order_id, created_at FROM orders WHERE order_id IN ('O-1003', 'O-1004') ORDER BY order_id")
        let o1003 = try #require(created.first?[1])
        let o1004 = try #require(created.last?[1])
        // 2026-11-01 10:30 in Asia/Kolkata is 05:00 UTC; 06:40Z stays 06:40 UTC.
        #expect(try Self.utcMilliseconds(o1003) == 1_793_509_200_000, "O-1003 created_at \(o1003)")
        #expect(try Self.utcMilliseconds(o1004) == 1_793_515_200_000, "O-1004 created_at \(o1004)")
    }

    /// A stored time (milliseconds, or ISO 8601 text in a view) as milliseconds since 1970.
    static func utcMilliseconds(_ text: String) throws -> Int64 {
        if let value = Int64(text) { return value }
        let parsed = try Timestamp(iso8601: text, zone: TimeZone(identifier: "UTC")!)
        return parsed.milliseconds
    }

    // MARK: The reason codes the contract doc names

    /// The `## heading` section of `text`: its lines up to the next `## ` heading.
    static func section(_ heading: String, of text: String) throws -> [Substring] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0 == "## " + heading }, "no section \"## \(heading)\"")
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        return Array(lines[(start + 1)..<end])
    }

    /// The cells of a Markdown table row (`| a | b |`), trimmed; nil for other lines and the rule row.
    static func cells(_ line: Substring) -> [String]? {
        guard line.hasPrefix("|") else { return nil }
        let cells = line.dropFirst().split(separator: "|", omittingEmptySubsequences: false).dropLast()
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if cells.allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == ":" } }) { return nil }
        return cells
    }

    /// The `code` words in backticks in a table cell.
    static func codes(in cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    @Test func theReasonCodeTableListsEveryCodeInCheckOrder() async throws {
        let text = try String(contentsOfFile: Self.docs + "/feed-contract.md", encoding: .utf8)
        var listed: [(step: Int, code: String)] = []
        for line in try Self.section("Reason codes", of: text) {
            guard let cells = Self.cells(line), cells.count >= 3, let step = Int(cells[0]) else { continue }
            if cells[1].contains("duplicate") {
                #expect(step == 7, "the duplicate-status step is 7 in the contract")
                continue
            }
            let codes = Self.codes(in: cells[1])
            #expect(codes.count == 1, "one code per row: \(line)")
            for code in codes { listed.append((step, code)) }
        }
        let perEvent = ReasonCode.allCases.filter { $0.step > 0 }
        #expect(
            listed.map(\.code) == perEvent.map(\.rawValue),
            "the table must list ordrecon's per-event codes in check order")
        for (step, code) in listed {
            let known = try #require(ReasonCode(rawValue: code), "\(code) in the doc is not a code ordrecon records")
            #expect(known.step == step, "\(code) is checked at step \(known.step), the doc says \(step)")
        }
    }

    @Test func everyCodeTheDocNamesExists() async throws {
        let text = try String(contentsOfFile: Self.docs + "/feed-contract.md", encoding: .utf8)
        let known = Set(ReasonCode.allCases.map(\.rawValue))
        // The whole-file table's code column.
        var fileCodes: Set<String> = []
        for line in try Self.section("Whole-file rejections", of: text) {
            guard let cells = Self.cells(line), cells.count >= 2, cells[1] != "code" else { continue }
            for code in Self.codes(in: cells[1]) {
                #expect(known.contains(code), "\(code) in \"Whole-file rejections\" is not a code ordrecon records")
                fileCodes.insert(code)
            }
        }
        #expect(fileCodes == [ReasonCode.badFile.rawValue, ReasonCode.unsupportedFileType.rawValue])
        // Code blocks that claim a code (`code: x` in a .reason file, `reject_code` values).
        var inFence = false
        var claimed = 0
        for line in text.split(separator: "\n") {
            if line.hasPrefix("```") {
                inFence.toggle()
                continue
            }
            guard inFence, line.hasPrefix("code: ") else { continue }
            let code = String(line.dropFirst("code: ".count))
            #expect(known.contains(code), "a code block claims the code \(code), which ordrecon does not have")
            claimed += 1
        }
        #expect(claimed > 0, "the doc's .reason example is gone")
        // Every code ordrecon has is explained somewhere in the doc.
        for code in ReasonCode.allCases {
            #expect(text.contains("`\(code.rawValue)`"), "the doc never names \(code.rawValue)")
        }
    }
}
