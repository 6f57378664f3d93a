import Foundation
import OrdreconTestSupport
import Testing

/// `ordrecon validate` runs the same validator as `run`: the invoice data's invalid values are
/// reported with their line, code and a message naming the field.
@Suite struct InvoiceDataValidateTests {
    @Test func validateReportsInvalidInvoiceData() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let path = try ws.drop(
            "storefront", "orders.csv",
            """
            event_id,entity,order_id,status,occurred_at,customer_id,customer_name,billing_state,customer_gstin,sku,quantity,unit_price
            S1,order,O1,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C1,Ирина,KA,29ABCDE1234F1Z5,A,1,10.00
            S2,order,O2,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C1,Ирина,ZZ,,A,1,10.00
            S3,order,O3,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C1,\(String(repeating: "Я", count: 121)),KA,,A,1,10.00
            S4,order,O4,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C1,Ирина,KA,29ABCDE1234F1ZW,A,1,10.00
            """)
        let result = try await ws.run(["validate", path, "--feed", "storefront", "--json"])
        #expect(result.status == 65, "\(result.stdout)\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let events = try #require(object["events"] as? [[String: Any]], "\(result.stdout)")
        let rows = events.map { ($0["line"] as? Int, $0["reason_code"] as? String, $0["message"] as? String ?? "") }
        try #require(rows.count == 4)
        #expect(rows[0].0 == 2 && rows[0].1 == "invalid_value" && rows[0].2.contains("customer_gstin"))
        #expect(rows[1].0 == 3 && rows[1].1 == "invalid_value" && rows[1].2.contains("billing_state \"ZZ\""))
        #expect(rows[2].0 == 4 && rows[2].1 == "invalid_value" && rows[2].2.contains("customer_name is 121 characters"))
        #expect(rows[3].0 == 5 && rows[3].1 == nil)
    }
}
