import OrdreconCore

// Invoices, credit notes and refunds recorded in the transaction of the event that causes them.
extension PostgresStore {
    /// Takes the next number of a series for a financial year, in the caller's transaction.
    ///
    /// Several connections, on several nodes, may issue documents at once, so a number is
    /// taken under the row lock of its `number_series` row: the first number of a series in a
    /// transaction locks the row (`FOR UPDATE`, creating it when missing) and reads where it
    /// stands; the next ones are counted here, as the SQLite store does, and the row is written
    /// at commit (``writeTakenNumbers()``). A second taker waits for the lock until the first
    /// commits (then sees its numbers) or rolls back (then they are given back and taken
    /// again). Numbers stay consecutive, with no gap and no duplicate; the unique (fy_start, seq)
    /// of invoices and credit notes stays the safety net.
    private func takeNumber(series: String, financialYearStart: Int) throws(StoreError) -> Int {
        let key = SeriesKey(series: series, financialYearStart: financialYearStart)
        var last = takenNumbers[key]
        if last == nil {
            try db.statement(
                "INSERT INTO number_series (series, fy_start, last_seq) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING"
            ).bind([series, financialYearStart]).runDeferred()
            let s = try db.statement(
                "SELECT last_seq FROM number_series WHERE series = $1 AND fy_start = $2 FOR UPDATE")
            s.bind([series, financialYearStart])
            guard try s.step() else { throw StoreError(.inconsistentData, message: "number series \(series) vanished") }
            last = s.int(0)
        }
        guard let last, last < DocumentNumber.maximumSequence else {
            throw StoreError(
                .numberSeriesExhausted,
                message:
                    "number series \(series) for \(DocumentNumber.financialYearLabel(financialYearStart)) is exhausted at \(DocumentNumber.maximumSequence)"
            )
        }
        takenNumbers[key] = last + 1
        return last + 1
    }

    /// Writes where each series whose numbers this transaction took stands, before its COMMIT.
    func writeTakenNumbers() throws(StoreError) {
        for (key, last) in takenNumbers {
            try db.statement("UPDATE number_series SET last_seq = $3 WHERE series = $1 AND fy_start = $2")
                .bind([key.series, key.financialYearStart, last]).runDeferred()
        }
        takenNumbers.removeAll()
    }

    /// What an order's invoice needs of it beyond the request: whether the order is there, how
    /// many lines lack an HSN code, and the buyer. From ``invoiceFacts`` (orders this connection
    /// created, whose headers and lines never change), else read.
    private func factsForInvoice(of orderId: String) throws(StoreError) -> InvoiceFacts? {
        if let known = invoiceFacts[orderId] { return known }
        let s = try db.statement(
            """
            SELECT (SELECT COUNT(*) FROM order_items o WHERE o.order_id = $1 AND o.hsn IS NULL),
                h.customer_name, h.billing_address, h.billing_state, h.customer_gstin
            FROM order_headers h WHERE h.order_id = $1
            """)
        s.bind(1, orderId)
        guard try s.step() else { return nil }
        let facts = InvoiceFacts(row: s, linesWithoutHSN: 0, buyer: 1)
        invoiceFacts[orderId] = facts
        return facts
    }

    /// Numbers and records the invoice of an order, with what it lacks.
    func recordInvoice(_ request: InvoiceRequest, auditId: Int64, at now: Timestamp) throws(StoreError) -> String {
        var gaps: [InvoiceGap] = []
        if let facts = try factsForInvoice(of: request.orderId) {
            gaps = InvoiceCompleteness.gaps(
                linesWithoutHSN: facts.linesWithoutHSN, gross: request.total, buyer: facts.buyer)
        }
        let sequence = try takeNumber(
            series: DocumentNumber.invoiceSeries, financialYearStart: request.financialYearStart)
        let number = DocumentNumber.format(
            series: DocumentNumber.invoiceSeries, financialYearStart: request.financialYearStart, sequence: sequence)
        try db.append(
            [
                .text(number), .text(request.orderId), .bigint(Int64(request.financialYearStart)),
                .bigint(Int64(sequence)), .bigint(request.issuedAt.milliseconds), .bigint(request.total.paise),
                .bigint(auditId), .bigint(now.milliseconds), .bigint(Int64(request.defaultGSTRateBasisPoints)),
                .text(InvoiceCompleteness.storedText(gaps)),
            ], to: batches.invoices)
        invoiceNumbers[request.orderId] = number
        return number
    }

    /// The number of an order's invoice, if it has one.
    private func invoiceNumber(of orderId: String) throws(StoreError) -> String? {
        if let known = invoiceNumbers[orderId] { return known }
        let s = try db.statement("SELECT number FROM invoices WHERE order_id = $1").bind([orderId])
        guard try s.step(), let number = s.optionalString(0) else { return nil }
        invoiceNumbers[orderId] = number
        return number
    }

    /// Numbers and records a credit note citing the order's invoice, in the transaction of the
    /// return's COMPLETED transition.
    func recordCreditNote(_ request: CreditNoteRequest, auditId: Int64, at now: Timestamp) throws(StoreError)
        -> String
    {
        // Without an invoice the caller's transaction fails, and gives the number back.
        guard let invoiceNumber = try invoiceNumber(of: request.orderId) else {
            throw StoreError(
                .inconsistentData,
                message:
                    "order \(request.orderId) has no invoice for the credit note of return \(request.returnId) to cite")
        }
        let sequence = try takeNumber(
            series: DocumentNumber.creditNoteSeries, financialYearStart: request.financialYearStart)
        let number = DocumentNumber.format(
            series: DocumentNumber.creditNoteSeries, financialYearStart: request.financialYearStart, sequence: sequence)
        try db.append(
            [
                .text(number), .text(request.returnId), .text(request.orderId), .text(invoiceNumber),
                .bigint(Int64(request.financialYearStart)), .bigint(Int64(sequence)),
                .bigint(request.issuedAt.milliseconds), .bigint(request.total.paise), .bigint(auditId),
                .bigint(now.milliseconds),
            ], to: batches.creditNotes)
        return number
    }

    /// Records a refund request; the trigger `refunds_never_exceed_paid` refuses one above what
    /// is left of the order's payment (batched like the documents' rows: the refusal fails the
    /// transaction at its next statement or COMMIT).
    func recordRefund(_ request: RefundRequest, auditId: Int64, at now: Timestamp) throws(StoreError)
        -> RecordedRefund
    {
        let body = request.jsonBody
        try db.append(
            [
                .text(request.refundId), .text(request.kind.rawValue), .text(request.orderId), .text(request.returnId),
                .bigint(request.amount.paise), .text(request.paymentRef), .text(body), .bigint(auditId),
                .bigint(now.milliseconds),
            ], to: batches.refunds)
        return RecordedRefund(refundId: request.refundId, body: body)
    }
}

/// A number series of one financial year.
struct SeriesKey: Hashable {
    var series: String
    var financialYearStart: Int
}

/// What an order's invoice needs of its stored header and lines (see `recordInvoice`).
struct InvoiceFacts {
    var linesWithoutHSN: Int
    var buyer: InvoiceBuyer

    init(linesWithoutHSN: Int, buyer: InvoiceBuyer) {
        self.linesWithoutHSN = linesWithoutHSN
        self.buyer = buyer
    }

    /// From a row with the count at column `linesWithoutHSN`, and the buyer's name, billing
    /// address, state and GSTIN in the four columns from `buyer`.
    init(row s: PGStatement, linesWithoutHSN: Int32, buyer: Int32) {
        self.linesWithoutHSN = s.int(linesWithoutHSN)
        self.buyer = InvoiceBuyer(row: s, from: buyer)
    }
}
