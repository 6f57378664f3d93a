public import OrdreconCore

extension Store {
    /// Everything about one order, or nil when it is unknown.
    public func orderDetails(_ orderId: String) throws(StoreError) -> OrderDetails? {
        let o = try db.statement(
            """
            SELECT status, customer_id, ship_to_state, total_paise, paid_paise, payment_ref, carrier, tracking_number,
                   customer_name, billing_address, billing_state, customer_gstin
            FROM orders WHERE order_id = ?
            """)
        try o.bind(1, orderId)
        guard try o.step() else { return nil }
        var details = OrderDetails(
            orderId: orderId, status: o.string(0), customerId: o.string(1), shipToState: o.optionalString(2),
            total: Money(paise: o.int64(3)), paid: o.optionalInt64(4).map(Money.init(paise:)),
            paymentRef: o.optionalString(5), carrier: o.optionalString(6), trackingNumber: o.optionalString(7),
            items: [], history: [], returns: [], invoiceNumber: nil, invoiceIssuedAt: nil, refunds: [])
        details.buyer = InvoiceBuyer(row: o, from: 8)

        let items = try db.statement(
            "SELECT sku, quantity, unit_price_paise, hsn, gst_rate_bp, description FROM order_items WHERE order_id = ? ORDER BY position"
        )
        try items.bind(1, orderId)
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
            WHERE a.order_id = ? AND a.outcome = 'applied' ORDER BY a.occurred_at, a.id
            """)
        try h.bind(1, orderId)
        while try h.step() {
            let entry = HistoryEntry(
                status: h.string(2), occurredAt: Timestamp(milliseconds: h.int64(3)), actor: h.string(4),
                reason: h.optionalString(5), feed: h.string(6), fileName: h.string(7),
                line: h.optionalInt64(8).map(Int.init), eventId: h.string(9))
            if h.string(0) == "order" {
                details.history.append(entry)
            } else {
                returnHistory[h.string(1), default: []].append(entry)
            }
        }

        let r = try db.statement(
            "SELECT return_id, status, reason FROM returns WHERE order_id = ? ORDER BY requested_at_ms, return_id")
        try r.bind(1, orderId)
        var returns: [OrderDetails.Return] = []
        while try r.step() {
            returns.append(
                .init(
                    returnId: r.string(0), status: r.string(1), reason: r.optionalString(2), items: [],
                    history: returnHistory[r.string(0)] ?? []))
        }
        for index in returns.indices {
            let ri = try db.statement("SELECT sku, quantity FROM return_items WHERE return_id = ? ORDER BY sku")
            try ri.bind(1, returns[index].returnId)
            while try ri.step() { returns[index].items.append((ri.string(0), ri.int64(1))) }
        }
        details.returns = returns

        let inv = try db.statement("SELECT number, issued_at FROM invoices WHERE order_id = ?")
        try inv.bind(1, orderId)
        if try inv.step() {
            details.invoiceNumber = inv.string(0)
            details.invoiceIssuedAt = Timestamp(milliseconds: inv.int64(1))
        }

        let rf = try db.statement(
            "SELECT refund_id, kind, return_id, amount_paise, status, created_at FROM refunds WHERE order_id = ? ORDER BY created_at, refund_id"
        )
        try rf.bind(1, orderId)
        while try rf.step() {
            details.refunds.append(
                .init(
                    refundId: rf.string(0), kind: rf.string(1), returnId: rf.optionalString(2),
                    amount: Money(paise: rf.int64(3)), status: rf.string(4),
                    createdAt: Timestamp(milliseconds: rf.int64(5))))
        }
        return details
    }
}
