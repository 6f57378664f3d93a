public import OrdreconCore

// Invoices, credit notes and refunds recorded in the transaction of the event that causes them.
extension PostgresStore {
    /// Takes the next number of a series for a financial year, in the caller's transaction, and
    /// runs `read` in the same statement (one round trip), whose columns follow the number.
    ///
    /// Unlike the SQLite store (one writer at a time, so it may count in memory until commit),
    /// several connections, on several nodes, may issue documents at once. So the counter is
    /// taken in the database, with the row lock of its `number_series` row: a second taker waits
    /// until the first commits (then sees its number) or rolls back (then the number is given
    /// back and taken again). Numbers stay consecutive, with no gap and no duplicate.
    /// - Parameters:
    ///   - read: a SELECT list over `$3…` (bound by `bind`), read in the same snapshot.
    /// - Returns: the sequence number; the statement, on the row, for the caller's columns (from 1).
    private func takeNumber(
        series: String, financialYearStart: Int, read: String, bind: (PGStatement) -> Void
    ) throws(StoreError) -> (sequence: Int, row: PGStatement) {
        // The WHERE keeps an exhausted series unchanged (and then returns no number).
        let s = try db.statement(
            """
            WITH taken AS (
                INSERT INTO number_series (series, fy_start, last_seq) VALUES ($1, $2, 1)
                ON CONFLICT (series, fy_start) DO UPDATE SET last_seq = number_series.last_seq + 1
                WHERE number_series.last_seq < \(DocumentNumber.maximumSequence)
                RETURNING last_seq
            )
            SELECT (SELECT last_seq FROM taken), \(read)
            """)
        s.bind(1, series).bind(2, financialYearStart)
        bind(s)
        guard try s.step() else { throw StoreError(.inconsistentData, message: "taking a number returned no row") }
        guard !s.isNull(0) else {
            throw StoreError(
                .numberSeriesExhausted,
                message:
                    "number series \(series) for \(DocumentNumber.financialYearLabel(financialYearStart)) is exhausted at \(DocumentNumber.maximumSequence)"
            )
        }
        return (s.int(0), s)
    }

    /// Numbers and records the invoice of an order, with what it lacks (read with the number).
    func recordInvoice(_ request: InvoiceRequest, auditId: Int64, at now: Timestamp) throws(StoreError) -> String {
        let (sequence, row) = try takeNumber(
            series: DocumentNumber.invoiceSeries, financialYearStart: request.financialYearStart,
            read: """
                h.order_id IS NOT NULL,
                    (SELECT COUNT(*) FROM order_items o WHERE o.order_id = $3 AND o.hsn IS NULL),
                    h.customer_name, h.billing_address, h.billing_state, h.customer_gstin
                FROM (SELECT 1) AS one LEFT JOIN order_headers h ON h.order_id = $3
                """
        ) { $0.bind(3, request.orderId) }
        var gaps: [InvoiceGap] = []
        if row.bool(1) {
            let buyer = InvoiceBuyer(
                name: row.optionalString(3), addressLines: InvoiceBuyer.lines(of: row.optionalString(4)),
                state: row.optionalString(5), gstin: row.optionalString(6))
            gaps = InvoiceCompleteness.gaps(linesWithoutHSN: row.int(2), gross: request.total, buyer: buyer)
        }
        let number = DocumentNumber.format(
            series: DocumentNumber.invoiceSeries, financialYearStart: request.financialYearStart, sequence: sequence)
        try db.statement(
            """
            INSERT INTO invoices (number, order_id, fy_start, seq, issued_at, total_paise, audit_id, created_at,
                default_gst_rate_bp, missing)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """
        )
        .bind([
            number, request.orderId, request.financialYearStart, sequence, request.issuedAt.milliseconds,
            request.total.paise, auditId, now.milliseconds, request.defaultGSTRateBasisPoints,
            InvoiceCompleteness.storedText(gaps),
        ])
        .runDeferred()
        return number
    }

    /// Numbers and records a credit note citing the order's invoice, in the transaction of the
    /// return's COMPLETED transition.
    func recordCreditNote(_ request: CreditNoteRequest, auditId: Int64, at now: Timestamp) throws(StoreError)
        -> String
    {
        let (sequence, row) = try takeNumber(
            series: DocumentNumber.creditNoteSeries, financialYearStart: request.financialYearStart,
            read: "(SELECT number FROM invoices WHERE order_id = $3)"
        ) { $0.bind(3, request.orderId) }
        // Without an invoice the caller's transaction fails, and gives the number back.
        guard let invoiceNumber = row.optionalString(1) else {
            throw StoreError(
                .inconsistentData,
                message:
                    "order \(request.orderId) has no invoice for the credit note of return \(request.returnId) to cite")
        }
        let number = DocumentNumber.format(
            series: DocumentNumber.creditNoteSeries, financialYearStart: request.financialYearStart, sequence: sequence)
        try db.statement(
            """
            INSERT INTO credit_notes (number, return_id, order_id, invoice_number, fy_start, seq, issued_at,
                total_paise, audit_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """
        )
        .bind([
            number, request.returnId, request.orderId, invoiceNumber, request.financialYearStart, sequence,
            request.issuedAt.milliseconds, request.total.paise, auditId, now.milliseconds,
        ])
        .runDeferred()
        return number
    }

    /// Records a refund request; the trigger `refunds_never_exceed_paid` refuses one above what
    /// is left of the order's payment (deferred like the documents' rows: the refusal fails the
    /// transaction at its next statement or COMMIT).
    func recordRefund(_ request: RefundRequest, auditId: Int64, at now: Timestamp) throws(StoreError)
        -> RecordedRefund
    {
        let body = request.jsonBody
        try db.statement(
            """
            INSERT INTO refunds (refund_id, kind, order_id, return_id, amount_paise, payment_ref, body, audit_id,
                created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """
        )
        .bind([
            request.refundId, request.kind.rawValue, request.orderId, request.returnId, request.amount.paise,
            request.paymentRef, body, auditId, now.milliseconds,
        ])
        .runDeferred()
        return RecordedRefund(refundId: request.refundId, body: body)
    }
}
