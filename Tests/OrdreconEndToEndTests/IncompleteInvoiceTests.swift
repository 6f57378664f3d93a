import Foundation
import OrdreconTestSupport
import Testing

/// Incomplete invoices end to end (in-process runs): still issued and numbered, listed by
/// `ordrecon invoices --incomplete` (table and JSON) and in the run report, counted by a metric.
@Suite struct IncompleteInvoiceTests {
    /// O1 lacks an HSN code on one line; O2 is ₹50,000.00 to an anonymous buyer; O3 ₹49,999.99 to
    /// one; O4 ₹60,000 to a registered buyer without an address; O5 ₹50,000 with name, address
    /// and state.
    static let orders = """
        event_id,entity,order_id,status,occurred_at,customer_id,customer_name,billing_address,billing_state,customer_gstin,sku,quantity,unit_price,hsn
        S1,order,O1,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C1,,,,,TEE-1,1,100.00,6109
        S1,,,,,,,,,,MUG-1,2,50.00,
        S1,,,,,,,,,,PEN-1,1,10.00,
        S2,order,O2,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C2,,,,,TV-1,1,50000.00,8528
        S3,order,O3,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C3,,,,,TV-2,1,49999.99,8528
        S4,order,O4,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C4,,,,29ABCDE1234F1ZW,TV-1,1,60000.00,8528
        S5,order,O5,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C5,Ανδρέας,"1 MG Road
        Bengaluru",KA,,TV-1,1,50000.00,8528
        """

    static func lifecycle(_ ids: [String]) -> (payments: String, shipping: String) {
        let totals = ["O1": "210.00", "O2": "50000.00", "O3": "49999.99", "O4": "60000.00", "O5": "50000.00"]
        var payments = "event_id,entity,order_id,status,occurred_at,amount,payment_ref\n"
        var shipping = "event_id,entity,order_id,status,occurred_at\n"
        for id in ids {
            payments += "P\(id),order,\(id),PAID,2026-05-01T11:00:00+05:30,\(totals[id]!),PAY-\(id)\n"
            shipping += "W\(id),order,\(id),PROCESSING_IN_WAREHOUSE,2026-05-01T12:00:00+05:30\n"
            shipping += "X\(id),order,\(id),SHIPPED,2026-05-02T12:00:00+05:30\n"
        }
        return (payments, shipping)
    }

    @Test(arguments: StoreBackend.allCases) func incompleteInvoicesAreIssuedAndListed(store: StoreBackend) async throws
    {
        let ws = try TestWorkspace(store: store)
        defer { ws.remove() }
        let ids = ["O1", "O2", "O3", "O4", "O5"]
        let (payments, shipping) = Self.lifecycle(ids)
        try ws.drop("storefront", "orders.csv", Self.orders, order: 1)
        try ws.drop("payments", "payments.csv", payments, order: 2)
        try ws.drop("warehouse", "ship.csv", shipping, order: 3)
        let run = try await ws.run(["run", "--json"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try ws.count("SELECT COUNT(*) FROM invoices") == 5)

        let json = try await ws.run(["invoices", "--incomplete", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["count"] as? Int == 2)
        let listed = try #require(object["invoices"] as? [[String: Any]])
        #expect(listed.map { $0["order_id"] as? String } == ["O1", "O2"])
        #expect(listed[0]["missing"] as? [String] == ["hsn"])
        #expect(listed[0]["skus_without_hsn"] as? [String] == ["MUG-1", "PEN-1"])
        #expect(listed[1]["missing"] as? [String] == ["customer_name", "billing_address", "billing_state"])

        let table = try await ws.run(["invoices", "--incomplete"])
        #expect(table.stdout.contains("HSN of MUG-1, PEN-1"), "\(table.stdout)")
        #expect(table.stdout.contains("customer_name; billing_address; billing_state"))
        #expect(table.stdout.contains("2 incomplete invoices"))

        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let runId = try #require(summary["run_id"] as? Int)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(ws.read("outbox/reports/\(runId).json").utf8))
                as? [String: Any])
        let incomplete = try #require(report["invoices_incomplete"] as? [String: Any])
        #expect(incomplete["count"] as? Int == 2)
        #expect((incomplete["invoices"] as? [[String: Any]])?.count == 2)
        let number = try #require(listed[1]["number"] as? String)
        let show = try await ws.run(["invoice", "show", number, "--json"])
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(
            shown["missing"] as? [String] == ["customer_name", "billing_address", "billing_state"], "\(show.stdout)")
        let complete = try await ws.run(["invoice", "show", "IN/26-27/0000005", "--json"])
        let five = try #require(try JSONSerialization.jsonObject(with: Data(complete.stdout.utf8)) as? [String: Any])
        let recipient = try #require(five["recipient"] as? [String: Any], "\(complete.stdout)")
        #expect(recipient["name"] as? String == "Ανδρέας" && recipient["state"] as? String == "KA")
        #expect(recipient["address_lines"] as? [String] == ["1 MG Road", "Bengaluru"])
        #expect(five["missing"] as? [String] == [])
        let html = try ws.read("outbox/reports/\(runId).html")
        #expect(html.contains("Incomplete invoices") && html.contains("HSN of MUG-1, PEN-1"))
    }
}
