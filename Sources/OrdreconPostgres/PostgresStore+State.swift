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
        if ahead.absentOrders.contains(orderId) { return nil }
        // The header with the order's audit rows oldest first (none: a row of NULLs), the
        // applied transitions folded into the current state. The rows are taken by the order's
        // index and the outcome is checked here: with `outcome = 'applied'` in the query, a
        // planner without statistics yet (a new database's first minutes) scans the whole
        // partial index of applied event ids for each order.
        let s = try db.statement(
            """
            SELECT h.total_paise, a.status, a.occurred_at, a.amount_paise, a.payment_ref, a.outcome
            FROM order_headers h
            LEFT JOIN audit_events a ON a.order_id = h.order_id AND a.entity = 'order'
            WHERE h.order_id = $1 ORDER BY a.id
            """)
        s.bind(1, orderId)
        guard try s.step() else { return nil }
        var snapshot = OrderSnapshot(
            orderId: orderId, status: .pendingPayment, lastTransitionAt: Timestamp(milliseconds: 0),
            total: Money(paise: s.int64(0)))
        repeat {
            if s.isNull(1) || s.string(5) != "applied" { continue }
            try Self.fold(
                status: s.string(1), at: s.int64(2), amount: s.optionalInt64(3), paymentRef: s.optionalString(4),
                into: &snapshot)
        } while try s.step()
        cacheOrder(snapshot)
        return snapshot
    }

    public func returnSnapshot(_ returnId: String) throws -> ReturnSnapshot? {
        if let cached = returnCache[returnId] { return cached }
        if ahead.absentReturns.contains(returnId) { return nil }
        // The return's audit rows newest first; the newest applied one is its state (the
        // outcome checked here, as for orders).
        let s = try db.statement(
            """
            SELECT h.order_id, a.status, a.occurred_at, a.outcome FROM return_headers h
            LEFT JOIN audit_events a
                ON a.return_id = h.return_id AND a.order_id = h.order_id AND a.entity = 'return'
            WHERE h.return_id = $1 ORDER BY a.id DESC
            """)
        s.bind(1, returnId)
        guard try s.step() else { return nil }
        let orderId = s.string(0)
        var newest: (status: String, at: Int64)?
        repeat {
            if !s.isNull(1) && s.string(3) == "applied" {
                newest = (s.string(1), s.int64(2))
                break
            }
        } while try s.step()
        guard let newest, let status = ReturnStatus(rawValue: newest.status) else {
            throw StoreError(.inconsistentData, message: "return \(returnId) has no applied history in the database")
        }
        let snapshot = ReturnSnapshot(
            returnId: returnId, orderId: orderId, status: status, lastTransitionAt: Timestamp(milliseconds: newest.at))
        cacheReturn(snapshot)
        return snapshot
    }

    public func orderLines(_ orderId: String) throws -> [OrderLine] {
        if let cached = orderLinesCache[orderId] { return cached }
        let s = try db.statement(
            "SELECT sku, quantity, unit_price_paise FROM order_items WHERE order_id = $1 ORDER BY position")
        s.bind(1, orderId)
        var lines: [OrderLine] = []
        while try s.step() {
            lines.append(OrderLine(sku: s.string(0), quantity: s.int64(1), unitPrice: Money(paise: s.int64(2))))
        }
        if !lines.isEmpty { orderLinesCache[orderId] = lines }
        return lines
    }

    public func heldReturnQuantities(orderId: String, excluding returnId: String) throws -> [String: Int64] {
        if let returns = ahead.returnsOfOrders[orderId] { return Self.held(by: returns, excluding: returnId) }
        // What the view `returns` says (a return's status is its newest applied audit row), read
        // from the tables in one statement, the outcome checked here as for orders: the lines of
        // the order's other returns, then those returns' audit rows.
        let s = try db.statement(
            """
            SELECT 'line', ri.return_id, ri.sku, ri.quantity, NULL FROM return_headers h
            JOIN return_items ri ON ri.return_id = h.return_id
            WHERE h.order_id = $1 AND h.return_id <> $2
            UNION ALL
            SELECT 'audit', a.return_id, a.status, a.id, a.outcome FROM audit_events a
            WHERE a.order_id = $1 AND a.entity = 'return' AND a.return_id <> $2
            """)
        s.bind(1, orderId).bind(2, returnId)
        var returns: [String: HeldReturn] = [:]
        var audit: [(returnId: String, id: Int64, status: String)] = []
        while try s.step() {
            if s.string(0) == "line" {
                returns[s.string(1), default: HeldReturn()].lines[s.string(2)] = s.int64(3)
            } else if s.string(4) == "applied", !s.isNull(2) {
                audit.append((s.string(1), s.int64(3), s.string(2)))
            }
        }
        // Each return's newest applied row is its status (returns without lines hold nothing).
        for row in audit {
            guard var found = returns[row.returnId], row.id > found.status?.id ?? Int64.min else { continue }
            found.status = (row.id, row.status)
            returns[row.returnId] = found
        }
        return Self.held(by: returns, excluding: returnId)
    }

    /// The quantities `returns` hold, by SKU, leaving out `returnId`: as the view `returns` says,
    /// a return without applied history has no status and holds nothing, nor does a rejected one.
    static func held(by returns: [String: HeldReturn], excluding returnId: String) -> [String: Int64] {
        var held: [String: Int64] = [:]
        for (id, found) in returns where id != returnId {
            guard let status = found.status?.status, status != ReturnStatus.rejected.rawValue else { continue }
            for (sku, quantity) in found.lines { held[sku, default: 0] += quantity }
        }
        return held
    }

    public func returnItems(_ returnId: String) throws -> [String: Int64] {
        if let cached = returnItemsCache[returnId] { return cached }
        let s = try db.statement("SELECT sku, quantity FROM return_items WHERE return_id = $1")
        s.bind(1, returnId)
        var items: [String: Int64] = [:]
        while try s.step() { items[s.string(0)] = s.int64(1) }
        if !items.isEmpty { returnItemsCache[returnId] = items }
        return items
    }
}
