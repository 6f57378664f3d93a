public import OrdreconCore

// Read-only queries for reviewing what happened: the rejections queue, the audit search and
// one return. Meant for a `Store(readingAt:)`; none of them writes.

extension Store {
    /// The WHERE conditions (joined with AND) and their values for `filter`, on `audit_events a`
    /// joined with `files f`.
    private static func conditions(_ filter: AuditFilter) -> (sql: String, values: [any SQLValue]) {
        var terms: [String] = []
        var values: [any SQLValue] = []
        func add(_ term: String, _ value: any SQLValue) {
            terms.append(term)
            values.append(value)
        }
        if let v = filter.since { add("a.recorded_at >= ?", v.milliseconds) }
        if let v = filter.until { add("a.recorded_at < ?", v.milliseconds) }
        if let v = filter.feed { add("a.feed = ?", v) }
        if let v = filter.reasonCode { add("a.reason_code = ?", v) }
        if let v = filter.fileName {
            terms.append("(f.name = ? OR f.final_name = ?)")
            values.append(v)
            values.append(v)
        }
        if let v = filter.orderId { add("a.order_id = ?", v) }
        if let v = filter.returnId { add("a.return_id = ?", v) }
        if let v = filter.eventId { add("a.event_id = ?", v) }
        if let v = filter.outcome { add("a.outcome = ?", v) }
        return (terms.isEmpty ? "1" : terms.joined(separator: " AND "), values)
    }

    /// Rejected events matching `filter` (its `outcome` is ignored), in order of recording, each
    /// with the later applied event of the same feed and `event_id` that resolved it, if any.
    public func rejections(_ filter: AuditFilter) throws(StoreError) -> [RejectionRecord] {
        var filter = filter
        filter.outcome = nil
        let (whereSQL, values) = Store.conditions(filter)
        // At most one applied row per (feed, event_id): the partial unique index
        // audit_applied_event_id, which this join uses.
        var sql = """
            SELECT \(AuditRecord.storeColumns), r.id, rf.name, r.line, r.recorded_at
            FROM audit_events a JOIN files f ON f.id = a.file_id
            LEFT JOIN audit_events r ON r.feed = a.feed AND r.event_id = a.event_id AND r.outcome = 'applied' AND r.id > a.id
            LEFT JOIN files rf ON rf.id = r.file_id
            WHERE a.outcome = 'rejected' AND \(whereSQL)
            """
        if filter.openOnly { sql += " AND r.id IS NULL" }
        sql += " ORDER BY a.id"
        let s = try db.statement(dynamic: sql)
        try s.bind(values)
        var result: [RejectionRecord] = []
        while try s.step() {
            var resolution: RejectionRecord.Resolution?
            if let id = s.optionalInt64(16) {
                resolution = .init(
                    auditId: id, fileName: s.string(17), line: s.optionalInt64(18).map(Int.init),
                    recordedAt: Timestamp(milliseconds: s.int64(19)))
            }
            result.append(RejectionRecord(record: AuditRecord(row: s), resolvedBy: resolution))
        }
        return result
    }

    /// Audit records matching `filter` in order of recording, at most `limit` of them (none for
    /// a limit below 1; the count of all that match is then still given).
    public func auditRecords(_ filter: AuditFilter, limit: Int) throws(StoreError) -> AuditPage {
        let limit = max(0, limit)
        let (whereSQL, values) = Store.conditions(filter)
        let s = try db.statement(
            dynamic: """
                SELECT \(AuditRecord.storeColumns)
                FROM audit_events a JOIN files f ON f.id = a.file_id
                WHERE \(whereSQL) ORDER BY a.id LIMIT ?
                """)
        // One more than asked tells whether the page is cut short (Int.max has no one more).
        try s.bind(values + [Int64(limit == Int.max ? limit : limit + 1) as any SQLValue])
        var records: [AuditRecord] = []
        while try s.step() { records.append(AuditRecord(row: s)) }
        guard records.count > limit else { return AuditPage(records: records, totalMatching: records.count) }
        records.removeLast()
        let c = try db.statement(
            dynamic: "SELECT count(*) FROM audit_events a JOIN files f ON f.id = a.file_id WHERE \(whereSQL)")
        try c.bind(values)
        _ = try c.step()
        return AuditPage(records: records, totalMatching: c.int(0))
    }

    /// Everything about one return, or nil when it is unknown.
    public func returnDetails(_ returnId: String) throws(StoreError) -> ReturnDetails? {
        let r = try db.statement(
            """
            SELECT r.order_id, r.status, r.reason, r.requested_at_ms, r.carrier, r.tracking_number,
                   (SELECT o.status FROM orders o WHERE o.order_id = r.order_id)
            FROM returns r WHERE r.return_id = ?
            """)
        try r.bind(1, returnId)
        guard try r.step() else { return nil }
        let orderId = r.string(0)
        var details = ReturnDetails(
            returnId: returnId, orderId: orderId, status: r.string(1), orderStatus: r.optionalString(6),
            reason: r.optionalString(2), requestedAt: Timestamp(milliseconds: r.int64(3)),
            carrier: r.optionalString(4), trackingNumber: r.optionalString(5), items: [], history: [], refund: nil)

        let items = try db.statement(
            """
            SELECT ri.sku, ri.quantity, oi.unit_price_paise
            FROM return_items ri LEFT JOIN order_items oi ON oi.order_id = ? AND oi.sku = ri.sku
            WHERE ri.return_id = ? ORDER BY oi.position, ri.sku
            """)
        try items.bind(1, orderId)
        try items.bind(2, returnId)
        while try items.step() {
            details.items.append(
                .init(
                    sku: items.string(0), quantity: items.int64(1),
                    unitPrice: items.optionalInt64(2).map(Money.init(paise:))))
        }

        let h = try db.statement(
            """
            SELECT a.status, a.occurred_at, COALESCE(a.actor, a.feed), a.reason, a.feed, f.name, a.line, a.event_id
            FROM audit_events a JOIN files f ON f.id = a.file_id
            WHERE a.order_id = ? AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = ?
            ORDER BY a.occurred_at, a.id
            """)
        try h.bind(1, orderId)
        try h.bind(2, returnId)
        while try h.step() {
            details.history.append(
                HistoryEntry(
                    status: h.string(0), occurredAt: Timestamp(milliseconds: h.int64(1)), actor: h.string(2),
                    reason: h.optionalString(3), feed: h.string(4), fileName: h.string(5),
                    line: h.optionalInt64(6).map(Int.init), eventId: h.string(7)))
        }

        let rf = try db.statement(
            """
            SELECT refund_id, kind, return_id, amount_paise, status, created_at FROM refunds
            WHERE order_id = ? AND return_id = ? ORDER BY created_at, refund_id LIMIT 1
            """)
        try rf.bind(1, orderId)
        try rf.bind(2, returnId)
        if try rf.step() {
            details.refund = .init(
                refundId: rf.string(0), kind: rf.string(1), returnId: rf.optionalString(2),
                amount: Money(paise: rf.int64(3)), status: rf.string(4), createdAt: Timestamp(milliseconds: rf.int64(5))
            )
        }
        return details
    }
}
