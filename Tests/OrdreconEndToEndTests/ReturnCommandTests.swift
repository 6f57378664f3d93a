import Foundation
import OrdreconTestSupport
import Testing

/// `ordrecon return`, and what the review commands say before any run (ReviewCommandTests' scenario helpers).
extension ReviewCommandTests {

    @Test(arguments: StoreBackend.allCases) func returnShowsOrderItemsHistoryAndRefund(store: StoreBackend) async throws
    {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        try ws.drop(
            "storefront", "o.csv",
            """
            event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price
            S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,A,2,50.00
            S1,,,,,,B,1,20.00
            """, order: 1)
        try ws.drop(
            "payments", "p.jsonl",
            """
            {"event_id":"P1","entity":"order","order_id":"O1","status":"PAID","occurred_at":"2026-01-01T10:30:00+05:30","amount":"120.00","payment_ref":"PR1"}
            """, order: 2)
        try ws.drop(
            "warehouse", "w.csv",
            """
            event_id,entity,order_id,status,occurred_at,carrier,tracking_number
            W1,order,O1,PROCESSING_IN_WAREHOUSE,2026-01-01T11:00:00+05:30,,
            W2,order,O1,SHIPPED,2026-01-01T12:00:00+05:30,BlueDart,BD1
            """, order: 3)
        try ws.drop(
            "carrier", "d.csv",
            """
            event_id,entity,order_id,status,occurred_at
            D1,order,O1,DELIVERED,2026-01-02T09:00:00+05:30
            """, order: 4)
        try ws.drop(
            "storefront", "r.json",
            """
            [{"event_id":"RQ1","entity":"return","order_id":"O1","return_id":"R1","status":"REQUESTED","occurred_at":"2026-01-05T10:00:00+05:30","actor":"support:asha","items":[{"sku":"A","quantity":1}]},
             {"event_id":"RQ2","entity":"return","order_id":"O1","return_id":"R2","status":"REQUESTED","occurred_at":"2026-01-05T11:00:00+05:30","items":[{"sku":"B","quantity":1}]}]
            """, order: 5)
        try ws.drop(
            "returns-desk", "a.csv",
            """
            event_id,entity,order_id,return_id,status,occurred_at
            A1,return,O1,R1,APPROVED,2026-01-06T10:00:00+05:30
            """, order: 6)
        try ws.drop(
            "carrier", "t.jsonl",
            """
            {"event_id":"T1","entity":"return","order_id":"O1","return_id":"R1","status":"IN_TRANSIT","occurred_at":"2026-01-07T10:00:00+05:30","carrier":"Delhivery","tracking_number":"DL9"}
            """, order: 7)
        try ws.drop(
            "warehouse", "rc.ndjson",
            """
            {"event_id":"W5","entity":"return","order_id":"O1","return_id":"R1","status":"RECEIVED","occurred_at":"2026-01-08T10:00:00+05:30"}
            """, order: 8)
        try ws.drop(
            "returns-desk", "c.json",
            """
            [{"event_id":"A2","entity":"return","order_id":"O1","return_id":"R1","status":"COMPLETED","occurred_at":"2026-01-09T10:00:00+05:30"}]
            """, order: 9)
        let run = try await ws.run(["run"])
        #expect(run.status == 0 || run.status == 75, "\(run.stdout)\n\(run.stderr)")  // 75: no gateway here
        #expect(try ws.count("SELECT count(*) FROM audit_events WHERE outcome <> 'applied'") == 0)

        let text = try await ws.run(["return", "R1"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("Return R1: COMPLETED\nOrder O1 (DELIVERED)\n"), "\(text.stdout)")
        #expect(text.stdout.contains("Carrier Delhivery, tracking DL9"))
        #expect(
            text.stdout.split(separator: "\n").contains { $0.split(separator: " ") == ["A", "1", "50.00", "50.00"] })
        #expect(text.stdout.contains("Value 50.00 INR"))
        #expect(text.stdout.contains("Refund RF.O1.R.R1: 50.00 INR, pending"))
        let positions = try ["REQUESTED", "APPROVED", "IN_TRANSIT", "RECEIVED", "COMPLETED"].map { status in
            try #require(text.stdout.range(of: "\n" + status + " ")).lowerBound
        }
        #expect(positions == positions.sorted())
        #expect(
            text.stdout.contains("support:asha") && text.stdout.contains("r.json:1") && text.stdout.contains("c.json:1")
        )

        let json = try Self.json(try await ws.run(["return", "R1", "--json"]).stdout)
        #expect(
            json["return_id"] as? String == "R1" && json["order_id"] as? String == "O1"
                && json["status"] as? String == "COMPLETED")
        #expect(json["order_status"] as? String == "DELIVERED" && json["value_paise"] as? Int == 5000)
        let items = json["items"] as? [[String: Any]] ?? []
        #expect(
            items.count == 1 && items.first?["sku"] as? String == "A" && items.first?["quantity"] as? Int == 1
                && items.first?["unit_price_paise"] as? Int == 5000)
        let history = json["history"] as? [[String: Any]] ?? []
        #expect(
            history.map { $0["status"] as? String ?? "" } == [
                "REQUESTED", "APPROVED", "IN_TRANSIT", "RECEIVED", "COMPLETED",
            ])
        #expect(
            history.first?["actor"] as? String == "support:asha" && history.first?["feed"] as? String == "storefront")
        #expect(history.first?["file"] as? String == "r.json" && history.first?["line"] as? Int == 1)
        #expect(history.first?["occurred_at"] as? String == "2026-01-05T10:00:00+05:30")
        #expect(history[2]["actor"] as? String == "carrier")
        let refund = try #require(json["refund"] as? [String: Any])
        #expect(
            refund["refund_id"] as? String == "RF.O1.R.R1" && refund["amount_paise"] as? Int == 5000
                && refund["status"] as? String == "pending")

        let r2 = try Self.json(try await ws.run(["return", "R2", "--json"]).stdout)
        #expect(r2["status"] as? String == "REQUESTED" && r2["refund"] is NSNull)
        #expect((r2["history"] as? [Any])?.count == 1)
        #expect(try await ws.run(["return", "R2"]).stdout.contains("No refund"))

        let unknown = try await ws.run(["return", "R9"])
        #expect(unknown.status == 66 && unknown.stderr.contains("return R9 is unknown"))

        // The audit search by return.
        let audit = try Self.json(try await ws.run(["audit", "--json", "--return", "R1"]).stdout)
        #expect(
            (audit["records"] as? [[String: Any]] ?? []).map { $0["event_id"] as? String ?? "" } == [
                "RQ1", "A1", "T1", "W5", "A2",
            ])
    }

    @Test(arguments: StoreBackend.allCases) func noDatabaseYetSaysSoAndExits66(store: StoreBackend) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        for arguments in [["rejections"], ["audit"], ["return", "R1"], ["rejections", "--format", "csv"]] {
            let result = try await ws.run(arguments)
            #expect(result.status == 66, "\(arguments)")
            #expect(result.stderr.contains("no database yet"), "\(arguments): \(result.stderr)")
        }
    }
}

/// A long unbroken value in a review table is shortened in the middle, so it does not push
/// every other row off the screen; the JSON output keeps it whole.
@Suite(.runsPrograms)
struct ReviewTableWidthTests {
    @Test(arguments: StoreBackend.allCases) func aLongEventIdIsShortenedInTheTableAndWholeInJSON(store: StoreBackend)
        async throws
    {
        let ws = try TestWorkspace(store: store)
        let longId = "LONG-" + String(repeating: "A", count: 300)
        try ws.drop(
            "payments", "pay.csv",
            """
            event_id,entity,order_id,status,occurred_at,amount,payment_ref
            \(longId),order,O1,PAID,2026-01-01T11:00:00+05:30,70.00,PR1
            P2,order,O2,PAID,2026-01-01T11:00:00+05:30,70.00,PR2
            """, order: 1)
        #expect(try await ws.run(["run"]).status == 65)

        let table = try await ws.run(["rejections"])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        let rows = lines.filter { $0.contains("unknown_order") && $0.contains("pay.csv") }
        try #require(rows.count == 2, "\(table.stdout)")
        // Both rows line up: the message starts at the same column, well within a terminal.
        let messageColumns = rows.map { $0.range(of: "order \"O")?.lowerBound.utf16Offset(in: $0) ?? -1 }
        #expect(messageColumns[0] == messageColumns[1] && messageColumns[0] > 0, "\(rows)")
        #expect(messageColumns[0] < 200, "\(rows)")
        #expect(rows[0].contains("LONG-AAAA") && rows[0].contains("…"))
        #expect(!table.stdout.contains(longId))
        #expect(table.stdout.contains("shortened in the middle"))

        let json = try await ws.run(["rejections", "--format", "json"])
        #expect(json.stdout.contains(longId))
    }
}
