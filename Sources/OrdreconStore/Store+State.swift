public import OrdreconCore

/// The judge reads the current state through these lookups (all by primary key or index).
extension Store: ReconciliationState {
    public func appliedContentHash(feed: String, eventId: String) throws -> UInt64? {
        let s = try db.statement(
            "SELECT content_hash FROM audit_events WHERE feed = ? AND event_id = ? AND outcome = 'applied'")
        try s.bind(1, feed).bind(2, eventId)
        guard try s.step() else { return nil }
        return UInt64(bitPattern: s.int64(0))
    }

    public func order(_ orderId: String) throws -> OrderSnapshot? {
        if let cached = orderCache[orderId] { return cached }
        // The header, then the applied transitions oldest first, folded into the current state.
        let h = try db.statement("SELECT total_paise FROM order_headers WHERE order_id = ?")
        try h.bind(1, orderId)
        guard try h.step() else { return nil }
        var snapshot = OrderSnapshot(
            orderId: orderId, status: .pendingPayment, lastTransitionAt: Timestamp(milliseconds: 0),
            total: Money(paise: h.int64(0)))
        let s = try db.statement(
            """
            SELECT status, occurred_at, amount_paise, payment_ref FROM audit_events
            WHERE order_id = ? AND outcome = 'applied' AND entity = 'order' ORDER BY id
            """)
        try s.bind(1, orderId)
        while try s.step() {
            guard let status = OrderStatus(rawValue: s.string(0)) else {
                throw StoreError(
                    .inconsistentData, message: "order \(orderId) has an unknown status \(s.string(0)) in its history")
            }
            snapshot.record(
                status, at: s.time(1), amount: s.optionalInt64(2).map(Money.init(paise:)),
                paymentRef: s.optionalString(3))
        }
        cacheOrder(snapshot)
        return snapshot
    }

    public func returnSnapshot(_ returnId: String) throws -> ReturnSnapshot? {
        if let cached = returnCache[returnId] { return cached }
        let h = try db.statement("SELECT order_id FROM return_headers WHERE return_id = ?")
        try h.bind(1, returnId)
        guard try h.step() else { return nil }
        let orderId = h.string(0)
        let s = try db.statement(
            """
            SELECT status, occurred_at FROM audit_events
            WHERE order_id = ? AND outcome = 'applied' AND entity = 'return' AND return_id = ? ORDER BY id DESC LIMIT 1
            """)
        try s.bind(1, orderId).bind(2, returnId)
        guard try s.step(), let status = ReturnStatus(rawValue: s.string(0)) else {
            throw StoreError(.inconsistentData, message: "return \(returnId) has no applied history in the database")
        }
        let snapshot = ReturnSnapshot(
            returnId: returnId, orderId: orderId, status: status, lastTransitionAt: Timestamp(milliseconds: s.int64(1)))
        cacheReturn(snapshot)
        return snapshot
    }

    public func orderLines(_ orderId: String) throws -> [OrderLine] {
        let s = try db.statement(
            "SELECT sku, quantity, unit_price_paise FROM order_items WHERE order_id = ? ORDER BY position")
        try s.bind(1, orderId)
        var lines: [OrderLine] = []
        while try s.step() {
            lines.append(OrderLine(sku: s.string(0), quantity: s.int64(1), unitPrice: Money(paise: s.int64(2))))
        }
        return lines
    }

    public func heldReturnQuantities(orderId: String, excluding returnId: String) throws -> [String: Int64] {
        let s = try db.statement(
            """
            SELECT ri.sku, SUM(ri.quantity) FROM returns r JOIN return_items ri ON ri.return_id = r.return_id
            WHERE r.order_id = ? AND r.status <> 'REJECTED' AND r.return_id <> ? GROUP BY ri.sku
            """)
        try s.bind(1, orderId).bind(2, returnId)
        var held: [String: Int64] = [:]
        while try s.step() { held[s.string(0)] = s.int64(1) }
        return held
    }

    public func returnItems(_ returnId: String) throws -> [String: Int64] {
        let s = try db.statement("SELECT sku, quantity FROM return_items WHERE return_id = ?")
        try s.bind(1, returnId)
        var items: [String: Int64] = [:]
        while try s.step() { items[s.string(0)] = s.int64(1) }
        return items
    }
}
