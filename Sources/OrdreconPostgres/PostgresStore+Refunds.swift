public import OrdreconCore

extension PostgresStore {
    /// Pending refunds that may be sent at `now`, oldest first (in the order their events were
    /// processed), at most `limit`; with a cursor, only those after it in that order.
    ///
    /// A refund another node has in flight is listed too (it is still pending): whether it may
    /// go is decided when its attempt begins, under its lock.
    public func dueRefunds(at now: Timestamp, after cursor: DueRefundCursor?, limit: Int) throws(StoreError)
        -> [DueRefund]
    {
        let s = try db.statement(
            """
            SELECT refund_id, order_id, return_id, amount_paise, body, attempts, COALESCE(requeued_at, created_at), audit_id
            FROM refunds
            WHERE status = 'pending' AND (audit_id, refund_id) > ($2::bigint, $3::text)
              AND (next_attempt_at IS NULL OR next_attempt_at <= $1::bigint)
            ORDER BY audit_id, refund_id LIMIT $4
            """
        ).bind([now.milliseconds, cursor?.auditId ?? Int64.min, cursor?.refundId ?? "", Int64(limit)])
        var due: [DueRefund] = []
        while try s.step() {
            due.append(
                DueRefund(
                    refundId: s.string(0), orderId: s.string(1), returnId: s.optionalString(2),
                    amount: Money(paise: s.int64(3)), body: s.string(4), attempts: s.int(5),
                    recordedAt: Timestamp(milliseconds: s.int64(6)), auditId: s.int64(7)))
        }
        return due
    }

    /// How many refunds are in each status; a status without refunds is left out.
    public func refundCounts() throws(StoreError) -> [RefundStatus: Int] {
        let s = try db.statement("SELECT status, COUNT(*) FROM refunds GROUP BY status")
        var counts: [RefundStatus: Int] = [:]
        while try s.step() { counts[try Self.refundStatus(s.string(0))] = s.int(1) }
        return counts
    }

    /// A stored status as the enum; the schema's CHECK allows no other value, so another one
    /// means a damaged database (or one changed by hand), never a default.
    static func refundStatus(_ text: String) throws(StoreError) -> RefundStatus {
        guard let status = RefundStatus(rawValue: text) else {
            throw StoreError(
                .inconsistentData,
                message: "a refund has the unknown status \"\(text)\" (the database is damaged or was changed by hand)")
        }
        return status
    }

    /// The earliest time a pending refund asked to wait for, if any waits.
    public func earliestRefundWait() throws(StoreError) -> Timestamp? {
        try db.scalarInt("SELECT MIN(next_attempt_at) FROM refunds WHERE status = 'pending'").map(
            Timestamp.init(milliseconds:))
    }

    /// When the oldest pending refund was recorded (or queued again), nil when none is pending.
    public func oldestPendingRefund() throws(StoreError) -> Timestamp? {
        try db.scalarInt("SELECT MIN(COALESCE(requeued_at, created_at)) FROM refunds WHERE status = 'pending'")
            .map(Timestamp.init(milliseconds:))
    }

    /// Queues a failed refund again, with the same key and body (`ordrecon refunds retry`). The
    /// row is locked while its status is read, so that of two operators (or nodes) queueing it
    /// at once, one queues it and the other is told it is pending.
    public func requeueFailedRefund(_ refundId: String, at now: Timestamp) throws(StoreError) -> RequeueResult {
        try begin(durable: true)
        do {
            let s = try db.statement("SELECT status FROM refunds WHERE refund_id = $1 FOR UPDATE").bind([refundId])
            guard try s.step() else {
                rollback()
                return .unknown
            }
            let status = try Self.refundStatus(s.string(0))
            guard status == .failed else {
                rollback()
                return .notFailed(status: status)
            }
            try db.statement(
                "UPDATE refunds SET status = 'pending', requeued_at = $1, next_attempt_at = NULL WHERE refund_id = $2"
            )
            .bind([now.milliseconds, refundId]).run()
            try commit()
            return .requeued
        } catch {
            rollback()
            throw error
        }
    }

    /// Refunds in the order they are sent, optionally only those in a status and/or of an order.
    public func refunds(matching query: RefundQuery) throws(StoreError) -> [RefundRecord] {
        let (status, orderId, limit) = (query.status, query.orderId, query.limit)
        let s = try db.statement(
            """
            SELECT refund_id, kind, order_id, return_id, amount_paise, payment_ref, status, attempts, created_at,
                   last_attempt_at, next_attempt_at, sent_at, failed_at, requeued_at, gateway_refund_id, last_error, body
            FROM refunds WHERE ($1::text IS NULL OR status = $1::text) AND ($2::text IS NULL OR order_id = $2::text)
            ORDER BY audit_id, refund_id LIMIT $3
            """
        ).bind([status?.rawValue, orderId, Int64(min(limit, Int(Int64.max)))])
        var records: [RefundRecord] = []
        func time(_ column: Int32) -> Timestamp? { s.optionalInt64(column).map(Timestamp.init(milliseconds:)) }
        while try s.step() {
            records.append(
                RefundRecord(
                    refundId: s.string(0), kind: s.string(1), orderId: s.string(2), returnId: s.optionalString(3),
                    amount: Money(paise: s.int64(4)), paymentRef: s.string(5),
                    status: try Self.refundStatus(s.string(6)), attempts: s.int(7),
                    createdAt: Timestamp(milliseconds: s.int64(8)), lastAttemptAt: time(9), nextAttemptAt: time(10),
                    sentAt: time(11), failedAt: time(12), requeuedAt: time(13), gatewayRefundId: s.optionalString(14),
                    lastError: s.optionalString(15), body: s.string(16)))
        }
        return records
    }

    /// The attempts to send one refund, first first.
    public func refundAttempts(_ refundId: String) throws(StoreError) -> [RefundAttemptRecord] {
        let s = try db.statement(
            """
            SELECT attempt, run_id, started_at, finished_at, outcome, http_status, error_kind, error_code, message,
                   gateway_refund_id, duration_ms
            FROM refund_attempts WHERE refund_id = $1 ORDER BY attempt
            """
        ).bind([refundId])
        var attempts: [RefundAttemptRecord] = []
        while try s.step() {
            attempts.append(
                RefundAttemptRecord(
                    attempt: s.int(0), runId: s.optionalInt64(1), startedAt: Timestamp(milliseconds: s.int64(2)),
                    finishedAt: s.optionalInt64(3).map(Timestamp.init(milliseconds:)), outcome: s.string(4),
                    httpStatus: s.optionalInt64(5).map(Int.init), errorKind: s.optionalString(6),
                    errorCode: s.optionalInt64(7).map(Int.init), message: s.optionalString(8),
                    gatewayRefundId: s.optionalString(9), durationMilliseconds: s.optionalInt64(10).map(Int.init)))
        }
        return attempts
    }
}
