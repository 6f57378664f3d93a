import Foundation
import OrdreconTestSupport
import Testing

/// The run report (`outbox/reports/<run id>.html` and `.json`), through the binary.
@Suite(.runsPrograms)
struct RunReportTests {
    static let orders = """
        event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price
        S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,A,1,70.00
        S2,order,O2,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,A,2,70.00
        S3,order,O3,<script>alert(1)</script>,2026-01-01T10:00:00+05:30,C1,A,1,70.00
        S4,order,O4,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,,A,1,70.00
        """
    static let payments = """
        [{"event_id": "P1", "entity": "order", "order_id": "O1", "status": "PAID", "occurred_at": "2026-01-01T11:00:00+05:30",
          "amount": "70.00", "payment_ref": "pay_1"},
         {"event_id": "P2", "entity": "order", "order_id": "O2", "status": "PAID", "occurred_at": "2026-01-01T11:00:00+05:30",
          "amount": "1.00", "payment_ref": "pay_2"},
         {"event_id": "P3", "entity": "order", "order_id": "O9", "status": "PAID", "occurred_at": "2026-01-01T11:00:00+05:30",
          "amount": "1.00", "payment_ref": "pay_3"}]
        """

    /// A workspace after one run with rejections in two feeds, a hostile file name and status,
    /// and a file refused as a whole. - Returns: the workspace and `run --json`'s output.
    static func workspaceAfterRun(store: StoreBackend) async throws -> (TestWorkspace, [String: Any]) {
        let ws = try TestWorkspace(store: store)
        try ws.drop("storefront", "orders <b>&'\".csv", orders, order: 1)
        try ws.drop("payments", "pay.json", payments, order: 2)
        try ws.drop("payments", "broken.json", "[{\"event_id\": ", order: 3)
        let result = try await ws.run(["run", "--json"])
        #expect(result.status == 65, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (ws, summary)
    }

    @Test(arguments: StoreBackend.allCases) func reportFilesForARunWithFilesAndNoneForAnEmptyRun(store: StoreBackend)
        async throws
    {
        let (ws, summary) = try await Self.workspaceAfterRun(store: store)
        defer { ws.remove() }
        let runId = try #require(summary["run_id"] as? Int)
        #expect(ws.files(in: "outbox/reports") == ["\(runId).html", "\(runId).json"])
        let paths = try #require(summary["report"] as? [String: Any])
        #expect((paths["html"] as? String)?.hasSuffix("/outbox/reports/\(runId).html") == true)
        #expect((paths["json"] as? String)?.hasSuffix("/outbox/reports/\(runId).json") == true)

        let text = try await ws.run(["run"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("No ready files"))
        let empty = try await ws.run(["run", "--json"])
        let emptySummary = try #require(
            try JSONSerialization.jsonObject(with: Data(empty.stdout.utf8)) as? [String: Any])
        #expect(emptySummary["report"] is NSNull)
        // Only the first run had files: no report for the empty runs, no temporary files left.
        #expect(ws.files(in: "outbox/reports") == ["\(runId).html", "\(runId).json"])
    }

    @Test(arguments: StoreBackend.allCases) func theTextSummaryNamesTheReport(store: StoreBackend) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        try ws.drop("storefront", "orders.csv", Self.orders)
        let result = try await ws.run(["run"])
        #expect(result.status == 65)
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("Run report: ") }
        #expect(line?.hasSuffix("/outbox/reports/1.html") == true, "\(result.stdout)")
    }

    @Test(arguments: StoreBackend.allCases) func jsonHasTheSummaryNumbersAndTheRejectionsByCode(store: StoreBackend)
        async throws
    {
        let (ws, summary) = try await Self.workspaceAfterRun(store: store)
        defer { ws.remove() }
        let runId = try #require(summary["run_id"] as? Int)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(ws.read("outbox/reports/\(runId).json").utf8)) as? [String: Any]
        )
        #expect(report["run_id"] as? Int == runId)
        #expect(
            NSDictionary(dictionary: try #require(report["total"] as? [String: Any]))
                .isEqual(to: try #require(summary["total"] as? [String: Any])))
        #expect(
            NSArray(array: try #require(report["files"] as? [Any])).isEqual(
                to: try #require(summary["files"] as? [Any])))

        let total = try #require(summary["total"] as? [String: Any])
        let byCode = try #require(total["rejected_by_code"] as? [String: Int])
        let groups = try #require(report["rejections"] as? [[String: Any]])
        #expect(Dictionary(uniqueKeysWithValues: groups.map { ($0["code"] as! String, $0["count"] as! Int) }) == byCode)
        #expect(
            byCode == ["invalid_value": 1, "missing_field": 1, "amount_mismatch": 1, "unknown_order": 1, "bad_file": 1])
        for group in groups {
            let rows = try #require(group["rows"] as? [[String: Any]])
            #expect(rows.count == group["count"] as? Int)
        }
        let invalid = try #require(groups.first { $0["code"] as? String == "invalid_value" })
        let row = try #require((invalid["rows"] as? [[String: Any]])?.first)
        #expect(row["feed"] as? String == "storefront")
        #expect(row["file"] as? String == "orders <b>&'\".csv")
        #expect(row["line"] as? Int == 4)
        #expect(row["event_id"] as? String == "S3")
        #expect(row["entity_id"] as? String == "O3")
        #expect((row["message"] as? String)?.contains("<script>alert(1)</script>") == true)
        #expect(
            (row["rejection_file"] as? String)?.hasSuffix(
                "/outbox/rejections/storefront/orders <b>&'\".csv.rejected.csv") == true)

        let byFeed = try #require(report["by_feed"] as? [[String: Any]])
        #expect(byFeed.map { $0["feed"] as? String } == ["payments", "storefront"])
        #expect(
            byFeed.map { [$0["applied"] as? Int, $0["rejected"] as? Int, $0["failed_files"] as? Int] } == [
                [1, 2, 1], [2, 2, 0],
            ])
        let refused = try #require(report["files_rejected"] as? [[String: Any]])
        #expect(refused.map { $0["file"] as? String } == ["broken.json"])
    }

    @Test(arguments: StoreBackend.allCases) func htmlIsSelfContainedAndEscapesFeedText(store: StoreBackend) async throws
    {
        let (ws, summary) = try await Self.workspaceAfterRun(store: store)
        defer { ws.remove() }
        let html = try ws.read("outbox/reports/\(summary["run_id"] as! Int).html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("http"))
        #expect(!html.contains("<script>alert(1)"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<b>&'"))
        #expect(html.contains("orders &lt;b&gt;&amp;&#39;&quot;.csv"))
        #expect(html.contains("<svg"))
        #expect(html.contains("<style>"))
        // Totals at the top, then the chart, then rejections grouped by code, with counts.
        let totals = try #require(html.range(of: "class=\"cards\""))
        let chart = try #require(html.range(of: "<svg"))
        let codes = try #require(html.range(of: "Rejections by reason"))
        #expect(totals.lowerBound < chart.lowerBound && chart.lowerBound < codes.lowerBound)
        #expect(html.contains("id=\"code-invalid_value\""))
        #expect(html.contains("Files refused as a whole"))
        #expect(html.contains("broken.json"))
    }

    @Test(arguments: StoreBackend.allCases) func linksPointToExistingRejectionFiles(store: StoreBackend) async throws {
        let (ws, summary) = try await Self.workspaceAfterRun(store: store)
        defer { ws.remove() }
        let html = try ws.read("outbox/reports/\(summary["run_id"] as! Int).html")
        let pattern = try NSRegularExpression(pattern: "href=\"([^\"#][^\"]*)\"")
        let links = pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map {
            String(html[Range($0.range(at: 1), in: html)!])
        }
        let rejectionLinks = links.filter { $0.hasPrefix("../rejections/") }
        #expect(Set(rejectionLinks).count == 2, "\(links)")
        for link in links {
            let unescaped = link.replacingOccurrences(of: "&amp;", with: "&")
            let relative = try #require(unescaped.removingPercentEncoding)
            let target = URL(fileURLWithPath: ws.root + "/outbox/reports/").appendingPathComponent(relative)
                .standardized.path
            #expect(FileManager.default.fileExists(atPath: target), "\(link) -> \(target)")
        }
        #expect(rejectionLinks.contains("../rejections/storefront/orders%20%3Cb%3E%26%27%22.csv.rejected.csv"))
        #expect(rejectionLinks.contains("../rejections/payments/pay.json.rejected.csv"))
    }

    @Test(arguments: StoreBackend.allCases) func rowsPerCodeAreCappedAndTheRestCounted(store: StoreBackend) async throws
    {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        var csv = "event_id,entity,order_id,status,occurred_at\n"
        for i in 1...205 { csv += "E\(i),order,O\(i),NOPE,2026-01-01T10:00:00+05:30\n" }
        try ws.drop("storefront", "many.csv", csv)
        let result = try await ws.run(["run"])
        #expect(result.status == 65)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(ws.read("outbox/reports/1.json").utf8)) as? [String: Any])
        let group = try #require((report["rejections"] as? [[String: Any]])?.first)
        #expect(group["count"] as? Int == 205)
        #expect(group["shown"] as? Int == 200)
        #expect(group["not_shown"] as? Int == 5)
        #expect((group["rows"] as? [Any])?.count == 200)
        let html = try ws.read("outbox/reports/1.html")
        #expect(html.contains("and 5 more not shown"))
        #expect(html.components(separatedBy: "<td class=\"id\">E").count - 1 == 200)
    }
}
