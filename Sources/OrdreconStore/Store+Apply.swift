public import OrdreconCore

extension Store {
    /// Inserts one audit record. - Returns: its id.
    @discardableResult
    public func recordAudit(_ entry: AuditEntry, recordedAt: Timestamp) throws(StoreError) -> Int64 {
        let s = try db.statement("""
            INSERT INTO audit_events (run_id, file_id, feed, line, event_id, entity, entity_id, order_id,
                return_id, status, occurred_at, actor, reason, outcome, reason_code, message, content_hash,
                rejected_rows, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        s.bind(1, entry.runId).bind(2, entry.fileId).bind(3, entry.feed).bind(4, entry.line)
        s.bind(5, entry.eventId).bind(6, entry.entity).bind(7, entry.entityId).bind(8, entry.orderId)
        s.bind(9, entry.returnId).bind(10, entry.status).bind(11, entry.occurredAt?.milliseconds)
        s.bind(12, entry.actor).bind(13, entry.reason).bind(14, entry.outcome.rawValue)
        s.bind(15, entry.reasonCode?.rawValue).bind(16, entry.message)
        s.bind(17, entry.contentHash.map { Int64(bitPattern: $0) }).bind(18, entry.rejectedRows)
        s.bind(19, recordedAt.milliseconds)
        try s.run()
        return db.lastInsertRowID
    }

    /// Inserts the audit record of an event judged `applied`, unless the unique index of
    /// applied event ids says the feed applied this event id before.
    /// - Returns: the record's id, or nil when the event id was applied before (nothing written).
    public func recordAuditUnlessApplied(_ entry: AuditEntry, recordedAt: Timestamp) throws(StoreError) -> Int64? {
        do {
            return try recordAudit(entry, recordedAt: recordedAt)
        } catch {
            if error.code == StoreError.uniqueConstraint { return nil }
            throw error
        }
    }

    /// Applies an accepted event's change and side effects, in the caller's transaction.
    ///
    /// Every state update checks the status it moves from, so a stale verdict can never apply.
    /// - Parameter auditId: the event's audit record (invoices and refunds point to it).
    public func apply(
        _ event: FeedEvent, change: Change, effects: [SideEffect], auditId: Int64, at now: Timestamp
    ) throws -> AppliedEffects {
        let time = event.occurredAt.milliseconds
        switch change {
        case .createOrder(let total):
            try db.statement("""
                INSERT INTO orders (order_id, customer_id, ship_to_state, status, total_paise, created_at,
                    last_transition_at, updated_at)
                VALUES (?, ?, ?, 'PENDING_PAYMENT', ?, ?, ?, ?)
                """)
                .bind([event.orderId, event.customerId ?? "", event.shipToState, total.paise, time, time, now.milliseconds])
                .run()
            let item = try db.statement("""
                INSERT INTO order_items (order_id, sku, quantity, unit_price_paise, hsn, gst_rate_bp, position)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for (position, line) in event.items.enumerated() {
                item.reset()
                try item.bind([event.orderId, line.sku, line.quantity, line.unitPrice?.paise ?? 0, line.hsn, line.gstRateBasisPoints, position])
                    .run()
            }

        case .moveOrder(let from, let to):
            let s = try db.statement("""
                UPDATE orders SET status = ?, last_transition_at = ?, updated_at = ?,
                    paid_paise = COALESCE(?, paid_paise), payment_ref = COALESCE(?, payment_ref),
                    delivered_at = COALESCE(?, delivered_at), carrier = COALESCE(?, carrier),
                    tracking_number = COALESCE(?, tracking_number), cancel_reason = COALESCE(?, cancel_reason)
                WHERE order_id = ? AND status = ?
                """)
            try s.bind([
                to.rawValue, time, now.milliseconds,
                to == .paid ? event.amount?.paise : nil, to == .paid ? event.paymentRef : nil,
                to == .delivered ? time : nil, event.carrier, event.trackingNumber,
                to == .cancelled ? event.reason : nil,
                event.orderId, from.rawValue,
            ]).run()
            try expectOneChange("order \(event.orderId) moving \(from.rawValue) -> \(to.rawValue)")

        case .createReturn:
            try db.statement("""
                INSERT INTO returns (return_id, order_id, status, requested_at, last_transition_at, reason, updated_at)
                VALUES (?, ?, 'REQUESTED', ?, ?, ?, ?)
                """)
                .bind([event.returnId ?? "", event.orderId, time, time, event.reason, now.milliseconds]).run()
            let item = try db.statement("INSERT INTO return_items (return_id, sku, quantity) VALUES (?, ?, ?)")
            for line in event.items {
                item.reset()
                try item.bind([event.returnId ?? "", line.sku, line.quantity]).run()
            }

        case .moveReturn(let from, let to):
            try db.statement("""
                UPDATE returns SET status = ?, last_transition_at = ?, updated_at = ?,
                    carrier = COALESCE(?, carrier), tracking_number = COALESCE(?, tracking_number),
                    reason = COALESCE(?, reason)
                WHERE return_id = ? AND status = ?
                """)
                .bind([to.rawValue, time, now.milliseconds, event.carrier, event.trackingNumber, event.reason,
                       event.returnId ?? "", from.rawValue])
                .run()
            try expectOneChange("return \(event.returnId ?? "") moving \(from.rawValue) -> \(to.rawValue)")
        }

        var result = AppliedEffects()
        for effect in effects {
            switch effect {
            case .issueInvoice(let request):
                result.invoiceNumbers.append(try recordInvoice(request, auditId: auditId, at: now))
            case .requestRefund(let request):
                result.refunds.append(try recordRefund(request, auditId: auditId, at: now))
            }
        }
        return result
    }

    private func expectOneChange(_ what: String) throws(StoreError) {
        if db.changes != 1 {
            throw StoreError(code: 0, message: "state changed underneath: \(what) updated \(db.changes) rows")
        }
    }

    /// Takes the next number of a series for a financial year.
    func nextNumber(series: String, financialYearStart: Int) throws(StoreError) -> Int {
        let s = try db.statement("""
            INSERT INTO number_series (series, fy_start, last_seq) VALUES (?, ?, 1)
            ON CONFLICT (series, fy_start) DO UPDATE SET last_seq = last_seq + 1
            RETURNING last_seq
            """)
        s.bind(1, series).bind(2, financialYearStart)
        guard try s.step() else { throw StoreError(code: 0, message: "number series \(series) returned nothing") }
        let sequence = s.int(0)
        s.reset()
        guard sequence <= DocumentNumber.maximumSequence else {
            throw StoreError(code: 0, message: "number series \(series) for \(DocumentNumber.financialYearLabel(financialYearStart)) is exhausted at \(DocumentNumber.maximumSequence)")
        }
        return sequence
    }

    private func recordInvoice(_ request: InvoiceRequest, auditId: Int64, at now: Timestamp) throws(StoreError) -> String {
        let sequence = try nextNumber(series: DocumentNumber.invoiceSeries, financialYearStart: request.financialYearStart)
        let number = DocumentNumber.format(
            series: DocumentNumber.invoiceSeries, financialYearStart: request.financialYearStart, sequence: sequence)
        try db.statement("""
            INSERT INTO invoices (number, order_id, fy_start, seq, issued_at, total_paise, audit_id, created_at)
            SELECT ?, order_id, ?, ?, ?, total_paise, ?, ? FROM orders WHERE order_id = ?
            """)
            .bind([number, request.financialYearStart, sequence, request.issuedAt.milliseconds, auditId, now.milliseconds, request.orderId])
            .run()
        try expectOneChange("invoice \(number) for order \(request.orderId)")
        return number
    }

    private func recordRefund(_ request: RefundRequest, auditId: Int64, at now: Timestamp) throws(StoreError) -> RecordedRefund {
        let body = request.jsonBody
        try db.statement("""
            INSERT INTO refunds (refund_id, kind, order_id, return_id, amount_paise, payment_ref, body, audit_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
            .bind([request.refundId, request.kind.rawValue, request.orderId, request.returnId, request.amount.paise,
                   request.paymentRef, body, auditId, now.milliseconds])
            .run()
        return RecordedRefund(refundId: request.refundId, body: body)
    }

    /// Pending refunds with their bodies (to make sure each has its outbox file).
    public func pendingRefunds() throws(StoreError) -> [RecordedRefund] {
        let s = try db.statement("SELECT refund_id, body FROM refunds WHERE status = 'pending' ORDER BY created_at, refund_id")
        var refunds: [RecordedRefund] = []
        while try s.step() { refunds.append(RecordedRefund(refundId: s.string(0), body: s.string(1))) }
        return refunds
    }
}
