public import OrdreconCore

extension PostgresStore {
    /// Invoices that lack something, oldest number first, at most `limit` (a negative limit is
    /// none, as in SQLite): all, or those issued by the events of `runs` (the SQLite store's
    /// answer, Store+Incomplete.swift).
    public func incompleteInvoices(ofRuns runs: ClosedRange<Int64>?, limit: Int) throws(StoreError)
        -> [IncompleteInvoice]
    {
        // SQLite joins the SKUs with group_concat over a subquery ordered by position, which
        // brings equal positions in SKU byte order (the primary key's); string_agg says both.
        // The parameters are typed where only IS NULL would tell PostgreSQL nothing.
        let s = try db.statement(
            """
            SELECT i.number, i.order_id, h.customer_id, i.issued_at, i.total_paise, i.missing,
                   (SELECT string_agg(o.sku, E'\\n' ORDER BY o.position, o.sku COLLATE "C")
                    FROM order_items o WHERE o.order_id = i.order_id AND o.hsn IS NULL)
            FROM invoices i JOIN order_headers h USING (order_id)
            WHERE i.missing IS NOT NULL
              AND ($2::bigint IS NULL OR (SELECT a.run_id FROM audit_events a WHERE a.id = i.audit_id) BETWEEN $2 AND $3)
            ORDER BY i.number COLLATE "C" LIMIT $1
            """
        ).bind([limit < 0 ? nil : Int64(min(limit, Int(Int64.max))), runs?.lowerBound, runs?.upperBound])
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
    public func incompleteInvoiceCount(ofRuns runs: ClosedRange<Int64>?) throws(StoreError) -> Int {
        let count = try db.scalarInt(
            """
            SELECT COUNT(*) FROM invoices i WHERE i.missing IS NOT NULL
              AND ($1::bigint IS NULL OR (SELECT a.run_id FROM audit_events a WHERE a.id = i.audit_id) BETWEEN $1 AND $2)
            """, [runs?.lowerBound, runs?.upperBound])
        return Int(count ?? 0)
    }
}
