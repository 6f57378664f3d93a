import Foundation
import OrdreconTestSupport
import Testing

/// `config/catalog.csv` through in-process runs: it fills the blanks of stored order lines, the
/// event's own values win, and a catalog that cannot be used stops the run (and validate, watch)
/// with exit 78, but no command that stores no orders.
@Suite struct CatalogTests {
    static let orders = """
        event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price,hsn,gst_rate,description
        S1,order,O1,PENDING_PAYMENT,2026-05-01T10:00:00+05:30,C1,TEE-1,1,99.00,,,
        S1,,,,,,MUG-1,1,50.00,9999,5,Own mug
        S1,,,,,,PEN-1,1,10.00,,,
        """

    @Test func theCatalogFillsWhatTheEventLeavesBlank() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        try "sku,description,hsn,gst_rate\nTEE-1,Cotton tee,6109,12\nMUG-1,Catalog mug,6912,18\n".write(
            toFile: ws.root + "/config/catalog.csv", atomically: true, encoding: .utf8)
        try ws.drop("storefront", "orders.csv", Self.orders)
        let result = try await ws.run(["run"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let rows = try ws.query(
            "SELECT sku, description, hsn, gst_rate_bp FROM order_items WHERE order_id = 'O1' ORDER BY position")
        #expect(
            rows == [
                ["TEE-1", "Cotton tee", "6109", "1200"], ["MUG-1", "Own mug", "9999", "500"],
                ["PEN-1", nil, nil, nil],
            ])
        // Editing the catalog later changes no stored order, and the event sent again is a duplicate.
        try "sku,description,hsn,gst_rate\nTEE-1,Renamed tee,6110,5\n".write(
            toFile: ws.root + "/config/catalog.csv", atomically: true, encoding: .utf8)
        try ws.drop("storefront", "again.csv", Self.orders)
        let again = try await ws.run(["run"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try ws.count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'duplicate'") == 1)
        #expect(
            try ws.query("SELECT description, hsn FROM order_items WHERE sku = 'TEE-1'") == [["Cotton tee", "6109"]])
    }

    @Test func anUnusableCatalogExits78WithFileLineAndWhy() async throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        try "sku,description,hsn,gst_rate\nTEE-1,Cotton tee,6109,12\nTEE-1,Again,6109,12\n".write(
            toFile: ws.root + "/config/catalog.csv", atomically: true, encoding: .utf8)
        try ws.drop("storefront", "orders.csv", Self.orders)
        let result = try await ws.run(["run"])
        #expect(result.status == 78)
        #expect(
            result.stderr.contains("config/catalog.csv:3: sku \"TEE-1\" is listed twice (first on line 2)"),
            "\(result.stderr)")
        #expect(ws.files(in: "archive/storefront").isEmpty)
        let validate = try await ws.run(["validate", "--feed", "storefront", "inbox/storefront/orders.csv"])
        #expect(validate.status == 78, "\(validate.stdout)\(validate.stderr)")
        // Only the commands that store orders read the catalog: refunds and reviews go on
        // (dispatch first: it makes the database the review commands then read).
        for command in [["dispatch"], ["refunds"], ["invoices"]] {
            let other = try await ws.run(command)
            #expect(other.status == 0, "\(command): \(other.stdout)\(other.stderr)")
        }
    }
}
