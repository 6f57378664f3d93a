public import OrdreconCore

/// What the store learned ahead of the events the engine is about to judge (see
/// ``PostgresStore/prefetch(feed:eventIds:orderIds:returnIds:)``), and the audit ids it took for
/// them. True while this connection holds the ingest lock: only its holder writes audit rows,
/// orders and returns, so nobody else can make what it learned false. Forgotten on rollback.
/// A return as the quantities held by an order's returns need it.
struct HeldReturn {
    var lines: [String: Int64] = [:]
    /// The newest applied status and its audit id (nil: none yet).
    var status: (id: Int64, status: String)?
}

struct IngestAhead {
    /// The feed whose event ids ``notApplied`` lists.
    var feed = ""
    /// Event ids of ``feed`` that no applied audit row had when asked, none recorded since: the
    /// next applied record of each needs no answer from the server. Taken out when recorded.
    var notApplied: Set<String> = []
    /// Orders and returns the database does not have (until this connection creates them).
    var absentOrders: Set<String> = []
    var absentReturns: Set<String> = []
    /// The returns of orders learned ahead (none: an empty entry), each with its lines and
    /// status (nil: no applied history), kept up to date by this connection's own returns: what
    /// ``PostgresStore/heldReturnQuantities(orderId:excluding:)`` reads.
    var returnsOfOrders: [String: [String: HeldReturn]] = [:]
    /// Events learned ahead whose audit rows are still to be written: how many ids to take.
    var pending = 0
    /// Audit ids taken from the table's identity sequence, in increasing order, for this
    /// transaction's audit rows: ``nextId`` is the next to use.
    var ids: [Int64] = []
    var nextId = 0
}

extension PostgresStore {
    /// Learns in one query which of the event ids `feed` applied before, and the state of the
    /// orders and returns named (or that they do not exist), for the lookups that follow.
    /// Only the holder of the ingest lock learns ahead: what another connection learned could
    /// be made false by the holder at any moment.
    public func prefetch(feed: String, eventIds: [String], orderIds: [String], returnIds: [String])
        throws(StoreError)
    {
        guard leadsIngest, db.isInTransaction else { return }
        // What was learned for the events before is no longer needed: each was handled.
        ahead.feed = feed
        ahead.notApplied.removeAll(keepingCapacity: true)
        ahead.absentOrders.removeAll(keepingCapacity: true)
        ahead.absentReturns.removeAll(keepingCapacity: true)
        ahead.returnsOfOrders.removeAll(keepingCapacity: true)
        ahead.pending = eventIds.count
        let events = Array(Set(eventIds))
        let orders = Array(Set(orderIds.filter { orderCache[$0] == nil && !ahead.absentOrders.contains($0) }))
        let returns = Array(Set(returnIds.filter { returnCache[$0] == nil && !ahead.absentReturns.contains($0) }))
        // Tagged rows of three questions in one statement: 0, an applied event id; 1, an order's
        // header with one of its audit rows (oldest first; none: NULLs); 2, the same for a return.
        // Each id is looked up on its own (LATERAL, kept apart by OFFSET 0): a plan made while the
        // tables were small, or before their statistics, could otherwise join whole tables on
        // every call. As in order(_:), audit rows are taken by the order's or return's index and
        // their outcome is checked here.
        let s = try db.statement(
            """
            SELECT 0, a.event_id, NULL, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL, NULL
            FROM unnest($2::text[]) AS k (id)
            JOIN LATERAL (
                SELECT x.event_id FROM audit_events x
                WHERE x.feed = $1 AND x.event_id = k.id AND x.outcome = 'applied' OFFSET 0
            ) a ON true
            UNION ALL
            SELECT 1, k.id, a.status, a.id, h.total_paise, a.occurred_at, a.amount_paise, a.payment_ref, a.outcome
            FROM unnest($3::text[]) AS k (id)
            JOIN LATERAL (SELECT o.total_paise FROM order_headers o WHERE o.order_id = k.id OFFSET 0) h ON true
            LEFT JOIN LATERAL (
                SELECT x.status, x.id, x.occurred_at, x.amount_paise, x.payment_ref, x.outcome FROM audit_events x
                WHERE x.order_id = k.id AND x.entity = 'order' OFFSET 0
            ) a ON true
            UNION ALL
            SELECT 2, k.id, a.status, a.id, NULL, a.occurred_at, NULL, h.order_id, a.outcome
            FROM unnest($4::text[]) AS k (id)
            JOIN LATERAL (SELECT r.order_id FROM return_headers r WHERE r.return_id = k.id OFFSET 0) h ON true
            LEFT JOIN LATERAL (
                SELECT x.status, x.id, x.occurred_at, x.outcome FROM audit_events x
                WHERE x.return_id = k.id AND x.order_id = h.order_id AND x.entity = 'return' OFFSET 0
            ) a ON true
            ORDER BY 1, 2, 4
            """)
        s.bind(1, feed).bind(2, PGText.array(events.map { Optional($0) }))
        s.bind(3, PGText.array(orders.map { Optional($0) })).bind(4, PGText.array(returns.map { Optional($0) }))
        var applied: Set<String> = []
        var foundOrders: [String: OrderSnapshot] = [:]
        var foundReturns: [String: (orderId: String, newest: (status: String, at: Int64)?)] = [:]
        while try s.step() {
            let key = s.string(1)
            switch s.int(0) {
            case 0:
                applied.insert(key)
            case 1:
                var snapshot =
                    foundOrders[key]
                    ?? OrderSnapshot(
                        orderId: key, status: .pendingPayment, lastTransitionAt: Timestamp(milliseconds: 0),
                        total: Money(paise: s.int64(4)))
                if !s.isNull(2), s.string(8) == "applied" {
                    try Self.fold(
                        status: s.string(2), at: s.int64(5), amount: s.optionalInt64(6),
                        paymentRef: s.optionalString(7),
                        into: &snapshot)
                }
                foundOrders[key] = snapshot
            default:
                var found = foundReturns[key] ?? (s.string(7), nil)
                if !s.isNull(2), s.string(8) == "applied" { found.newest = (s.string(2), s.int64(5)) }
                foundReturns[key] = found
            }
        }
        for id in events where !applied.contains(id) { ahead.notApplied.insert(id) }
        for id in orders {
            if let snapshot = foundOrders[id] { cacheOrder(snapshot) } else { ahead.absentOrders.insert(id) }
        }
        for id in returns {
            guard let found = foundReturns[id] else {
                ahead.absentReturns.insert(id)
                continue
            }
            // A return without applied history is left to returnSnapshot(_:), which says so.
            guard let newest = found.newest, let status = ReturnStatus(rawValue: newest.status) else { continue }
            cacheReturn(
                ReturnSnapshot(
                    returnId: id, orderId: found.orderId, status: status,
                    lastTransitionAt: Timestamp(milliseconds: newest.at)))
        }
    }

    /// Learns in one query what the documents and returns of the events ahead need and the
    /// caches lack: invoice facts of the orders they may ship; for the orders whose returns they
    /// name, the order's lines, its invoice number and its returns (lines and status, for the
    /// quantities they hold); the items of the returns they may complete.
    /// Lines, buyers and invoice numbers are fixed once written; only the holder of the ingest
    /// lock asks, like ``prefetch(feed:eventIds:orderIds:returnIds:)``, since only it creates
    /// returns.
    public func prefetchDocuments(shipping: [String], returning: [String], completing: [String])
        throws(StoreError)
    {
        guard leadsIngest, db.isInTransaction else { return }
        let facts = Array(Set(shipping.filter { invoiceFacts[$0] == nil }))
        let lines = Array(Set(returning.filter { orderLinesCache[$0] == nil }))
        let items = Array(Set(completing.filter { returnItemsCache[$0] == nil }))
        let numbers = Array(Set(returning.filter { invoiceNumbers[$0] == nil }))
        let returned = Array(Set(returning))
        guard !facts.isEmpty || !returned.isEmpty else { return }
        // Tagged rows: 0, an order's invoice facts; 1, an order's line (by position); 2, a
        // return's line; 3, an order's invoice number; 4, a line of one of an order's returns;
        // 5, an audit row of one of its returns (the outcome checked here, as in prefetch).
        // Looked up id by id, as in prefetch.
        let s = try db.statement(
            """
            SELECT 0, k.id, h.customer_name, h.billing_address, h.billing_state, h.customer_gstin,
                (SELECT COUNT(*) FROM order_items o WHERE o.order_id = k.id AND o.hsn IS NULL), NULL::bigint,
                NULL::bigint
            FROM unnest($1::text[]) AS k (id)
            JOIN LATERAL (SELECT * FROM order_headers x WHERE x.order_id = k.id OFFSET 0) h ON true
            UNION ALL
            SELECT 1, k.id, o.sku, NULL, NULL, NULL, o.quantity, o.unit_price_paise, o.position
            FROM unnest($2::text[]) AS k (id)
            JOIN LATERAL (SELECT * FROM order_items x WHERE x.order_id = k.id OFFSET 0) o ON true
            UNION ALL
            SELECT 2, k.id, r.sku, NULL, NULL, NULL, r.quantity, NULL, NULL
            FROM unnest($3::text[]) AS k (id)
            JOIN LATERAL (SELECT * FROM return_items x WHERE x.return_id = k.id OFFSET 0) r ON true
            UNION ALL
            SELECT 3, k.id, i.number, NULL, NULL, NULL, NULL, NULL, NULL
            FROM unnest($4::text[]) AS k (id)
            JOIN LATERAL (SELECT x.number FROM invoices x WHERE x.order_id = k.id OFFSET 0) i ON true
            UNION ALL
            SELECT 4, k.id, h.return_id, r.sku, NULL, NULL, r.quantity, NULL, NULL
            FROM unnest($5::text[]) AS k (id)
            JOIN LATERAL (SELECT x.return_id FROM return_headers x WHERE x.order_id = k.id OFFSET 0) h ON true
            JOIN LATERAL (SELECT y.sku, y.quantity FROM return_items y WHERE y.return_id = h.return_id OFFSET 0) r
                ON true
            UNION ALL
            SELECT 5, k.id, a.return_id, a.status, a.outcome, NULL, a.id, NULL, NULL
            FROM unnest($5::text[]) AS k (id)
            JOIN LATERAL (
                SELECT x.return_id, x.status, x.outcome, x.id FROM audit_events x
                WHERE x.order_id = k.id AND x.entity = 'return' OFFSET 0
            ) a ON true
            ORDER BY 1, 2, 9
            """)
        s.bind(1, PGText.array(facts.map { Optional($0) })).bind(2, PGText.array(lines.map { Optional($0) }))
        s.bind(3, PGText.array(items.map { Optional($0) })).bind(4, PGText.array(numbers.map { Optional($0) }))
        s.bind(5, PGText.array(returned.map { Optional($0) }))
        var returnsOfOrders: [String: [String: HeldReturn]] = [:]
        for id in returned { returnsOfOrders[id] = [:] }
        var foundLines: [String: [OrderLine]] = [:]
        var foundItems: [String: [String: Int64]] = [:]
        while try s.step() {
            let key = s.string(1)
            switch s.int(0) {
            case 0:
                invoiceFacts[key] = InvoiceFacts(row: s, linesWithoutHSN: 6, buyer: 2)
            case 1:
                foundLines[key, default: []].append(
                    OrderLine(sku: s.string(2), quantity: s.int64(6), unitPrice: Money(paise: s.int64(7))))
            case 2:
                foundItems[key, default: [:]][s.string(2)] = s.int64(6)
            case 3:
                invoiceNumbers[key] = s.string(2)
            case 4:
                returnsOfOrders[key, default: [:]][s.string(2), default: HeldReturn()].lines[s.string(3)] = s.int64(6)
            default:
                // An audit row of a return that has a header (the view `returns` joins them).
                let returnId = s.string(2)
                guard s.string(4) == "applied", !s.isNull(3), returnsOfOrders[key]?[returnId] != nil else { continue }
                let id = s.int64(6)
                if id > returnsOfOrders[key]?[returnId]?.status?.id ?? Int64.min {
                    returnsOfOrders[key]?[returnId]?.status = (id, s.string(3))
                }
            }
        }
        ahead.returnsOfOrders.merge(returnsOfOrders) { _, learned in learned }
        for (id, found) in foundLines { orderLinesCache[id] = found }
        for (id, found) in foundItems { returnItemsCache[id] = found }
    }

    /// Only the holder of the ingest lock learns ahead.
    public var learnsAhead: Bool { leadsIngest }

    /// Applies one applied transition of an order's history (oldest first) to its snapshot.
    static func fold(
        status text: String, at time: Int64, amount: Int64?, paymentRef: String?, into snapshot: inout OrderSnapshot
    ) throws(StoreError) {
        guard let status = OrderStatus(rawValue: text) else {
            throw StoreError(
                .inconsistentData,
                message: "order \(snapshot.orderId) has an unknown status \(text) in its history")
        }
        snapshot.record(
            status, at: Timestamp(milliseconds: time), amount: amount.map(Money.init(paise:)), paymentRef: paymentRef)
    }

    /// Whether the applied record of this event id may be written without asking the server:
    /// learned not applied by `feed`, and not recorded since. Asking twice says no the second time.
    func takeKnownNotApplied(feed: String, eventId: String) -> Bool {
        guard leadsIngest, ahead.feed == feed else { return false }
        return ahead.notApplied.remove(eventId) != nil
    }

    /// The id of the next audit row, when this connection holds the ingest lock (nil: the
    /// table's default gives it). Ids come from the table's identity sequence, taken as many at
    /// once as the events learned ahead still need, so every audit row of the holder has an id
    /// above those it wrote before, as with the default.
    func nextAuditId() throws(StoreError) -> Int64? {
        guard leadsIngest, db.isInTransaction else { return nil }
        if ahead.nextId == ahead.ids.count {
            let count = max(1, min(ahead.pending, 4096))
            // The sequence is looked up once (OFFSET 0 keeps the subquery apart): in the
            // select list, pg_get_serial_sequence would read the catalog again for every row.
            let s = try db.statement(
                """
                SELECT nextval(q.seq)
                FROM (SELECT pg_get_serial_sequence('audit_events', 'id')::regclass AS seq OFFSET 0) q,
                    generate_series(1, $1::int)
                """)
            s.bind(1, count)
            ahead.ids.removeAll(keepingCapacity: true)
            ahead.nextId = 0
            while try s.step() { ahead.ids.append(s.int64(0)) }
            ahead.ids.sort()
            guard !ahead.ids.isEmpty else { throw StoreError(.inconsistentData, message: "no audit id was taken") }
        }
        ahead.nextId += 1
        ahead.pending -= 1
        return ahead.ids[ahead.nextId - 1]
    }

    /// Forgets the audit ids taken and not used (at the end of a transaction: whoever holds the
    /// lock next takes ids above them).
    func dropAuditIds() {
        ahead.ids.removeAll(keepingCapacity: true)
        ahead.nextId = 0
    }
}
