/// A row of a query's result as a store adapter reads it: columns by 0-based index, integers
/// as `Int64`, text as `String`, NULL told apart. Both adapters (SQLite's statement, the
/// PostgreSQL one) give their rows this shape, so that a row of the same columns becomes the
/// port's record through one piece of code (the initializers below), not one per adapter.
public protocol StoreRow {
    func isNull(_ column: Int32) -> Bool
    /// The column as an integer (0 when NULL).
    func int64(_ column: Int32) -> Int64
    /// The column as text ("" when NULL).
    func string(_ column: Int32) -> String
}

extension StoreRow {
    public func int(_ column: Int32) -> Int { Int(int64(column)) }
    public func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
    public func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
    /// The column (milliseconds since the epoch) as a time, nil when NULL.
    public func optionalTime(_ column: Int32) -> Timestamp? { optionalInt64(column).map(Timestamp.init(milliseconds:)) }
    public func time(_ column: Int32) -> Timestamp { Timestamp(milliseconds: int64(column)) }
}

// The records of the port, each from a row of the columns its `storeColumns` (or its doc) names,
// in that order. The two schemas have the same tables and columns, so the same SELECT lists
// serve both adapters.

extension FileRecord {
    /// The columns of `files` that ``init(row:)`` reads, in its order.
    public static let storeColumns = """
        id, feed, name, format, size, mtime_ns, state, finalized, resume_offset, resume_line, csv_header,
        json_shape, events, applied, duplicate, rejected, failure_code, failure_reason, final_name, busy_ms, inode
        """

    /// A row of ``storeColumns``. A state the schema does not allow means a damaged database (or
    /// one changed by hand): an error, never a guess (taken for `processing`, the file would be
    /// read again).
    public init(row s: some StoreRow) throws(StoreError) {
        guard let state = FileRecord.State(rawValue: s.string(6)) else {
            throw StoreError(
                .inconsistentData,
                message:
                    "file \(s.string(1))/\(s.string(2)) has the unknown state \"\(s.string(6))\" (the database is damaged or was changed by hand)"
            )
        }
        self.init(
            id: s.int64(0), feed: s.string(1), name: s.string(2), format: s.string(3), size: s.int64(4),
            mtimeNanoseconds: s.int64(5), state: state,
            finalized: s.int64(7) != 0, resumeOffset: s.int64(8), resumeLine: s.int(9),
            csvHeader: s.optionalString(10), jsonShape: s.optionalString(11), events: s.int(12),
            applied: s.int(13), duplicate: s.int(14), rejected: s.int(15), failureCode: s.optionalString(16),
            failureReason: s.optionalString(17), finalName: s.optionalString(18), busyMilliseconds: s.int64(19),
            inode: s.int64(20))
    }
}

extension AuditRecord {
    /// The columns every audit listing reads, in ``init(row:)``'s order (`audit_events a` joined
    /// with `files f`).
    public static let storeColumns = """
        a.id, a.feed, f.name, a.line, a.event_id, a.entity,
        CASE WHEN a.entity = 'return' THEN a.return_id ELSE a.order_id END,
        a.order_id, a.return_id, a.status, a.occurred_at, COALESCE(a.actor, a.feed),
        a.outcome, a.reason_code, a.message, a.recorded_at
        """

    public init(row s: some StoreRow) {
        self.init(
            id: s.int64(0), feed: s.string(1), fileName: s.string(2), line: s.optionalInt64(3).map(Int.init),
            eventId: s.optionalString(4), entity: s.optionalString(5), entityId: s.optionalString(6),
            orderId: s.optionalString(7), returnId: s.optionalString(8), status: s.optionalString(9),
            occurredAt: s.optionalTime(10), actor: s.string(11), outcome: s.string(12),
            reasonCode: s.optionalString(13), message: s.optionalString(14), recordedAt: s.time(15))
    }
}

extension InvoiceBuyer {
    /// The buyer's name, billing address, state and GSTIN in the four columns from `column`.
    public init(row s: some StoreRow, from column: Int32) {
        self.init(
            name: s.optionalString(column), addressLines: InvoiceBuyer.lines(of: s.optionalString(column + 1)),
            state: s.optionalString(column + 2), gstin: s.optionalString(column + 3))
    }
}

extension DocumentRecord {
    /// A row of: kind (`invoice` or `credit_note`), number, order id, return id, issued at, total
    /// (paise), customer id, ship-to state, invoice number, invoice issued at, default GST rate
    /// (basis points), PDF path, rendered at, created at (not read), then the buyer's four
    /// columns from the order header (a credit note has the same recipient as its invoice, both
    /// read from the one order).
    public init(row s: some StoreRow) {
        self.init(
            kind: s.string(0) == "invoice" ? .invoice : .creditNote, number: s.string(1), orderId: s.string(2),
            returnId: s.optionalString(3), issuedAt: s.time(4), total: Money(paise: s.int64(5)),
            customerId: s.string(6), shipToState: s.optionalString(7), invoiceNumber: s.optionalString(8),
            invoiceIssuedAt: s.optionalTime(9), defaultGSTRateBasisPoints: s.optionalInt64(10).map(Int.init),
            pdfPath: s.optionalString(11), renderedAt: s.optionalTime(12), buyer: InvoiceBuyer(row: s, from: 14))
    }
}

extension RefundStatus {
    /// A stored status; the schema's CHECK allows no other value, so another one means a damaged
    /// database (or one changed by hand), never a default.
    public init(stored text: String) throws(StoreError) {
        guard let status = RefundStatus(rawValue: text) else {
            throw StoreError(
                .inconsistentData,
                message: "a refund has the unknown status \"\(text)\" (the database is damaged or was changed by hand)")
        }
        self = status
    }
}

extension DueRefund {
    /// A row of: refund id, order id, return id, amount (paise), body, attempts, recorded or
    /// queued again at, audit id.
    public init(row s: some StoreRow) {
        self.init(
            refundId: s.string(0), orderId: s.string(1), returnId: s.optionalString(2),
            amount: Money(paise: s.int64(3)), body: s.string(4), attempts: s.int(5), recordedAt: s.time(6),
            auditId: s.int64(7))
    }
}

extension RefundRecord {
    /// A row of `refunds`' columns refund_id, kind, order_id, return_id, amount_paise,
    /// payment_ref, status, attempts, created_at, last_attempt_at, next_attempt_at, sent_at,
    /// failed_at, requeued_at, gateway_refund_id, last_error, body.
    public init(row s: some StoreRow) throws(StoreError) {
        self.init(
            refundId: s.string(0), kind: s.string(1), orderId: s.string(2), returnId: s.optionalString(3),
            amount: Money(paise: s.int64(4)), paymentRef: s.string(5), status: try RefundStatus(stored: s.string(6)),
            attempts: s.int(7), createdAt: s.time(8), lastAttemptAt: s.optionalTime(9),
            nextAttemptAt: s.optionalTime(10), sentAt: s.optionalTime(11), failedAt: s.optionalTime(12),
            requeuedAt: s.optionalTime(13), gatewayRefundId: s.optionalString(14), lastError: s.optionalString(15),
            body: s.string(16))
    }
}

extension RefundAttemptRecord {
    /// A row of `refund_attempts`' columns attempt, run_id, started_at, finished_at, outcome,
    /// http_status, error_kind, error_code, message, gateway_refund_id, duration_ms.
    public init(row s: some StoreRow) {
        self.init(
            attempt: s.int(0), runId: s.optionalInt64(1), startedAt: s.time(2), finishedAt: s.optionalTime(3),
            outcome: s.string(4), httpStatus: s.optionalInt64(5).map(Int.init), errorKind: s.optionalString(6),
            errorCode: s.optionalInt64(7).map(Int.init), message: s.optionalString(8),
            gatewayRefundId: s.optionalString(9), durationMilliseconds: s.optionalInt64(10).map(Int.init))
    }
}
