import Foundation
import OrdreconTestSupport
import Testing

/// Runs the built binary over feed files crafted so that every outcome and reason code of the
/// contract occurs, then checks the audit log, the state, the side-effect records and the outputs.
@Suite(.runsPrograms)
struct ReasonCodeTests {
    /// Drops the scenario's files (mtimes fix the processing order).
    static func dropScenario(_ ws: TestWorkspace) throws {
        try ws.drop(
            "storefront", "orders.csv",
            """
            event_id,entity,order_id,status,occurred_at,customer_id,ship_to_state,sku,quantity,unit_price,reason,extra_column\r
            S1,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,KA,A,2,50.00,,x\r
            S1,,,,,,,B,1,20.00,,\r
            S2,order,O2,PENDING_PAYMENT,2026-01-01T10:00:00,C2,MH,A,1,50.00,"a note, with
            a newline",\r
            S3,order,O3,PENDING_PAYMENT,2026-01-01T04:30:00Z,C3,KA,A,1,50,,\r
            S4,order,O1,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C1,KA,A,1,50.00,,\r
            S5,order,O4,LOST,2026-01-01T10:00:00+05:30,C1,KA,A,1,50.00,,\r
            S6,order,O5,PENDING_PAYMENT,2026-01-01T10:00:00+05:30\r

            S7,order,O6,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C6,KA,A,1,60.00,,\r
            """, order: 1)
        try ws.drop(
            "payments", "pay.jsonl",
            """
            {"event_id":"P1","entity":"order","order_id":"O1","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":120.00,"payment_ref":"PR1"}
            {"event_id":"P2","entity":"order","order_id":"O2","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":"49.00","payment_ref":"PR2"}
            {"event_id":"P3","entity":"order","order_id":"O9","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":"70.00","payment_ref":"PR9"}
            {"event_id":"P4","entity":"order","order_id":"O2","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":"50.00"}
            {"event_id":"P1","entity":"order","order_id":"O1","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":"120","payment_ref":"PR1"}
            {"event_id":"P1","entity":"order","order_id":"O1","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":"121.00","payment_ref":"PR1"}
            {"event_id": "P6", "entity": "order", oops}
            {"event_id":"P5","entity":"order","order_id":"O3","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":50,"payment_ref":"PR3"}
            {"event_id":"P1","entity":"order","order_id":"O6","status":"PAID","occurred_at":"2026-01-01T11:00:00+05:30","amount":"60.00","payment_ref":"PR6"}
            """, order: 2)
        try ws.drop(
            "carrier", "c1.json",
            """
            [{"event_id":"C1","entity":"order","order_id":"O1","status":"PAID","occurred_at":"2026-01-01T12:00:00+05:30","amount":"120.00","payment_ref":"PR1"},
             {"event_id":"C2","entity":"order","order_id":"O2","status":"DELIVERED","occurred_at":"2026-01-01T12:00:00+05:30"}]
            """, order: 3)
        try ws.drop(
            "warehouse", "w1.csv",
            """
            status,order_id,event_id,entity,occurred_at,carrier,tracking_number
            PROCESSING_IN_WAREHOUSE,O1,W1,order,2026-01-01T10:30:00+05:30,,
            PROCESSING_IN_WAREHOUSE,O1,W2,order,2026-01-01T12:00:00+05:30,,
            SHIPPED,O1,W3,order,2026-01-01T13:00:00+05:30,BlueDart,BD123
            SHIPPED,O1,W4,order,2026-01-01T13:30:00+05:30,BlueDart,BD123
            """, order: 4)
        try ws.drop(
            "carrier", "d1.csv",
            """
            event_id,entity,order_id,status,occurred_at
            D1,order,O1,DELIVERED,2026-01-02T09:00:00+05:30
            """, order: 5)
        try ws.drop(
            "storefront", "returns.json",
            """
            {"events": [
              {"event_id":"RQ1","entity":"return","order_id":"O1","return_id":"R1","status":"REQUESTED","occurred_at":"2026-01-05T10:00:00+05:30","items":[{"sku":"A","quantity":1}]},
              {"event_id":"RQ2","entity":"return","order_id":"O1","return_id":"R1","status":"REQUESTED","occurred_at":"2026-01-05T10:00:00+05:30","items":[{"sku":"B","quantity":1}]},
              {"event_id":"RQ3","entity":"return","order_id":"O3","return_id":"R2","status":"REQUESTED","occurred_at":"2026-01-05T10:00:00+05:30","items":[{"sku":"A","quantity":1}]},
              {"event_id":"RQ4","entity":"return","order_id":"O1","return_id":"R3","status":"REQUESTED","occurred_at":"2026-01-05T10:00:00+05:30","items":[{"sku":"Z","quantity":1}]},
              {"event_id":"RQ5","entity":"return","order_id":"O1","return_id":"R4","status":"REQUESTED","occurred_at":"2026-01-05T10:00:00+05:30","items":[{"sku":"A","quantity":5}]},
              {"event_id":"RQ6","entity":"return","order_id":"O1","return_id":"R5","status":"REQUESTED","occurred_at":"2026-03-01T10:00:00+05:30","items":[{"sku":"B","quantity":1}]},
              {"event_id":"RQ7","entity":"return","order_id":"O2","return_id":"R1","status":"APPROVED","occurred_at":"2026-01-05T10:00:00+05:30"},
              {"event_id":"RQ8","entity":"return","order_id":"O1","return_id":"R6","status":"REQUESTED","occurred_at":"2026-01-01T10:00:00+05:30","items":[{"sku":"B","quantity":1}]},
              {"event_id":"RQ9","entity":"return","order_id":"O1","return_id":"R7","status":"REQUESTED","occurred_at":"2026-01-05T10:00:00+05:30","items":{"sku":"B"}}
            ], "source": "storefront-v2"}
            """, order: 6)
        try ws.drop(
            "returns-desk", "rd1.csv",
            """
            event_id,entity,order_id,return_id,status,occurred_at,reason
            A1,return,O1,R9,APPROVED,2026-01-06T10:00:00+05:30,
            A2,return,O1,R1,APPROVED,2026-01-06T10:00:00+05:30,
            A3,return,O1,R1,COMPLETED,2026-01-06T11:00:00+05:30,
            """, order: 7)
        try ws.drop(
            "carrier", "c2.jsonl",
            """
            {"event_id":"T1","entity":"return","order_id":"O1","return_id":"R1","status":"IN_TRANSIT","occurred_at":"2026-01-07T10:00:00+05:30"}
            """, order: 8)
        try ws.drop(
            "warehouse", "w2.ndjson",
            """
            {"event_id":"W5","entity":"return","order_id":"O1","return_id":"R1","status":"RECEIVED","occurred_at":"2026-01-08T10:00:00+05:30"}
            """, order: 9)
        try ws.drop(
            "returns-desk", "rd2.json",
            """
            [{"event_id":"A4","entity":"return","order_id":"O1","return_id":"R1","status":"COMPLETED","occurred_at":"2026-01-09T10:00:00+05:30"}]
            """, order: 10)
        try ws.drop(
            "storefront", "cancel.csv",
            """
            event_id,entity,order_id,status,occurred_at,reason
            X1,order,O2,CANCELLED,2026-01-02T10:00:00+05:30,customer asked
            X2,order,O3,CANCELLED,2026-01-02T10:00:00+05:30,out of stock
            X3,order,O6,CANCELLED,2026-01-02T10:00:00+05:30,
            """, order: 11)
    }

    @Test(arguments: StoreBackend.allCases) func everyCodeThroughTheBinary(store: StoreBackend) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        let gateway = try await ws.startGateway()  // the run sends the refund it records
        defer { gateway.terminate() }
        try Self.dropScenario(ws)
        let result = try await ws.run(["run"])
        #expect(result.status == 65, "stderr: \(result.stderr)")

        let codes = try ws.query("SELECT event_id, outcome, reason_code, line, file_name FROM audit_log ORDER BY id")
        func outcome(_ eventId: String, file: String? = nil) -> [String?] {
            codes.filter { $0[0] == eventId && (file == nil || $0[4] == file) }.map { row in row[2] ?? row[1] }
        }
        #expect(outcome("S1") == ["applied"])
        #expect(outcome("S4") == ["order_exists"])
        #expect(outcome("S5") == ["invalid_value"])
        #expect(outcome("S6") == ["malformed"])
        #expect(outcome("S7") == ["applied"])
        #expect(outcome("P1") == ["applied", "duplicate", "event_id_conflict", "event_id_conflict"])
        // The last P1 would apply to O6 on its own: the unique index of applied ids catches it.
        #expect(try ws.query("SELECT status FROM orders WHERE order_id = 'O6'") == [["PENDING_PAYMENT"]])
        #expect(outcome("P2") == ["amount_mismatch"])
        #expect(outcome("P3") == ["unknown_order"])
        #expect(outcome("P4") == ["missing_field"])
        #expect(outcome("C1") == ["feed_not_allowed"])
        #expect(outcome("C2") == ["invalid_transition"])
        #expect(outcome("W1") == ["out_of_order"])
        #expect(outcome("W2") == ["applied"])
        #expect(outcome("W3") == ["applied"])
        #expect(outcome("W4") == ["duplicate"])
        #expect(outcome("RQ1") == ["applied"])
        #expect(outcome("RQ2") == ["return_exists"])
        #expect(outcome("RQ3") == ["order_not_delivered"])
        #expect(outcome("RQ4") == ["unknown_sku"])
        #expect(outcome("RQ5") == ["quantity_exceeded"])
        #expect(outcome("RQ6") == ["return_window_closed"])
        #expect(outcome("RQ7") == ["invalid_value"])  // R1 belongs to O1, not O2
        #expect(outcome("RQ8") == ["out_of_order"])
        #expect(outcome("RQ9") == ["malformed"])  // items is not an array
        #expect(outcome("A1") == ["unknown_return"])
        #expect(outcome("A2") == ["applied"])
        #expect(outcome("A3") == ["invalid_transition"])
        #expect(outcome("A4") == ["applied"])
        #expect(outcome("X1") == ["applied"])
        #expect(outcome("X2") == ["applied"])
        #expect(outcome("X3") == ["missing_field"])
        // The unparsable JSONL line has no event id but one record.
        #expect(codes.contains { $0[4] == "pay.jsonl" && $0[3] == "7" && $0[2] == "malformed" })

        // Lines: CSV physical line of the first row (header is 1; the quoted newline counts).
        #expect(codes.first { $0[0] == "S3" }?[3] == "6")
        #expect(codes.first { $0[0] == "S6" }?[3] == "9")
        #expect(codes.first { $0[0] == "S7" }?[3] == "11")
        #expect(codes.first { $0[0] == "RQ9" }?[3] == "9")  // 1-based position in the JSON array

        // Every event has exactly one record per appearance, and the file totals agree.
        #expect(try ws.count("SELECT COUNT(*) FROM audit_log") == codes.count)
        #expect(try ws.count("SELECT SUM(events) FROM files") == codes.count)

        // State and side-effect records.
        #expect(try ws.query("SELECT status FROM orders WHERE order_id = 'O1'") == [["DELIVERED"]])
        #expect(try ws.query("SELECT status FROM orders WHERE order_id = 'O2'") == [["CANCELLED"]])
        #expect(try ws.query("SELECT number, order_id FROM invoices") == [["IN/25-26/0000001", "O1"]])
        let refunds = try ws.query("SELECT refund_id, amount_paise, status, order_id FROM refunds ORDER BY refund_id")
        #expect(refunds == [["RF.O1.R.R1", "5000", "sent", "O1"], ["RF.O3.C", "5000", "sent", "O3"]])
        let body = try ws.read("outbox/refunds/RF.O3.C.json")
        #expect(
            body.contains("\"amount\":5000") && body.contains("\"currency\":\"INR\"")
                && body.contains("\"payment_ref\":\"PR3\""))

        // Files moved, rejections written with the original columns plus the reject columns.
        #expect(ws.files(in: "inbox/storefront").filter { !$0.hasPrefix(".") }.isEmpty)
        #expect(ws.files(in: "archive/storefront") == ["cancel.csv", "orders.csv", "returns.json"])
        let rejected = try ws.read("outbox/rejections/storefront/orders.csv.rejected.csv")
        let lines = rejected.components(separatedBy: "\r\n")
        #expect(
            lines[0]
                == "event_id,entity,order_id,status,occurred_at,customer_id,ship_to_state,sku,quantity,unit_price,reason,extra_column,reject_code,reject_message,source_line"
        )
        #expect(
            lines[1].hasPrefix("S4,order,O1,PENDING_PAYMENT,") && lines[1].contains(",order_exists,")
                && lines[1].hasSuffix(",7"))
        #expect(rejected.contains("S6,order,O5,PENDING_PAYMENT,2026-01-01T10:00:00+05:30,,,,,,,,malformed,"))
        #expect(!ws.files(in: "outbox/rejections/carrier").contains("d1.csv.rejected.csv"))

        // The summary names the files and the codes.
        #expect(result.stdout.contains("pay.jsonl") && result.stdout.contains("amount_mismatch=1"))
    }

    @Test(arguments: StoreBackend.allCases) func orderCommandShowsHistory(store: StoreBackend) async throws {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        try Self.dropScenario(ws)
        _ = try await ws.run(["run"])
        let result = try await ws.run(["order", "O1", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["order_id"] as? String == "O1")
        #expect(json["status"] as? String == "DELIVERED")
        let history = json["history"] as! [[String: Any]]
        #expect(
            history.map { $0["status"] as! String } == [
                "PENDING_PAYMENT", "PAID", "PROCESSING_IN_WAREHOUSE", "SHIPPED", "DELIVERED",
            ])
        #expect(history[0]["actor"] as? String == "storefront")
        #expect(history[1]["occurred_at"] as? String == "2026-01-01T11:00:00+05:30")
        #expect(json["invoice_number"] as? String == "IN/25-26/0000001")
        #expect((json["items"] as! [[String: Any]]).count == 2)
        #expect((json["returns"] as! [[String: Any]]).first?["status"] as? String == "COMPLETED")
        #expect((json["refunds"] as! [[String: Any]]).first?["amount_paise"] as? Int == 5000)

        let table = try await ws.run(["order", "O1"])
        #expect(table.status == 0 && table.stdout.contains("Order O1: DELIVERED"))
        #expect(try await ws.run(["order", "NOPE"]).status == 66)
    }
}
