import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

/// Invoices and credit notes read and marked on PostgreSQL, from rows written straight into the
/// database (how they are numbered is the ingest's, tested with it).
@Suite struct PostgresDocumentTests {
    func t(_ ms: Int64) -> Timestamp { Timestamp(milliseconds: ms) }

    @Test func documentsAreListedReadAndMarkedAsOnSQLite() throws {
        let database = try StoreBackend.postgres.newDatabase()
        let store = try database.open()
        try database.execute(
            """
            INSERT INTO order_headers (order_id, customer_id, ship_to_state, total_paise, created_at, customer_name)
            VALUES ('O1', 'C1', 'MH', 30000, 0, 'Asha'), ('O2', 'C2', NULL, 1000, 0, NULL);
            INSERT INTO order_items (order_id, sku, quantity, unit_price_paise, hsn, gst_rate_bp, position, description)
            VALUES ('O1', 'B', 2, 9999, '6109', 1200, 0, 'Shirt'), ('O1', 'A', 1, 10002, NULL, NULL, 1, NULL),
                   ('O2', 'Z', 1, 1000, NULL, NULL, 0, NULL);
            INSERT INTO invoices (number, order_id, fy_start, seq, issued_at, total_paise, audit_id, created_at, default_gst_rate_bp)
            VALUES ('IN/26-27/0000001', 'O1', 2026, 1, 100, 30000, 1, 100, 1800),
                   ('IN/26-27/0000002', 'O2', 2026, 2, 200, 1000, 2, 200, 1800);
            INSERT INTO return_items (return_id, sku, quantity) VALUES ('R1', 'B', 1);
            INSERT INTO credit_notes (number, return_id, order_id, invoice_number, fy_start, seq, issued_at, total_paise, audit_id, created_at)
            VALUES ('CN/26-27/0000001', 'R1', 'O1', 'IN/26-27/0000001', 2026, 1, 150, 9999, 3, 150);
            """)
        let (in1, in2, cn1) = ("IN/26-27/0000001", "IN/26-27/0000002", "CN/26-27/0000001")
        #expect(try store.documents().map(\.number) == [in1, cn1, in2])
        #expect(try store.documents(orderId: "O1").map(\.number) == [in1, cn1])
        #expect(try store.documents(missingPDF: true).map(\.number) == [in1, in2, cn1])
        #expect(try store.documents(missingPDF: true, limit: 2).map(\.number) == [in1, in2])
        #expect(try store.documents(limit: 1).map(\.number) == [in1])

        let note = try #require(try store.document(number: cn1))
        #expect(note.kind == .creditNote && note.returnId == "R1" && note.invoiceNumber == in1)
        #expect(note.invoiceIssuedAt == t(100) && note.issuedAt == t(150) && note.total == Money(paise: 9999))
        #expect(note.buyer.name == "Asha" && note.customerId == "C1" && note.defaultGSTRateBasisPoints == 1800)
        let invoice = try #require(try store.document(number: in1))
        #expect(invoice.kind == .invoice && invoice.returnId == nil && invoice.invoiceIssuedAt == nil)
        #expect(try store.document(number: "IN/26-27/0000404") == nil)

        #expect(
            try store.documentLines(invoice) == [
                DocumentLine(
                    sku: "B", quantity: 2, unitPrice: Money(paise: 9999), hsn: "6109", gstRateBasisPoints: 1200,
                    description: "Shirt"),
                DocumentLine(sku: "A", quantity: 1, unitPrice: Money(paise: 10002), hsn: nil, gstRateBasisPoints: nil),
            ])
        #expect(
            try store.documentLines(note) == [
                DocumentLine(
                    sku: "B", quantity: 1, unitPrice: Money(paise: 9999), hsn: "6109", gstRateBasisPoints: 1200,
                    description: "Shirt")
            ])

        #expect(try store.unrenderedDocumentCounts() == ["invoice": 2, "credit_note": 1])
        try store.markRendered(invoice, path: "2026-27/IN-26-27-0000001.pdf", at: t(5))
        try store.markRendered(note, path: "2026-27/CN-26-27-0000001.pdf", at: t(6))
        #expect(try store.documents(missingPDF: true).map(\.number) == [in2])
        #expect(try store.documents(orderId: "O1", missingPDF: true).isEmpty)
        let marked = try #require(try database.open().document(number: in1))
        #expect(marked.pdfPath == "2026-27/IN-26-27-0000001.pdf" && marked.renderedAt == t(5))
        #expect(try store.unrenderedDocumentCounts() == ["invoice": 1, "credit_note": 0])
        #expect(try store.documentsWithoutPDFCount() == 1)
    }
}
