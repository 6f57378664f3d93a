public import OrdreconCore

extension Store {
    /// What the invoice of `orderId` would lack (``InvoiceCompleteness``), from its stored lines
    /// and buyer: one lookup by the order's key, in the transaction that issues the invoice.
    func invoiceGaps(orderId: String, gross: Money) throws(StoreError) -> [InvoiceGap] {
        let s = try db.statement(
            """
            SELECT (SELECT COUNT(*) FROM order_items o WHERE o.order_id = h.order_id AND o.hsn IS NULL),
                   h.customer_name, h.billing_address, h.billing_state, h.customer_gstin
            FROM order_headers h WHERE h.order_id = ?
            """
        ).bind([orderId])
        defer { s.reset() }
        guard try s.step() else { return [] }
        let buyer = InvoiceBuyer(row: s, from: 1)
        return InvoiceCompleteness.gaps(linesWithoutHSN: s.int(0), gross: gross, buyer: buyer)
    }

    /// Invoices that lack something, oldest number first, at most `limit`: all, or those issued
    /// by the events of `runs` (read through the partial index of incomplete invoices; each
    /// one's audit row by its key).
    public func incompleteInvoices(ofRuns runs: ClosedRange<Int64>? = nil, limit: Int = Int.max) throws(StoreError)
        -> [IncompleteInvoice]
    {
        let s = try db.statement(
            """
            SELECT i.number, i.order_id, h.customer_id, i.issued_at, i.total_paise, i.missing,
                   (SELECT group_concat(sku, char(10)) FROM (
                        SELECT o.sku FROM order_items o WHERE o.order_id = i.order_id AND o.hsn IS NULL ORDER BY o.position))
            FROM invoices i JOIN order_headers h USING (order_id)
            WHERE i.missing IS NOT NULL
              AND (?2 IS NULL OR (SELECT a.run_id FROM audit_events a WHERE a.id = i.audit_id) BETWEEN ?2 AND ?3)
            ORDER BY i.number LIMIT ?1
            """
        ).bind([Int64(min(limit, Int(Int64.max))), runs?.lowerBound, runs?.upperBound])
        var invoices: [IncompleteInvoice] = []
        while try s.step() {
            invoices.append(
                IncompleteInvoice(
                    number: s.string(0), orderId: s.string(1), customerId: s.string(2),
                    issuedAt: Timestamp(milliseconds: s.int64(3)), total: Money(paise: s.int64(4)),
                    gaps: InvoiceCompleteness.gaps(storedText: s.optionalString(5)),
                    skusWithoutHSN: (s.optionalString(6) ?? "").split(separator: "\n").map(String.init)))
        }
        return invoices
    }

    /// How many invoices lack something: all, or those issued by the events of `runs`.
    public func incompleteInvoiceCount(ofRuns runs: ClosedRange<Int64>? = nil) throws(StoreError) -> Int {
        let s = try db.statement(
            """
            SELECT COUNT(*) FROM invoices i WHERE i.missing IS NOT NULL
              AND (?1 IS NULL OR (SELECT a.run_id FROM audit_events a WHERE a.id = i.audit_id) BETWEEN ?1 AND ?2)
            """
        ).bind([runs?.lowerBound, runs?.upperBound])
        defer { s.reset() }
        return try s.step() ? s.int(0) : 0
    }
}
