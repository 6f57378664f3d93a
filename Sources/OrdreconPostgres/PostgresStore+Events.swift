public import OrdreconCore

// The hot path of ingestion: audit records and applying changes, as the SQLite store does them
// (Store+Apply.swift). Each statement is a round trip to the server and costs it an executor, so
// the rows whose insertion nothing waits for (audit rows with an id given here, orders' and
// returns' headers and lines) are batched (PGRowBatch.swift) and sent with the next statement
// (PGPipeline.swift), whose error, or COMMIT's, is then theirs.
extension PostgresStore {
    /// Inserts one audit record. - Returns: its id.
    ///
    /// The holder of the ingest lock gives the id itself (``nextAuditId()``) and batches the row
    /// (sent with the next statement, whose failure it then is).
    @discardableResult
    public func recordAudit(_ entry: AuditEntry, recordedAt: Timestamp) throws(StoreError) -> Int64 {
        if let id = try nextAuditId() {
            try db.append(
                [
                    .bigint(id), .bigint(entry.runId), .bigint(entry.fileId), .text(entry.feed),
                    .bigint(entry.line.map(Int64.init)), .text(entry.eventId), .text(entry.entity),
                    .text(entry.orderId), .text(entry.returnId), .text(entry.status),
                    .bigint(entry.occurredAt?.milliseconds), .text(entry.actor), .text(entry.reason),
                    .text(entry.outcome.rawValue), .text(entry.reasonCode?.rawValue), .text(entry.message),
                    .bigint(entry.contentHash.map { Int64(bitPattern: $0) }), .text(entry.rejectedRows),
                    .bigint(recordedAt.milliseconds), .bigint(nil), .text(nil), .text(nil), .text(nil),
                ], to: batches.audit)
            return id
        }
        let s = try db.statement(
            """
            INSERT INTO audit_events (run_id, file_id, feed, line, event_id, entity, order_id, return_id, status,
                occurred_at, actor, reason, outcome, reason_code, message, content_hash, rejected_rows, recorded_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
            RETURNING id
            """)
        s.bind(1, entry.runId).bind(2, entry.fileId).bind(3, entry.feed).bind(4, entry.line).bind(5, entry.eventId)
        s.bind(6, entry.entity).bind(7, entry.orderId).bind(8, entry.returnId).bind(9, entry.status)
        s.bind(10, entry.occurredAt?.milliseconds).bind(11, entry.actor).bind(12, entry.reason)
        s.bind(13, entry.outcome.rawValue).bind(14, entry.reasonCode?.rawValue).bind(15, entry.message)
        s.bind(16, entry.contentHash.map { Int64(bitPattern: $0) }).bind(17, entry.rejectedRows)
        s.bind(18, recordedAt.milliseconds)
        guard try s.step() else { throw StoreError(.inconsistentData, message: "an audit record got no id") }
        return s.int64(0)
    }

    /// Inserts the audit record of an event judged `applied`, unless the unique index of
    /// applied event ids says the feed applied this event id before.
    ///
    /// An event id learned ahead not to be applied (``prefetch(feed:eventIds:orderIds:returnIds:)``)
    /// is inserted without waiting, with an id the holder of the ingest lock gave it, and
    /// without ON CONFLICT: should the unique index refuse it after all, the transaction fails
    /// (at the next statement or COMMIT), never a silent double. Any other is asked.
    /// - Returns: the record's id, or nil when the event id was applied before (nothing written).
    public func recordAppliedAudit(_ event: FeedEvent, runId: Int64, fileId: Int64, line: Int, recordedAt: Timestamp)
        throws(StoreError) -> Int64?
    {
        let id = try nextAuditId()
        let paid = event.status == .order(.paid)
        let entity: String
        let status: String
        switch event.status {
        case .order(let order): (entity, status) = ("order", order.rawValue)
        case .return(let state): (entity, status) = ("return", state.rawValue)
        }
        let actor = event.actor == event.feed ? nil : event.actor
        if let id, takeKnownNotApplied(feed: event.feed, eventId: event.eventId) {
            try db.append(
                [
                    .bigint(id), .bigint(runId), .bigint(fileId), .text(event.feed), .bigint(Int64(line)),
                    .text(event.eventId), .text(entity), .text(event.orderId), .text(event.returnId), .text(status),
                    .bigint(event.occurredAt.milliseconds), .text(actor), .text(event.reason), .text("applied"),
                    .text(nil), .text(nil), .bigint(Int64(bitPattern: event.contentHash)), .text(nil),
                    .bigint(recordedAt.milliseconds), .bigint(paid ? event.amount?.paise : nil),
                    .text(paid ? event.paymentRef : nil), .text(event.carrier), .text(event.trackingNumber),
                ], to: batches.audit)
            return id
        }
        // ON CONFLICT rather than catching the unique violation: in PostgreSQL a failed
        // statement aborts the whole transaction.
        let s = try db.statement(
            """
            INSERT INTO audit_events (id, run_id, file_id, feed, line, event_id, entity, order_id, return_id,
                status, occurred_at, actor, reason, outcome, content_hash, recorded_at, amount_paise, payment_ref,
                carrier, tracking_number)
            VALUES (COALESCE($19, nextval(pg_get_serial_sequence('audit_events', 'id'))), $1, $2, $3, $4, $5,
                $6, $7, $8, $9, $10, $11, $12, 'applied', $13, $14, $15, $16, $17, $18)
            ON CONFLICT (feed, event_id) WHERE outcome = 'applied' DO NOTHING
            RETURNING id
            """)
        s.bind(1, runId).bind(2, fileId).bind(3, event.feed).bind(4, line).bind(5, event.eventId)
        s.bind(6, entity).bind(7, event.orderId).bind(8, event.returnId).bind(9, status)
        s.bind(10, event.occurredAt.milliseconds).bind(11, actor).bind(12, event.reason)
        s.bind(13, Int64(bitPattern: event.contentHash)).bind(14, recordedAt.milliseconds)
        s.bind(15, paid ? event.amount?.paise : nil).bind(16, paid ? event.paymentRef : nil)
        s.bind(17, event.carrier).bind(18, event.trackingNumber).bind(19, id)
        guard try s.step() else { return nil }
        return s.int64(0)
    }

    /// Applies an accepted event's change and side effects, in the caller's transaction, after
    /// its audit row was written with ``recordAppliedAudit(_:runId:fileId:line:recordedAt:)``.
    ///
    /// Creations write the order's or return's fixed facts and lines. Moves write nothing more:
    /// the state of an order or return is its newest applied audit row (views `orders` and
    /// `returns`), so it cannot disagree with its history.
    /// - Parameter auditId: the event's audit record (invoices and refunds point to it).
    public func apply(_ event: FeedEvent, change: Change, effects: [SideEffect], auditId: Int64, at now: Timestamp)
        throws(StoreError) -> AppliedEffects
    {
        let time = event.occurredAt.milliseconds
        switch change {
        case .createOrder(let total):
            try db.append(
                [
                    .text(event.orderId), .text(event.customerId ?? ""), .text(event.shipToState),
                    .bigint(total.paise), .bigint(time), .text(event.buyer.name), .text(event.buyer.address),
                    .text(event.buyer.state), .text(event.buyer.gstin),
                ], to: batches.orderHeaders)
            for (position, item) in event.items.enumerated() {
                try db.append(
                    [
                        .text(event.orderId), .text(item.sku), .bigint(item.quantity),
                        .bigint(item.unitPrice?.paise ?? 0), .text(item.hsn),
                        .bigint(item.gstRateBasisPoints.map(Int64.init)), .bigint(Int64(position)),
                        .text(item.description),
                    ], to: batches.orderItems)
            }
            orderLinesCache[event.orderId] = event.items.map {
                OrderLine(sku: $0.sku, quantity: $0.quantity, unitPrice: $0.unitPrice ?? Money(paise: 0))
            }
            invoiceFacts[event.orderId] = InvoiceFacts(
                linesWithoutHSN: event.items.filter { $0.hsn == nil }.count, buyer: event.buyer)
            cacheOrder(
                OrderSnapshot(
                    orderId: event.orderId, status: .pendingPayment, lastTransitionAt: event.occurredAt, total: total))

        case .moveOrder(_, let to):
            // Nothing to write: the order's state is its applied history (the view `orders`), and
            // this event's audit row is already in it. Only the judge's cache moves on.
            if var cached = orderCache[event.orderId] {
                cached.record(to, at: event.occurredAt, amount: event.amount, paymentRef: event.paymentRef)
                orderCache[event.orderId] = cached
            }

        case .createReturn:
            let returnId = event.returnId ?? ""
            try db.append([.text(returnId), .text(event.orderId), .bigint(time)], to: batches.returnHeaders)
            for item in event.items {
                try db.append([.text(returnId), .text(item.sku), .bigint(item.quantity)], to: batches.returnItems)
            }
            var items: [String: Int64] = [:]
            for item in event.items { items[item.sku] = item.quantity }
            returnItemsCache[returnId] = items
            ahead.returnsOfOrders[event.orderId]?[returnId] = HeldReturn(
                lines: items, status: (auditId, ReturnStatus.requested.rawValue))
            cacheReturn(
                ReturnSnapshot(
                    returnId: returnId, orderId: event.orderId, status: .requested, lastTransitionAt: event.occurredAt))

        case .moveReturn(_, let to):
            // As for orders: the applied audit row is the new state; only the cache moves on.
            if let returnId = event.returnId, var cached = returnCache[returnId] {
                cached.status = to
                cached.lastTransitionAt = event.occurredAt
                returnCache[returnId] = cached
            }
            if let returnId = event.returnId {
                ahead.returnsOfOrders[event.orderId]?[returnId]?.status = (auditId, to.rawValue)
            }
        }

        var result = AppliedEffects()
        for effect in effects {
            switch effect {
            case .issueInvoice(let request):
                result.invoiceNumbers.append(try recordInvoice(request, auditId: auditId, at: now))
            case .requestRefund(let request):
                result.refunds.append(try recordRefund(request, auditId: auditId, at: now))
            case .issueCreditNote(let request):
                result.creditNoteNumbers.append(try recordCreditNote(request, auditId: auditId, at: now))
            }
        }
        return result
    }

    /// Pending refunds with their bodies (to make sure each has its outbox file).
    public func pendingRefunds() throws(StoreError) -> [RecordedRefund] {
        let s = try db.statement(
            "SELECT refund_id, body FROM refunds WHERE status = 'pending' ORDER BY created_at, refund_id")
        var refunds: [RecordedRefund] = []
        while try s.step() { refunds.append(RecordedRefund(refundId: s.string(0), body: s.string(1))) }
        return refunds
    }
}
