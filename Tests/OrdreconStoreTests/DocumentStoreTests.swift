import Foundation
import OrdreconCore
import OrdreconStore
import OrdreconTestSupport
import Testing

/// Invoices and credit notes, on both backends: numbers, citations, what a PDF prints.
@Suite struct DocumentStoreTests {
    let zone = TimeZone(identifier: "Asia/Kolkata")!

    /// An order (item A × 1 at 100.00) shipped, delivered, returned and the return completed at `completedAt`.
    func returnedOrder(_ h: StoreTests.Harness, _ id: String, completedAt: String) throws {
        try h.shippedOrder(id, shippedAt: "2027-03-10T10:00:00+05:30")
        try h.order(id, "DELIVERED", "2027-03-12T10:00:00+05:30")
        let returnId = "R-" + id
        func move(_ status: String, _ time: String, items: [[ItemField: String]] = []) throws {
            try h.send(
                [
                    .eventId: "E\(h.line)", .entity: "return", .orderId: id, .returnId: returnId, .status: status,
                    .occurredAt: time,
                ], items: items)
        }
        try move("REQUESTED", "2027-03-20T10:00:00+05:30", items: [[.sku: "A", .quantity: "1"]])
        try move("APPROVED", "2027-03-21T10:00:00+05:30")
        try move("IN_TRANSIT", "2027-03-22T10:00:00+05:30")
        try move("RECEIVED", "2027-03-25T10:00:00+05:30")
        try move("COMPLETED", completedAt)
    }

    @Test(arguments: StoreBackend.allCases)
    func creditNotesAreNumberedPerFinancialYearAndCiteTheInvoice(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        try returnedOrder(h, "O1", completedAt: "2027-03-31T23:59:00+05:30")
        try returnedOrder(h, "O2", completedAt: "2027-04-01T00:00:00+05:30")
        try returnedOrder(h, "O3", completedAt: "2027-03-31T18:29:59Z")  // 23:59:59 in Kolkata: still March
        let notes = try h.store.documents().filter { $0.kind == .creditNote }
        #expect(notes.map(\.number) == ["CN/26-27/0000001", "CN/26-27/0000002", "CN/27-28/0000001"])
        #expect(notes.map(\.returnId) == ["R-O1", "R-O3", "R-O2"])
        #expect(notes.allSatisfy { $0.number.count == 16 && $0.total == Money(paise: 10_000) })
        let invoices = try h.store.documents().filter { $0.kind == .invoice }
        #expect(invoices.map(\.number) == ["IN/26-27/0000001", "IN/26-27/0000002", "IN/26-27/0000003"])
        for note in notes {
            let cited = try #require(invoices.first { $0.orderId == note.orderId })
            #expect(note.invoiceNumber == cited.number && note.invoiceIssuedAt == cited.issuedAt)
        }
        #expect(
            DocumentNumber.format(
                series: DocumentNumber.creditNoteSeries, financialYearStart: 2099,
                sequence: DocumentNumber.maximumSequence)
                == "CN/99-00/9999999")
    }

    @Test(arguments: StoreBackend.allCases)
    func linesMissingPDFsAndMarking(backend: StoreBackend) throws {
        let h = try StoreTests.Harness(zone: zone, backend: backend)
        try h.order(
            "O9", "PENDING_PAYMENT", "2027-03-01T10:00:00+05:30", [.customerId: "CUST-9", .shipToState: "MH"],
            items: [
                [.sku: "B", .quantity: "2", .unitPrice: "99.99", .hsn: "6109", .gstRate: "12"],
                [.sku: "A", .quantity: "3", .unitPrice: "10.00"],
            ])
        try h.order("O9", "PAID", "2027-03-01T11:00:00+05:30", [.amount: "229.98", .paymentRef: "P9"])
        try h.order("O9", "PROCESSING_IN_WAREHOUSE", "2027-03-01T12:00:00+05:30")
        try h.order("O9", "SHIPPED", "2027-03-02T12:00:00+05:30")
        try h.order("O9", "DELIVERED", "2027-03-04T12:00:00+05:30")
        func move(_ status: String, _ time: String, items: [[ItemField: String]] = []) throws {
            try h.send(
                [
                    .eventId: "E\(h.line)", .entity: "return", .orderId: "O9", .returnId: "R9", .status: status,
                    .occurredAt: time,
                ], items: items)
        }
        try move("REQUESTED", "2027-03-05T10:00:00+05:30", items: [[.sku: "B", .quantity: "1"]])
        for (status, day) in [("APPROVED", 6), ("IN_TRANSIT", 7), ("RECEIVED", 8), ("COMPLETED", 9)] {
            try move(status, "2027-03-0\(day)T10:00:00+05:30")
        }
        let missing = try h.store.documents(missingPDF: true)
        #expect(missing.map(\.number) == ["IN/26-27/0000001", "CN/26-27/0000001"])
        let invoice = missing[0]
        let note = missing[1]
        #expect(
            invoice.customerId == "CUST-9" && invoice.shipToState == "MH" && invoice.defaultGSTRateBasisPoints == 1800)
        #expect(
            try h.store.documentLines(invoice) == [
                DocumentLine(
                    sku: "B", quantity: 2, unitPrice: Money(paise: 9999), hsn: "6109", gstRateBasisPoints: 1200),
                DocumentLine(sku: "A", quantity: 3, unitPrice: Money(paise: 1000), hsn: nil, gstRateBasisPoints: nil),
            ])
        #expect(
            try h.store.documentLines(note) == [
                DocumentLine(
                    sku: "B", quantity: 1, unitPrice: Money(paise: 9999), hsn: "6109", gstRateBasisPoints: 1200)
            ])
        #expect(note.total == Money(paise: 9999))

        try h.store.markRendered(invoice, path: "2026-27/IN-26-27-0000001.pdf", at: Timestamp(milliseconds: 5))
        #expect(try h.store.documents(missingPDF: true).map(\.number) == ["CN/26-27/0000001"])
        #expect(try h.store.document(number: "IN/26-27/0000001")?.pdfPath == "2026-27/IN-26-27-0000001.pdf")
        #expect(try h.store.document(number: "CN/26-27/0000001")?.invoiceNumber == "IN/26-27/0000001")
        #expect(try h.store.document(number: "IN/26-27/0000404") == nil)
        #expect(try h.store.documentsWithoutPDFCount() == 1)
        #expect(try h.store.unrenderedDocumentCounts() == ["invoice": 0, "credit_note": 1])
        if let store = h.store as? Store {
            #expect(try store.documentCounts() == (invoices: 1, creditNotes: 1, missingPDF: 1))
        }
        // A new connection reads the same.
        #expect(try h.reopen().documents(missingPDF: true).map(\.number) == ["CN/26-27/0000001"])

        // Numbers and amounts never change.
        let database = h.database
        #expect(throws: TestError.self) { try database.execute("UPDATE invoices SET number = 'IN/26-27/0000009'") }
        #expect(throws: TestError.self) { try database.execute("UPDATE credit_notes SET total_paise = 1") }
    }
}
