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
                DueRefund(row: s))
        }
        return due
    }

    /// How many refunds are in each status; a status without refunds is left out.
    public func refundCounts() throws(StoreError) -> [RefundStatus: Int] {
        let s = try db.statement("SELECT status, COUNT(*) FROM refunds GROUP BY status")
        var counts: [RefundStatus: Int] = [:]
        while try s.step() { counts[try RefundStatus(stored: s.string(0))] = s.int(1) }
        return counts
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
            let status = try RefundStatus(stored: s.string(0))
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
        while try s.step() {
            records.append(
                try RefundRecord(row: s))
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
                RefundAttemptRecord(row: s))
        }
        return attempts
    }
}
