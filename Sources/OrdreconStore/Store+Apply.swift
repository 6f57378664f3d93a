public import OrdreconCore

extension Store {
    /// Inserts one audit record. - Returns: its id.
    @discardableResult
    public func recordAudit(_ entry: AuditEntry, recordedAt: Timestamp) throws(StoreError) -> Int64 {
        let s = try db.statement(
            """
            INSERT OR FAIL INTO audit_events (run_id, file_id, feed, line, event_id, entity, order_id, return_id,
                status, occurred_at, actor, reason, outcome, reason_code, message, content_hash, rejected_rows,
                recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try s.bind(1, entry.runId).bind(2, entry.fileId).bind(4, entry.line)
        try s.bind(10, entry.occurredAt?.milliseconds).bind(13, static: entry.outcome.sqlText)
        try s.bind(16, entry.contentHash.map { Int64(bitPattern: $0) }).bind(18, recordedAt.milliseconds)
        arena.reset()
        try arena.bind(s, 3, entry.feed)
        try arena.bind(s, 5, entry.eventId)
        try arena.bind(s, 6, entry.entity)
        try arena.bind(s, 7, entry.orderId)
        try arena.bind(s, 8, entry.returnId)
        try arena.bind(s, 9, entry.status)
        try arena.bind(s, 11, entry.actor)
        try arena.bind(s, 12, entry.reason)
        try arena.bind(s, 14, entry.reasonCode?.rawValue)
        try arena.bind(s, 15, entry.message)
        try arena.bind(s, 17, entry.rejectedRows)
        try s.run()
        return db.lastInsertRowID
    }

    /// Inserts the audit record of an event judged `applied`, unless the unique index of
    /// applied event ids says the feed applied this event id before. (The hot path: fields
    /// are bound straight from the event.)
    /// - Returns: the record's id, or nil when the event id was applied before (nothing written).
    public func recordAppliedAudit(
        _ event: FeedEvent, runId: Int64, fileId: Int64, line: Int, recordedAt: Timestamp
    ) throws(StoreError) -> Int64? {
        let s = try db.statement(
            """
            INSERT OR FAIL INTO audit_events (run_id, file_id, feed, line, event_id, entity, order_id, return_id,
                status, occurred_at, actor, reason, outcome, content_hash, recorded_at, amount_paise, payment_ref,
                carrier, tracking_number)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied', ?, ?, ?, ?, ?, ?)
            """)
        try s.bind(1, runId).bind(2, fileId).bind(4, line).bind(10, event.occurredAt.milliseconds)
        try s.bind(13, Int64(bitPattern: event.contentHash)).bind(14, recordedAt.milliseconds)
        let paid = event.status == .order(.paid)
        try s.bind(15, paid ? event.amount?.paise : nil)
        switch event.status {
        case .order(let status):
            try s.bind(6, static: "order").bind(9, static: status.sqlText)
        case .return(let status):
            try s.bind(6, static: "return").bind(9, static: status.sqlText)
        }
        arena.reset()
        try arena.bind(s, 3, event.feed)
        try arena.bind(s, 5, event.eventId)
        try arena.bind(s, 7, event.orderId)
        try arena.bind(s, 8, event.returnId)
        try arena.bind(s, 11, event.actor == event.feed ? nil : event.actor)
        try arena.bind(s, 12, event.reason)
        try arena.bind(s, 16, paid ? event.paymentRef : nil)
        try arena.bind(s, 17, event.carrier)
        try arena.bind(s, 18, event.trackingNumber)
        do {
            try s.run()
        } catch {
            if error.code == StoreError.uniqueConstraint { return nil }
            throw error
        }
        return db.lastInsertRowID
    }

    /// Applies an accepted event's change and side effects, in the caller's transaction, after
    /// its audit row was written with ``recordAppliedAudit(_:runId:fileId:line:recordedAt:)``.
    ///
    /// Creations write the order's or return's fixed facts and lines. Moves write nothing more:
    /// the state of an order or return is its newest applied audit row (views `orders` and
    /// `returns`), so it cannot disagree with its history.
    /// - Parameter auditId: the event's audit record (invoices and refunds point to it).
    public func apply(
        _ event: FeedEvent, change: Change, effects: [SideEffect], auditId: Int64, at now: Timestamp
    ) throws(StoreError) -> AppliedEffects {
        let time = event.occurredAt.milliseconds
        switch change {
        case .createOrder(let total):
            let header = try db.statement(
                """
                INSERT OR FAIL INTO order_headers (order_id, customer_id, ship_to_state, total_paise, created_at,
                    customer_name, billing_address, billing_state, customer_gstin)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            )
            try header.bind(4, total.paise).bind(5, time)
            arena.reset()
            try arena.bind(header, 1, event.orderId)
            try arena.bind(header, 2, event.customerId ?? "")
            try arena.bind(header, 3, event.shipToState)
            try arena.bind(header, 6, event.buyer.name)
            try arena.bind(header, 7, event.buyer.address)
            try arena.bind(header, 8, event.buyer.state)
            try arena.bind(header, 9, event.buyer.gstin)
            try header.run()
            let item = try db.statement(
                """
                INSERT OR FAIL INTO order_items (order_id, sku, quantity, unit_price_paise, hsn, gst_rate_bp, position,
                    description)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (position, line) in event.items.enumerated() {
                item.reset()
                arena.reset()
                try arena.bind(item, 1, event.orderId)
                try arena.bind(item, 2, line.sku)
                try arena.bind(item, 5, line.hsn)
                try arena.bind(item, 8, line.description)
                try item.bind(3, line.quantity).bind(4, line.unitPrice?.paise ?? 0).bind(6, line.gstRateBasisPoints)
                    .bind(7, position)
                try item.run()
            }
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
            try db.statement("INSERT OR FAIL INTO return_headers (return_id, order_id, requested_at) VALUES (?, ?, ?)")
                .bind(1, returnId).bind(2, event.orderId).bind(3, time).run()
            let item = try db.statement("INSERT OR FAIL INTO return_items (return_id, sku, quantity) VALUES (?, ?, ?)")
            for line in event.items {
                item.reset()
                try item.bind(1, returnId).bind(2, line.sku).bind(3, line.quantity).run()
            }
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

    private func expectOneChange(_ what: @autoclosure () -> String) throws(StoreError) {
        if db.changes != 1 {
            throw StoreError(
                .inconsistentData, message: "state changed underneath: \(what()) updated \(db.changes) rows")
        }
    }

    /// Takes the next number of a series for a financial year. The counter is kept in memory
    /// and written with the transaction's commit (see ``commit()``); a rollback forgets it.
    func nextNumber(series: String, financialYearStart: Int) throws(StoreError) -> Int {
        let key = SeriesKey(series: series, financialYearStart: financialYearStart)
        var last: Int
        if let cached = seriesCache[key] {
            last = cached
        } else {
            let s = try db.statement("SELECT last_seq FROM number_series WHERE series = ? AND fy_start = ?")
            try s.bind(1, series).bind(2, financialYearStart)
            last = try s.step() ? s.int(0) : 0
            s.reset()
        }
        let sequence = last + 1
        guard sequence <= DocumentNumber.maximumSequence else {
            throw StoreError(
                .numberSeriesExhausted,
                message:
                    "number series \(series) for \(DocumentNumber.financialYearLabel(financialYearStart)) is exhausted at \(DocumentNumber.maximumSequence)"
            )
        }
        seriesCache[key] = sequence
        dirtySeries.insert(key)
        return sequence
    }

    /// Writes the counters taken in this transaction (called just before it commits).
    func flushNumberSeries() throws(StoreError) {
        guard !dirtySeries.isEmpty else { return }
        let s = try db.statement(
            """
            INSERT INTO number_series (series, fy_start, last_seq) VALUES (?, ?, ?)
            ON CONFLICT (series, fy_start) DO UPDATE SET last_seq = excluded.last_seq
            """)
        for key in dirtySeries {
            s.reset()
            try s.bind([key.series, key.financialYearStart, seriesCache[key] ?? 0]).run()
        }
        dirtySeries.removeAll()
    }

    private func recordInvoice(_ request: InvoiceRequest, auditId: Int64, at now: Timestamp) throws(StoreError)
        -> String
    {
        let sequence = try nextNumber(
            series: DocumentNumber.invoiceSeries, financialYearStart: request.financialYearStart)
        let number = DocumentNumber.format(
            series: DocumentNumber.invoiceSeries, financialYearStart: request.financialYearStart, sequence: sequence)
        try db.statement(
            """
            INSERT OR FAIL INTO invoices (number, order_id, fy_start, seq, issued_at, total_paise, audit_id, created_at, default_gst_rate_bp, missing)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        .bind([
            number, request.orderId, request.financialYearStart, sequence, request.issuedAt.milliseconds,
            request.total.paise, auditId, now.milliseconds, request.defaultGSTRateBasisPoints,
            InvoiceCompleteness.storedText(try invoiceGaps(orderId: request.orderId, gross: request.total)),
        ])
        .run()
        return number
    }

    /// Numbers and records a credit note citing the order's invoice, in the transaction of the
    /// return's COMPLETED transition.
    private func recordCreditNote(_ request: CreditNoteRequest, auditId: Int64, at now: Timestamp) throws(StoreError)
        -> String
    {
        let invoice = try db.statement("SELECT number FROM invoices WHERE order_id = ?").bind([request.orderId])
        guard try invoice.step() else {
            throw StoreError(
                .inconsistentData,
                message:
                    "order \(request.orderId) has no invoice for the credit note of return \(request.returnId) to cite")
        }
        let invoiceNumber = invoice.string(0)
        invoice.reset()
        let sequence = try nextNumber(
            series: DocumentNumber.creditNoteSeries, financialYearStart: request.financialYearStart)
        let number = DocumentNumber.format(
            series: DocumentNumber.creditNoteSeries, financialYearStart: request.financialYearStart, sequence: sequence)
        try db.statement(
            """
            INSERT OR FAIL INTO credit_notes (number, return_id, order_id, invoice_number, fy_start, seq, issued_at, total_paise, audit_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        .bind([
            number, request.returnId, request.orderId, invoiceNumber, request.financialYearStart, sequence,
            request.issuedAt.milliseconds, request.total.paise, auditId, now.milliseconds,
        ])
        .run()
        return number
    }

    private func recordRefund(_ request: RefundRequest, auditId: Int64, at now: Timestamp) throws(StoreError)
        -> RecordedRefund
    {
        let body = request.jsonBody
        try db.statement(
            """
            INSERT INTO refunds (refund_id, kind, order_id, return_id, amount_paise, payment_ref, body, audit_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        .bind([
            request.refundId, request.kind.rawValue, request.orderId, request.returnId, request.amount.paise,
            request.paymentRef, body, auditId, now.milliseconds,
        ])
        .run()
        return RecordedRefund(refundId: request.refundId, body: body)
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
