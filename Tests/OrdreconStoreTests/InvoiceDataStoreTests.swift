import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

@testable import OrdreconStore

/// The buyer's invoice data and item descriptions in the store (schema version 6).
@Suite struct InvoiceDataStoreTests {
    let zone = TimeZone(identifier: "Asia/Kolkata")!

    @Test(arguments: StoreBackend.allCases)
    func theBuyerAndDescriptionsAreStoredAndShown(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        try h.order(
            "O1", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30",
            [
                .customerId: "C1", .customerName: "Ανδρέας Παπαδόπουλος", .billingAddress: "12 MG Road\r\nBengaluru",
                .billingState: "ka", .customerGSTIN: "29ABCDE1234F1ZW",
            ],
            items: [[.sku: "A", .quantity: "1", .unitPrice: "100.00", .description: "Ирина's tea"]])
        try h.order(
            "O2", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C2"],
            items: [[.sku: "A", .quantity: "1", .unitPrice: "100.00"]])
        // As the views show them (orderDetails reads these columns).
        #expect(
            try h.database.rows("SELECT order_id, description FROM order_items ORDER BY order_id")
                == [["O1", "Ирина's tea"], ["O2", nil]])
        let rows = try h.database.rows(
            "SELECT customer_name, billing_address, billing_state, customer_gstin FROM orders ORDER BY order_id")
        #expect(
            rows == [
                ["Ανδρέας Παπαδόπουλος", "12 MG Road\nBengaluru", "KA", "29ABCDE1234F1ZW"], [nil, nil, nil, nil],
            ])
    }

    @Test func aVersionFiveDatabaseIsUpgradedAndKeepsItsOrders() throws {
        let directory = NSTemporaryDirectory() + "ordrecon-v5-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/old.sqlite"
        let upToFive = Schema.migrations.prefix(5).joined(separator: "\n")
        try SQLiteFile.execute(upToFive + "\nPRAGMA user_version = 5;", at: path)
        // An order as version 5 wrote it.
        try SQLiteFile.execute(
            """
            INSERT INTO order_headers (order_id, customer_id, ship_to_state, total_paise, created_at)
            VALUES ('O9', 'C9', 'KA', 10000, 0);
            INSERT INTO order_items (order_id, sku, quantity, unit_price_paise, hsn, gst_rate_bp, position)
            VALUES ('O9', 'A', 1, 10000, '6109', 1200, 0);
            INSERT INTO order_headers (order_id, customer_id, total_paise, created_at) VALUES ('O8', 'C8', 5000000, 0);
            INSERT INTO order_items (order_id, sku, quantity, unit_price_paise, position) VALUES ('O8', 'B', 1, 5000000, 0);
            INSERT INTO invoices (number, order_id, fy_start, seq, issued_at, total_paise, audit_id, created_at)
            VALUES ('IN/26-27/0000001', 'O9', 2026, 1, 0, 10000, 1, 0),
                   ('IN/26-27/0000002', 'O8', 2026, 2, 0, 5000000, 2, 0);
            """, at: path)
        let store = try Store(path: path)
        #expect(try store.schemaVersion == 6)
        #expect(Schema.migrations.count == 6)
        let rows = try SQLiteFile.rows(
            """
            SELECT o.order_id, o.customer_name, o.billing_address, o.billing_state, o.customer_gstin, i.description
            FROM orders o JOIN order_items i USING (order_id)
            """, at: path)
        #expect(rows.filter { $0.first == "O9" } == [["O9", nil, nil, nil, nil, nil]])
        // Invoices issued before version 6 are judged by the same rule when it is added.
        let missing = try SQLiteFile.rows("SELECT number, missing FROM invoices ORDER BY number", at: path)
        #expect(
            missing == [
                ["IN/26-27/0000001", nil], ["IN/26-27/0000002", "hsn,customer_name,billing_address,billing_state"],
            ])
        #expect(try store.incompleteInvoices().map(\.skusWithoutHSN) == [["B"]])
    }
}
