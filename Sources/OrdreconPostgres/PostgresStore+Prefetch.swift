public import OrdreconCore

/// What the store learned ahead of the events the engine is about to judge (see
/// ``PostgresStore/prefetch(feed:eventIds:orderIds:returnIds:)``), and the audit ids it took for
/// them. True while this connection holds the ingest lock: only its holder writes audit rows,
/// orders and returns, so nobody else can make what it learned false. Forgotten on rollback.
struct IngestAhead {
    /// The feed whose event ids ``notApplied`` lists.
    var feed = ""
    /// Event ids of ``feed`` that no applied audit row had when asked, none recorded since: the
    /// next applied record of each needs no answer from the server. Taken out when recorded.
    var notApplied: Set<String> = []
    /// Orders and returns the database does not have (until this connection creates them).
    var absentOrders: Set<String> = []
    var absentReturns: Set<String> = []
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
        snapshot.status = status
        snapshot.lastTransitionAt = Timestamp(milliseconds: time)
        switch status {
        case .paid:
            snapshot.paid = amount.map(Money.init(paise:))
            snapshot.paymentRef = paymentRef
        case .delivered:
            snapshot.deliveredAt = snapshot.lastTransitionAt
        default:
            break
        }
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
            let s = try db.statement(
                "SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) FROM generate_series(1, $1::int)")
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
