import Foundation
import OrdreconTestSupport
import Testing

/// `ordrecon rejections`, `ordrecon audit` and `ordrecon return` (command lines run in process).
@Suite(.runsPrograms)
struct ReviewCommandTests {
    /// Three runs:
    /// 1. `payments/pay.csv`: P1 (PAID of an unknown order O1: `unknown_order`), P2 (bad amount:
    ///    `invalid_value`); `payments/evil.jsonl`: ids and a status a spreadsheet would read as formulas.
    /// 2. `storefront/orders.csv` creates O1.
    /// 3. `payments/pay.csv.rejected.csv` dropped back unchanged: P1 is applied (resolving the first
    ///    rejection), P2 is rejected again.
    static func reviewScenario(store: StoreBackend) async throws -> TestWorkspace {
        let ws = try TestWorkspace(store: store)
        try ws.drop(
            "payments", "pay.csv",
            """
            event_id,entity,order_id,status,occurred_at,amount,payment_ref
            P1,order,O1,PAID,2026-01-01T11:00:00+05:30,70.00,PR1
            P2,order,O2,PAID,2026-01-01T11:00:00+05:30,12.345,PR2
            """, order: 1)
        try ws.drop(
            "payments", "evil.jsonl",
            """
            {"event_id":"=cmd|' /C calc'!A0","entity":"order","order_id":"+1","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":"1.00","payment_ref":"R1"}
            {"event_id":"@x","entity":"order","order_id":"-1","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":"1.00","payment_ref":"R2"}
            {"event_id":"E3","entity":"order","order_id":"O9","status":"=HYPERLINK(\\"http://evil.example\\",\\"x\\")","occurred_at":"2026-01-01T11:00:00+05:30"}
            """, order: 2)
        #expect(try await ws.run(["run"]).status == 65)
        try ws.drop(
            "storefront", "orders.csv",
            """
            event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price
            S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,A,1,70.00
            """, order: 3)
        #expect(try await ws.run(["run"]).status == 0)
        let rejected = try ws.read("outbox/rejections/payments/pay.csv.rejected.csv")
        try ws.drop("payments", "pay.csv.rejected.csv", rejected, order: 4)
        #expect(try await ws.run(["run"]).status == 65)
        return ws
    }

    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestError("not a JSON object: \(text)")
        }
        return object
    }

    /// The rejections' `rows` as (event id, file) pairs, from `rejections --format json` with `arguments`.
    static func rejectionRows(_ ws: TestWorkspace, _ arguments: [String]) async throws -> [[String]] {
        let result = try await ws.run(["rejections", "--format", "json"] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let rows = try json(result.stdout)["rejections"] as? [[String: Any]] ?? []
        return rows.map { [$0["event_id"] as? String ?? "", $0["file"] as? String ?? ""] }
    }

    /// RFC 4180 CSV into rows of fields (enough for checking the output).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field)
                field = ""
                rows.append(row)
                row = []
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    static func expectNoFormulaCells(_ rows: [[String]]) {
        for row in rows {
            for cell in row {
                if let first = cell.first {
                    #expect(!["=", "+", "-", "@", "\t", "\r"].contains(first), "cell \(cell) in \(row)")
                }
            }
        }
    }

    // MARK: rejections

    @Test(arguments: StoreBackend.allCases) func rejectionFixedByAnAppliedResubmissionShowsAsResolvedAndOpenHidesIt(
        store: StoreBackend
    ) async throws {
        let ws = try await Self.reviewScenario(store: store)
        defer { ws.remove() }

        let table = try await ws.run(["rejections"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("6 rejection(s): 5 open, 1 resolved"), "\(table.stdout)")
        let codeLines = table.stdout.split(separator: "\n").map(String.init)
        #expect(
            codeLines.contains {
                $0.hasPrefix("unknown_order") && $0.split(separator: " ") == ["unknown_order", "2", "1", "3"]
            }, "\(table.stdout)")
        #expect(codeLines.contains { $0.split(separator: " ") == ["invalid_value", "3", "0", "3"] }, "\(table.stdout)")
        let p1Line = try #require(codeLines.first { $0.contains(" P1 ") })
        #expect(
            p1Line.contains("pay.csv") && p1Line.contains("unknown_order")
                && p1Line.contains("yes (pay.csv.rejected.csv:2)"))
        // Counts come before the rows; rows are in order of recording.
        let countsAt = try #require(table.stdout.range(of: "CODE ")).lowerBound
        let rowsAt = try #require(table.stdout.range(of: "RECORDED AT")).lowerBound
        #expect(countsAt < rowsAt)
        #expect(
            try await Self.rejectionRows(ws, []) == [
                ["P1", "pay.csv"], ["P2", "pay.csv"], ["=cmd|' /C calc'!A0", "evil.jsonl"], ["@x", "evil.jsonl"],
                ["E3", "evil.jsonl"],
                ["P2", "pay.csv.rejected.csv"],
            ])

        let open = try await ws.run(["rejections", "--open"])
        #expect(open.status == 0)
        #expect(open.stdout.contains("5 rejection(s): 5 open, 0 resolved"), "\(open.stdout)")
        #expect(!open.stdout.contains(" P1 "))
        #expect(
            try await Self.rejectionRows(ws, ["--open"]).map(\.[0]) == ["P2", "=cmd|' /C calc'!A0", "@x", "E3", "P2"])

        let json = try Self.json(try await ws.run(["rejections", "--format", "json"]).stdout)
        #expect(json["total"] as? Int == 6 && json["open"] as? Int == 5 && json["resolved"] as? Int == 1)
        let counts = json["counts"] as? [[String: Any]] ?? []
        #expect(counts.map { $0["code"] as? String ?? "" } == ["invalid_value", "unknown_order"])
        let unknown = try #require(counts.first { $0["code"] as? String == "unknown_order" })
        #expect(unknown["open"] as? Int == 2 && unknown["resolved"] as? Int == 1 && unknown["total"] as? Int == 3)
        let rows = json["rejections"] as? [[String: Any]] ?? []
        let p1 = try #require(rows.first)
        #expect(p1["event_id"] as? String == "P1" && p1["feed"] as? String == "payments" && p1["line"] as? Int == 2)
        #expect(p1["entity_id"] as? String == "O1" && p1["reason_code"] as? String == "unknown_order")
        #expect(p1["resolved"] as? Bool == true)
        let by = try #require(p1["resolved_by"] as? [String: Any])
        #expect(by["file"] as? String == "pay.csv.rejected.csv" && by["line"] as? Int == 2)
        #expect(rows.dropFirst().allSatisfy { $0["resolved"] as? Bool == false })
    }

    @Test(arguments: StoreBackend.allCases) func rejectionFilters(store: StoreBackend) async throws {
        let ws = try await Self.reviewScenario(store: store)
        defer { ws.remove() }

        #expect(try await Self.rejectionRows(ws, ["--feed", "storefront"]).isEmpty)
        #expect(try await ws.run(["rejections", "--feed", "storefront"]).stdout.contains("No rejections match."))
        #expect(try await Self.rejectionRows(ws, ["--feed", "payments"]).count == 6)
        #expect(try await Self.rejectionRows(ws, ["--code", "invalid_value"]).map(\.[0]) == ["P2", "E3", "P2"])
        #expect(
            try await Self.rejectionRows(ws, ["--code", "unknown_order", "--open"]).map(\.[0]) == [
                "=cmd|' /C calc'!A0", "@x",
            ])
        #expect(try await Self.rejectionRows(ws, ["--file", "pay.csv"]) == [["P1", "pay.csv"], ["P2", "pay.csv"]])
        #expect(
            try await Self.rejectionRows(ws, ["--file", "pay.csv.rejected.csv"]) == [["P2", "pay.csv.rejected.csv"]])
        #expect(try await Self.rejectionRows(ws, ["--order", "O1"]) == [["P1", "pay.csv"]])
        #expect(try await Self.rejectionRows(ws, ["--order", "+1"]) == [["=cmd|' /C calc'!A0", "evil.jsonl"]])
        #expect(try await Self.rejectionRows(ws, ["--order", "O1", "--open"]).isEmpty)

        let badCode = try await ws.run(["rejections", "--code", "no_such_code"])
        #expect(badCode.status == 64 && badCode.stderr.contains("not a reason code"))
        let badTime = try await ws.run(["rejections", "--since", "yesterday"])
        #expect(badTime.status == 64 && badTime.stderr.contains("--since"))

        // Times: the first run's rows, and the third's, by their recording times (UTC text, inclusive).
        let firstRunEnd = try #require(
            try ws.query("SELECT max(recorded_at) FROM audit_log WHERE file_name = 'evil.jsonl'").first?.first ?? nil)
        let thirdRunStart = try #require(
            try ws.query("SELECT min(recorded_at) FROM audit_log WHERE file_name = 'pay.csv.rejected.csv'").first?.first
                ?? nil)
        #expect(try await Self.rejectionRows(ws, ["--until", firstRunEnd]).count == 5)
        #expect(try await Self.rejectionRows(ws, ["--since", thirdRunStart]) == [["P2", "pay.csv.rejected.csv"]])
        #expect(
            try await Self.rejectionRows(ws, ["--since", firstRunEnd, "--until", firstRunEnd]).map(\.[0]).last == "E3")

        // Dates, in Asia/Kolkata: today's date as --until includes the whole day.
        let recordedMs =
            Int64(try #require(try ws.query("SELECT min(recorded_at) FROM audit_events").first?.first ?? nil)) ?? 0
        func kolkataDate(_ dayOffset: Int) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "Asia/Kolkata")
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.string(
                from: Date(timeIntervalSince1970: Double(recordedMs) / 1000 + Double(dayOffset) * 86_400))
        }
        let today = kolkataDate(0)
        #expect(try await Self.rejectionRows(ws, ["--since", today, "--until", today]).count == 6)
        #expect(try await Self.rejectionRows(ws, ["--until", kolkataDate(-1)]).isEmpty)
        #expect(try await Self.rejectionRows(ws, ["--since", kolkataDate(1)]).isEmpty)
        #expect(try await Self.rejectionRows(ws, ["--since", kolkataDate(-1) + "T00:00"]).count == 6)
    }

    @Test(arguments: StoreBackend.allCases) func csvOutputNeutralisesFormulasFromFeeds(store: StoreBackend) async throws
    {
        let ws = try await Self.reviewScenario(store: store)
        defer { ws.remove() }

        let result = try await ws.run(["rejections", "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("\r\n"))
        let rows = Self.parseCSV(result.stdout)
        let header = try #require(rows.first)
        #expect(header.first == "recorded_at" && header.contains("message") && header.contains("resolved"))
        #expect(rows.count == 7)
        #expect(rows.allSatisfy { $0.count == header.count })
        Self.expectNoFormulaCells(rows)
        let column = { (name: String) in header.firstIndex(of: name)! }
        let cmd = try #require(rows.first { $0[column("event_id")] == "'=cmd|' /C calc'!A0" })
        #expect(cmd[column("entity_id")] == "'+1" && cmd[column("order_id")] == "'+1")
        #expect(cmd[column("message")].contains("\"+1\""))
        let at = try #require(rows.first { $0[column("event_id")] == "'@x" })
        #expect(at[column("entity_id")] == "'-1")
        let link = try #require(rows.first { $0[column("event_id")] == "E3" })
        #expect(link[column("message")].contains("=HYPERLINK(") && link[column("message")].contains("evil.example"))
        #expect(link[column("reason_code")] == "invalid_value")
        #expect(link[column("status")].hasPrefix("'=HYPERLINK("))  // the status as sent (upper-cased), neutralised
        let p1 = try #require(rows.first { $0[column("event_id")] == "P1" })
        #expect(p1[column("resolved")] == "yes" && p1[column("resolved_by_file")] == "pay.csv.rejected.csv")

        let audit = try await ws.run(["audit", "--format", "csv"])
        #expect(audit.status == 0, "\(audit.stderr)")
        let auditRows = Self.parseCSV(audit.stdout)
        #expect(auditRows.count == 9)
        Self.expectNoFormulaCells(auditRows)
        #expect(auditRows.contains { $0.contains("'=cmd|' /C calc'!A0") && $0.contains("'+1") })
    }

    @Test(arguments: StoreBackend.allCases) func jsonOutputsParse(store: StoreBackend) async throws {
        let ws = try await Self.reviewScenario(store: store)
        defer { ws.remove() }
        let rejections = try Self.json(try await ws.run(["rejections", "--format", "json", "--open"]).stdout)
        #expect((rejections["rejections"] as? [Any])?.count == 5)
        let audit = try Self.json(try await ws.run(["audit", "--json"]).stdout)
        #expect(
            audit["count"] as? Int == 8 && audit["total_matching"] as? Int == 8 && audit["truncated"] as? Bool == false)
        let records = audit["records"] as? [[String: Any]] ?? []
        #expect(
            records.map { $0["outcome"] as? String ?? "" } == [
                "rejected", "rejected", "rejected", "rejected", "rejected", "applied", "applied", "rejected",
            ])
        #expect(try Self.json(try await ws.run(["audit", "--format", "json"]).stdout)["count"] as? Int == 8)
    }

    // MARK: audit

    @Test(arguments: StoreBackend.allCases) func auditFilters(store: StoreBackend) async throws {
        let ws = try await Self.reviewScenario(store: store)
        defer { ws.remove() }
        func records(_ arguments: [String]) async throws -> [[String]] {
            let result = try await ws.run(["audit", "--json"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return (try Self.json(result.stdout)["records"] as? [[String: Any]] ?? []).map {
                [
                    $0["event_id"] as? String ?? "-", $0["file"] as? String ?? "", $0["outcome"] as? String ?? "",
                    $0["reason_code"] as? String ?? "-",
                ]
            }
        }
        #expect(
            try await records(["--order", "O1"]) == [
                ["P1", "pay.csv", "rejected", "unknown_order"], ["S1", "orders.csv", "applied", "-"],
                ["P1", "pay.csv.rejected.csv", "applied", "-"],
            ])
        #expect(try await records(["--event", "P2"]).map(\.[1]) == ["pay.csv", "pay.csv.rejected.csv"])
        #expect(try await records(["--outcome", "applied"]).map(\.[0]) == ["S1", "P1"])
        #expect(try await records(["--outcome", "DUPLICATE"]).isEmpty)
        #expect(try await records(["--feed", "storefront"]).map(\.[0]) == ["S1"])
        #expect(try await records(["--file", "evil.jsonl"]).map(\.[0]) == ["=cmd|' /C calc'!A0", "@x", "E3"])
        #expect(try await records(["--file", "pay.csv.rejected.csv", "--outcome", "rejected"]).map(\.[0]) == ["P2"])
        #expect(try await records(["--code", "invalid_value"]).count == 3)
        #expect(try await records(["--return", "R1"]).isEmpty)
        let thirdRunStart = try #require(
            try ws.query("SELECT min(recorded_at) FROM audit_log WHERE file_name = 'pay.csv.rejected.csv'").first?.first
                ?? nil)
        #expect(try await records(["--since", thirdRunStart]).map(\.[0]) == ["P1", "P2"])
        let secondRun = try #require(
            try ws.query("SELECT recorded_at FROM audit_log WHERE event_id = 'S1'").first?.first ?? nil)
        #expect(try await records(["--since", secondRun, "--until", secondRun]).map(\.[0]) == ["S1"])

        // The table, and the limit said out loud.
        let table = try await ws.run(["audit", "--order", "O1"])
        #expect(table.status == 0)
        #expect(
            table.stdout.contains("RECORDED AT") && table.stdout.contains("unknown_order")
                && table.stdout.contains("3 record(s)."))
        let limited = try await ws.run(["audit", "--limit", "2"])
        #expect(limited.stdout.contains("Showing the first 2 of 8 matching records"), "\(limited.stdout)")
        let limitedJSON = try Self.json(try await ws.run(["audit", "--json", "--limit", "2"]).stdout)
        #expect(
            limitedJSON["count"] as? Int == 2 && limitedJSON["total_matching"] as? Int == 8
                && limitedJSON["truncated"] as? Bool == true)
        let limitedCSV = try await ws.run(["audit", "--format", "csv", "--limit", "2"])
        #expect(Self.parseCSV(limitedCSV.stdout).count == 3 && limitedCSV.stderr.contains("Showing the first 2 of 8"))
        #expect(try await ws.run(["audit", "--feed", "carrier"]).stdout.contains("No audit records match."))

        #expect(try await ws.run(["audit", "--outcome", "lost"]).status == 64)
        #expect(try await ws.run(["audit", "--limit", "0"]).status == 64)
        #expect(try await ws.run(["audit", "--json", "--format", "csv"]).status == 64)
    }
}
