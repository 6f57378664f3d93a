public import OrdreconCore

extension Store {
    /// Invoices and credit notes, oldest first (invoices of an order before its credit notes).
    /// Documents without a PDF (of any order) are read through the partial indexes of documents
    /// without a PDF, so that paging through a large backlog never sorts or scans the documents
    /// already written.
    public func documents(matching query: DocumentQuery) throws(StoreError) -> [DocumentRecord] {
        let (orderId, missingPDF, limit) = (query.orderId, query.missingPDF, query.limit)
        if missingPDF, orderId == nil { return try documentsWithoutPDF(limit: limit) }
        let s = try db.statement(
            """
            SELECT * FROM (
                SELECT 'invoice' AS kind, i.number, i.order_id, NULL AS return_id, i.issued_at, i.total_paise,
                       h.customer_id, h.ship_to_state, NULL AS invoice_number, NULL AS invoice_issued_at,
                       i.default_gst_rate_bp, i.pdf_path, i.rendered_at, i.created_at, h.customer_name, h.billing_address, h.billing_state, h.customer_gstin
                FROM invoices i JOIN order_headers h USING (order_id)
                WHERE (?1 IS NULL OR i.order_id = ?1) AND (?2 = 0 OR i.pdf_path IS NULL)
                UNION ALL
                SELECT 'credit_note', c.number, c.order_id, c.return_id, c.issued_at, c.total_paise,
                       h.customer_id, h.ship_to_state, c.invoice_number, i.issued_at,
                       i.default_gst_rate_bp, c.pdf_path, c.rendered_at, c.created_at, h.customer_name, h.billing_address, h.billing_state, h.customer_gstin
                FROM credit_notes c JOIN order_headers h USING (order_id) JOIN invoices i ON i.number = c.invoice_number
                WHERE (?1 IS NULL OR c.order_id = ?1) AND (?2 = 0 OR c.pdf_path IS NULL)
            ) ORDER BY issued_at, kind DESC, number LIMIT ?3
            """
        ).bind([orderId, missingPDF ? 1 : 0, Int64(min(limit, Int(Int64.max)))])
        var records: [DocumentRecord] = []
        while try s.step() { records.append(DocumentRecord(row: s)) }
        return records
    }

    private func documentsWithoutPDF(limit: Int) throws(StoreError) -> [DocumentRecord] {
        let cap = Int64(min(limit, Int(Int64.max)))
        let invoices = try db.statement(
            """
            SELECT 'invoice', i.number, i.order_id, NULL, i.issued_at, i.total_paise, h.customer_id, h.ship_to_state,
                   NULL, NULL, i.default_gst_rate_bp, i.pdf_path, i.rendered_at, i.created_at, h.customer_name, h.billing_address, h.billing_state, h.customer_gstin
            FROM invoices i JOIN order_headers h USING (order_id)
            WHERE i.pdf_path IS NULL ORDER BY i.number LIMIT ?
            """
        ).bind([cap])
        var records: [DocumentRecord] = []
        while try invoices.step() { records.append(DocumentRecord(row: invoices)) }
        guard records.count < limit else { return records }
        let notes = try db.statement(
            """
            SELECT 'credit_note', c.number, c.order_id, c.return_id, c.issued_at, c.total_paise, h.customer_id,
                   h.ship_to_state, c.invoice_number, i.issued_at, i.default_gst_rate_bp, c.pdf_path, c.rendered_at,
                   c.created_at, h.customer_name, h.billing_address, h.billing_state, h.customer_gstin
            FROM credit_notes c JOIN order_headers h USING (order_id) JOIN invoices i ON i.number = c.invoice_number
            WHERE c.pdf_path IS NULL ORDER BY c.number LIMIT ?
            """
        ).bind([cap - Int64(records.count)])
        while try notes.step() { records.append(DocumentRecord(row: notes)) }
        return records
    }

    /// The invoice or credit note with this number, if any.
    public func document(number: String) throws(StoreError) -> DocumentRecord? {
        let s = try db.statement(
            """
            SELECT 'invoice' AS kind, i.number, i.order_id, NULL, i.issued_at, i.total_paise, h.customer_id,
                   h.ship_to_state, NULL, NULL, i.default_gst_rate_bp, i.pdf_path, i.rendered_at, i.created_at, h.customer_name, h.billing_address, h.billing_state, h.customer_gstin
            FROM invoices i JOIN order_headers h USING (order_id) WHERE i.number = ?1
            UNION ALL
            SELECT 'credit_note', c.number, c.order_id, c.return_id, c.issued_at, c.total_paise, h.customer_id,
                   h.ship_to_state, c.invoice_number, i.issued_at, i.default_gst_rate_bp, c.pdf_path, c.rendered_at,
                   c.created_at, h.customer_name, h.billing_address, h.billing_state, h.customer_gstin
            FROM credit_notes c JOIN order_headers h USING (order_id) JOIN invoices i ON i.number = c.invoice_number
            WHERE c.number = ?1
            """
        ).bind([number])
        return try s.step() ? DocumentRecord(row: s) : nil
    }

    /// The lines a document prints: the order's items (invoice) or the returned ones at the
    /// order's prices (credit note), in the order's item order.
    public func documentLines(_ record: DocumentRecord) throws(StoreError) -> [DocumentLine] {
        let s: Statement
        if record.kind == .invoice {
            s = try db.statement(
                """
                SELECT sku, quantity, unit_price_paise, hsn, gst_rate_bp, description FROM order_items WHERE order_id = ?
                ORDER BY position
                """
            ).bind([record.orderId])
        } else {
            s = try db.statement(
                """
                SELECT r.sku, r.quantity, o.unit_price_paise, o.hsn, o.gst_rate_bp, o.description
                FROM return_items r JOIN order_items o ON o.order_id = ? AND o.sku = r.sku
                WHERE r.return_id = ? ORDER BY o.position
                """
            ).bind([record.orderId, record.returnId ?? ""])
        }
        var lines: [DocumentLine] = []
        while try s.step() {
            lines.append(
                DocumentLine(
                    sku: s.string(0), quantity: s.int64(1), unitPrice: Money(paise: s.int64(2)),
                    hsn: s.optionalString(3),
                    gstRateBasisPoints: s.optionalInt64(4).map(Int.init), description: s.optionalString(5)))
        }
        return lines
    }

    /// Records that a document's PDF now exists at `path` (relative to the invoices folder).
    public func markRendered(_ record: DocumentRecord, path: String, at now: Timestamp) throws(StoreError) {
        try begin(durable: false)
        do {
            if record.kind == .invoice {
                try db.statement("UPDATE invoices SET pdf_path = ?, rendered_at = ? WHERE number = ?")
                    .bind([path, now.milliseconds, record.number]).run()
            } else {
                try db.statement("UPDATE credit_notes SET pdf_path = ?, rendered_at = ? WHERE number = ?")
                    .bind([path, now.milliseconds, record.number]).run()
            }
            try commit()
        } catch {
            rollback()
            throw error
        }
    }

    /// How many invoices and credit notes exist, and how many of them lack their PDF.
    public func documentCounts() throws(StoreError) -> (invoices: Int, creditNotes: Int, missingPDF: Int) {
        let invoices = Int(try db.scalarInt("SELECT COUNT(*) FROM invoices") ?? 0)
        let notes = Int(try db.scalarInt("SELECT COUNT(*) FROM credit_notes") ?? 0)
        let missing = Int(
            try db.scalarInt(
                """
                SELECT (SELECT COUNT(*) FROM invoices WHERE pdf_path IS NULL) + (SELECT COUNT(*) FROM credit_notes WHERE pdf_path IS NULL)
                """) ?? 0)
        return (invoices, notes, missing)
    }
}

extension Store {
    /// How many invoices and credit notes have no PDF yet (read through the partial indexes of
    /// documents without a PDF).
    public func documentsWithoutPDFCount() throws(StoreError) -> Int {
        let invoices = try db.scalarInt("SELECT COUNT(*) FROM invoices WHERE pdf_path IS NULL") ?? 0
        let notes = try db.scalarInt("SELECT COUNT(*) FROM credit_notes WHERE pdf_path IS NULL") ?? 0
        return Int(invoices + notes)
    }
}
