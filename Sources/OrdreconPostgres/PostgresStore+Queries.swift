public import OrdreconCore

extension PostgresStore {
    /// Everything about one order, or nil when it is unknown: the SQLite store's answer
    /// (Store+Queries.swift), read from the same views and tables.
    public func orderDetails(_ orderId: String) throws(StoreError) -> OrderDetails? {
        let o = try db.statement(
            """
            SELECT status, customer_id, ship_to_state, total_paise, paid_paise, payment_ref, carrier, tracking_number,
                   customer_name, billing_address, billing_state, customer_gstin
            FROM orders WHERE order_id = $1
            """
        ).bind([orderId])
        guard try o.step() else { return nil }
        var details = OrderDetails(
            orderId: orderId, status: o.string(0), customerId: o.string(1), shipToState: o.optionalString(2),
            total: Money(paise: o.int64(3)), paid: o.optionalInt64(4).map(Money.init(paise:)),
            paymentRef: o.optionalString(5), carrier: o.optionalString(6), trackingNumber: o.optionalString(7),
            items: [], history: [], returns: [], invoiceNumber: nil, invoiceIssuedAt: nil, refunds: [])
        details.buyer = InvoiceBuyer(row: o, from: 8)

        // Lines with the same position come in SKU byte order in SQLite (it reads them through
        // the primary key (order_id, sku), then sorts by position); said here in words.
        let items = try db.statement(
            """
            SELECT sku, quantity, unit_price_paise, hsn, gst_rate_bp, description FROM order_items
            WHERE order_id = $1 ORDER BY position, sku COLLATE "C"
            """
        ).bind([orderId])
        while try items.step() {
            details.items.append(
                .init(
                    sku: items.string(0), quantity: items.int64(1), unitPrice: Money(paise: items.int64(2)),
                    hsn: items.optionalString(3), gstRateBasisPoints: items.optionalInt64(4).map(Int.init),
                    description: items.optionalString(5)))
        }

        var returnHistory: [String: [HistoryEntry]] = [:]
        let h = try db.statement(
            """
            SELECT a.entity, a.return_id, a.status, a.occurred_at, COALESCE(a.actor, a.feed), a.reason, a.feed, f.name, a.line, a.event_id
            FROM audit_events a JOIN files f ON f.id = a.file_id
            WHERE a.order_id = $1 AND a.outcome = 'applied' ORDER BY a.occurred_at NULLS FIRST, a.id
            """
        ).bind([orderId])
        while try h.step() {
            let entry = Self.historyEntry(h, from: 2)
            if h.string(0) == "order" {
                details.history.append(entry)
            } else {
                returnHistory[h.string(1), default: []].append(entry)
            }
        }

        let r = try db.statement(
            """
            SELECT return_id, status, reason FROM returns WHERE order_id = $1
            ORDER BY requested_at_ms, return_id COLLATE "C"
            """
        ).bind([orderId])
        var returns: [OrderDetails.Return] = []
        while try r.step() {
            returns.append(
                .init(
                    returnId: r.string(0), status: r.string(1), reason: r.optionalString(2), items: [],
                    history: returnHistory[r.string(0)] ?? []))
        }
        for index in returns.indices {
            let ri = try db.statement(
                "SELECT sku, quantity FROM return_items WHERE return_id = $1 ORDER BY sku COLLATE \"C\""
            ).bind([returns[index].returnId])
            while try ri.step() { returns[index].items.append((ri.string(0), ri.int64(1))) }
        }
        details.returns = returns

        let inv = try db.statement("SELECT number, issued_at FROM invoices WHERE order_id = $1").bind([orderId])
        if try inv.step() {
            details.invoiceNumber = inv.string(0)
            details.invoiceIssuedAt = Timestamp(milliseconds: inv.int64(1))
        }

        let rf = try db.statement(
            """
            SELECT refund_id, kind, return_id, amount_paise, status, created_at FROM refunds
            WHERE order_id = $1 ORDER BY created_at, refund_id COLLATE "C"
            """
        ).bind([orderId])
        while try rf.step() { details.refunds.append(Self.refundSummary(rf)) }
        return details
    }
}
