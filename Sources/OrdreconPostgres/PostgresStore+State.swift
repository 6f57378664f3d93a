public import OrdreconCore

/// The judge reads the current state through these lookups (by primary key or index), as from
/// the SQLite store (Store+State.swift); each is one round trip, and orders and returns come
/// from the caches when they can.
extension PostgresStore: ReconciliationState {
    public func appliedContentHash(feed: String, eventId: String) throws -> UInt64? {
        let s = try db.statement(
            "SELECT content_hash FROM audit_events WHERE feed = $1 AND event_id = $2 AND outcome = 'applied'")
        s.bind(1, feed).bind(2, eventId)
        guard try s.step() else { return nil }
        return UInt64(bitPattern: s.int64(0))
    }

    public func order(_ orderId: String) throws -> OrderSnapshot? {
        if let cached = orderCache[orderId] { return cached }
        // The header with the applied transitions oldest first (none: a row of NULLs), folded
        // into the current state.
        let s = try db.statement(
            """
            SELECT h.total_paise, a.status, a.occurred_at, a.amount_paise, a.payment_ref
            FROM order_headers h
            LEFT JOIN audit_events a ON a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order'
            WHERE h.order_id = $1 ORDER BY a.id
            """)
        s.bind(1, orderId)
        guard try s.step() else { return nil }
        var snapshot = OrderSnapshot(
            orderId: orderId, status: .pendingPayment, lastTransitionAt: Timestamp(milliseconds: 0),
            total: Money(paise: s.int64(0)))
        repeat {
            if s.isNull(1) { continue }
            guard let status = OrderStatus(rawValue: s.string(1)) else {
                throw StoreError(
                    .inconsistentData, message: "order \(orderId) has an unknown status \(s.string(1)) in its history")
            }
            snapshot.status = status
            snapshot.lastTransitionAt = Timestamp(milliseconds: s.int64(2))
            switch status {
            case .paid:
                snapshot.paid = s.optionalInt64(3).map(Money.init(paise:))
                snapshot.paymentRef = s.optionalString(4)
            case .delivered:
                snapshot.deliveredAt = snapshot.lastTransitionAt
            default:
                break
            }
        } while try s.step()
        cacheOrder(snapshot)
        return snapshot
    }

    public func returnSnapshot(_ returnId: String) throws -> ReturnSnapshot? {
        if let cached = returnCache[returnId] { return cached }
        let s = try db.statement(
            """
            SELECT h.order_id, a.status, a.occurred_at FROM return_headers h
            LEFT JOIN LATERAL (
                SELECT status, occurred_at FROM audit_events a
                WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return'
                    AND a.return_id = h.return_id
                ORDER BY a.id DESC LIMIT 1
            ) a ON true
            WHERE h.return_id = $1
            """)
        s.bind(1, returnId)
        guard try s.step() else { return nil }
        let orderId = s.string(0)
        guard !s.isNull(1), let status = ReturnStatus(rawValue: s.string(1)) else {
            throw StoreError(.inconsistentData, message: "return \(returnId) has no applied history in the database")
        }
        let snapshot = ReturnSnapshot(
            returnId: returnId, orderId: orderId, status: status, lastTransitionAt: Timestamp(milliseconds: s.int64(2)))
        cacheReturn(snapshot)
        return snapshot
    }

    public func orderLines(_ orderId: String) throws -> [OrderLine] {
        let s = try db.statement(
            "SELECT sku, quantity, unit_price_paise FROM order_items WHERE order_id = $1 ORDER BY position")
        s.bind(1, orderId)
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
            WHERE r.order_id = $1 AND r.status <> 'REJECTED' AND r.return_id <> $2 GROUP BY ri.sku
            """)
        s.bind(1, orderId).bind(2, returnId)
        var held: [String: Int64] = [:]
        while try s.step() { held[s.string(0)] = s.int64(1) }
        return held
    }

    public func returnItems(_ returnId: String) throws -> [String: Int64] {
        let s = try db.statement("SELECT sku, quantity FROM return_items WHERE return_id = $1")
        s.bind(1, returnId)
        var items: [String: Int64] = [:]
        while try s.step() { items[s.string(0)] = s.int64(1) }
        return items
    }
}
