public import OrdreconCore

// Read-only queries for reviewing what happened: the rejections queue, the audit search and
// one return, with the SQLite store's answers (Store+Review.swift). None of them writes.
//
// Where the two dialects differ for the same answer: text is ordered with COLLATE "C" (byte
// order, SQLite's BINARY, whatever the database's collation), and an ORDER BY over a column that
// may be NULL says NULLS FIRST (SQLite puts NULL first in ascending order, PostgreSQL last).

extension PostgresStore {
    /// The WHERE conditions (joined with AND) and their values for `filter`, on `audit_events a`
    /// joined with `files f`. Every value is a parameter (`$1`…, in order); no user text is
    /// ever part of the SQL. Equality on text is byte equality on both backends.
    private static func auditConditions(_ filter: AuditFilter) -> (sql: String, values: [(any PGValue)?]) {
        var terms: [String] = []
        var values: [(any PGValue)?] = []
        func add(_ term: (String) -> String, _ value: any PGValue) {
            values.append(value)
            terms.append(term("$\(values.count)"))
        }
        if let v = filter.since { add({ "a.recorded_at >= \($0)" }, v.milliseconds) }
        if let v = filter.until { add({ "a.recorded_at < \($0)" }, v.milliseconds) }
        if let v = filter.feed { add({ "a.feed = \($0)" }, v) }
        if let v = filter.reasonCode { add({ "a.reason_code = \($0)" }, v) }
        // One parameter serves both names (SQLite binds the value twice).
        if let v = filter.fileName { add({ "(f.name = \($0) OR f.final_name = \($0))" }, v) }
        if let v = filter.orderId { add({ "a.order_id = \($0)" }, v) }
        if let v = filter.returnId { add({ "a.return_id = \($0)" }, v) }
        if let v = filter.eventId { add({ "a.event_id = \($0)" }, v) }
        if let v = filter.outcome { add({ "a.outcome = \($0)" }, v) }
        // SQLite's `WHERE 1`: PostgreSQL wants a boolean.
        return (terms.isEmpty ? "TRUE" : terms.joined(separator: " AND "), values)
    }

    public func rejections(_ filter: AuditFilter) throws(StoreError) -> [RejectionRecord] {
        var filter = filter
        filter.outcome = nil
        let (whereSQL, values) = Self.auditConditions(filter)
        // At most one applied row per (feed, event_id): the partial unique index
        // audit_applied_event_id, as in SQLite.
        var sql = """
            SELECT \(AuditRecord.storeColumns), r.id, rf.name, r.line, r.recorded_at
            FROM audit_events a JOIN files f ON f.id = a.file_id
            LEFT JOIN audit_events r ON r.feed = a.feed AND r.event_id = a.event_id AND r.outcome = 'applied' AND r.id > a.id
            LEFT JOIN files rf ON rf.id = r.file_id
            WHERE a.outcome = 'rejected' AND \(whereSQL)
            """
        if filter.openOnly { sql += " AND r.id IS NULL" }
        sql += " ORDER BY a.id"
        let s = try db.statement(sql).bind(values)
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

    public func auditRecords(_ filter: AuditFilter, limit: Int) throws(StoreError) -> AuditPage {
        let limit = max(0, limit)
        let (whereSQL, values) = Self.auditConditions(filter)
        // One more than asked tells whether the page is cut short (Int.max has no one more).
        let fetch = limit == Int.max ? limit : limit + 1
        let s = try db.statement(
            """
            SELECT \(AuditRecord.storeColumns)
            FROM audit_events a JOIN files f ON f.id = a.file_id
            WHERE \(whereSQL) ORDER BY a.id LIMIT $\(values.count + 1)
            """
        ).bind(values + [Int64(fetch)])
        var records: [AuditRecord] = []
        while try s.step() { records.append(AuditRecord(row: s)) }
        guard records.count > limit else { return AuditPage(records: records, totalMatching: records.count) }
        records.removeLast()
        let total = try db.scalarInt(
            "SELECT count(*) FROM audit_events a JOIN files f ON f.id = a.file_id WHERE \(whereSQL)", values)
        return AuditPage(records: records, totalMatching: Int(total ?? 0))
    }

    public func returnDetails(_ returnId: String) throws(StoreError) -> ReturnDetails? {
        let r = try db.statement(
            """
            SELECT r.order_id, r.status, r.reason, r.requested_at_ms, r.carrier, r.tracking_number,
                   (SELECT o.status FROM orders o WHERE o.order_id = r.order_id)
            FROM returns r WHERE r.return_id = $1
            """
        ).bind([returnId])
        guard try r.step() else { return nil }
        let orderId = r.string(0)
        var details = ReturnDetails(
            returnId: returnId, orderId: orderId, status: r.string(1), orderStatus: r.optionalString(6),
            reason: r.optionalString(2), requestedAt: Timestamp(milliseconds: r.int64(3)),
            carrier: r.optionalString(4), trackingNumber: r.optionalString(5), items: [], history: [], refund: nil)

        // A returned SKU the order lacks has no position: first, as SQLite orders NULL.
        let items = try db.statement(
            """
            SELECT ri.sku, ri.quantity, oi.unit_price_paise
            FROM return_items ri LEFT JOIN order_items oi ON oi.order_id = $1 AND oi.sku = ri.sku
            WHERE ri.return_id = $2 ORDER BY oi.position NULLS FIRST, ri.sku COLLATE "C"
            """
        ).bind([orderId, returnId])
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
            WHERE a.order_id = $1 AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = $2
            ORDER BY a.occurred_at NULLS FIRST, a.id
            """
        ).bind([orderId, returnId])
        while try h.step() { details.history.append(Self.historyEntry(h, from: 0)) }

        let rf = try db.statement(
            """
            SELECT refund_id, kind, return_id, amount_paise, status, created_at FROM refunds
            WHERE order_id = $1 AND return_id = $2 ORDER BY created_at, refund_id COLLATE "C" LIMIT 1
            """
        ).bind([orderId, returnId])
        if try rf.step() { details.refund = Self.refundSummary(rf) }
        return details
    }

    /// A history entry from the columns status, occurred_at, actor, reason, feed, file name,
    /// line and event_id, starting at column `first`.
    static func historyEntry(_ s: PGStatement, from first: Int32) -> HistoryEntry {
        HistoryEntry(
            status: s.string(first), occurredAt: Timestamp(milliseconds: s.int64(first + 1)),
            actor: s.string(first + 2), reason: s.optionalString(first + 3), feed: s.string(first + 4),
            fileName: s.string(first + 5), line: s.optionalInt64(first + 6).map(Int.init),
            eventId: s.string(first + 7))
    }

    /// A refund from the columns refund_id, kind, return_id, amount_paise, status, created_at.
    static func refundSummary(_ s: PGStatement) -> OrderDetails.Refund {
        OrderDetails.Refund(
            refundId: s.string(0), kind: s.string(1), returnId: s.optionalString(2),
            amount: Money(paise: s.int64(3)), status: s.string(4), createdAt: Timestamp(milliseconds: s.int64(5)))
    }
}
