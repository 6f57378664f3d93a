public import OrdreconCore

extension Store {
    /// Pending refunds that may be sent at `now`, oldest first (in the order their events were
    /// processed), at most `limit`; with a cursor, only those after it in that order.
    public func dueRefunds(at now: Timestamp, after cursor: DueRefundCursor?, limit: Int) throws(StoreError)
        -> [DueRefund]
    {
        let s = try db.statement(
            """
            SELECT refund_id, order_id, return_id, amount_paise, body, attempts, COALESCE(requeued_at, created_at), audit_id
            FROM refunds
            WHERE status = 'pending' AND (audit_id, refund_id) > (?2, ?3)
              AND (next_attempt_at IS NULL OR next_attempt_at <= ?1)
            ORDER BY audit_id, refund_id LIMIT ?4
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

    /// Records, and commits in one transaction, how some attempts ended (and their refunds'
    /// states) and that attempts of other refunds are about to be sent: the dispatcher's one
    /// commit per turn. Nothing of `beginning` goes out before this returns.
    /// - Returns: the attempt number of each refund of `beginning` that is still pending.
    public func recordRefundAttempts(
        finishing finishes: [RefundAttemptFinish], beginning refundIds: [String], runId: Int64?, at now: Timestamp
    ) throws(StoreError) -> [String: Int] {
        guard !finishes.isEmpty || !refundIds.isEmpty else { return [:] }
        try begin(durable: false)
        do {
            try finishAttempts(finishes)
            let numbers = try beginAttempts(refundIds, runId: runId, at: now)
            try commit()
            return numbers
        } catch {
            rollback()
            throw error
        }
    }

    private func beginAttempts(_ refundIds: [String], runId: Int64?, at now: Timestamp) throws(StoreError) -> [String:
        Int]
    {
        guard !refundIds.isEmpty else { return [:] }
        // Counts the attempt on a pending refund, and says its number (nothing: no longer pending).
        let count = try db.statement(
            """
            UPDATE refunds SET attempts = attempts + 1, last_attempt_at = ? WHERE refund_id = ? AND status = 'pending'
            RETURNING attempts
            """)
        let interrupt = try db.statement(
            """
            UPDATE refund_attempts SET outcome = 'interrupted', finished_at = ?,
                message = 'ordrecon stopped before the answer was recorded; the next attempt reuses the key'
            WHERE refund_id = ? AND outcome = 'in_flight'
            """)
        let insert = try db.statement(
            """
            INSERT INTO refund_attempts (refund_id, attempt, run_id, started_at, outcome) VALUES (?, ?, ?, ?, 'in_flight')
            """)
        var numbers: [String: Int] = [:]
        for refundId in refundIds {
            count.reset()
            try count.bind([now.milliseconds, refundId])
            guard try count.step() else {
                count.reset()
                continue
            }
            let attempt = count.int(0)
            count.reset()
            // Only an earlier attempt can have been cut short.
            if attempt > 1 { try interrupt.bind([now.milliseconds, refundId]).run() }
            try insert.bind([refundId, Int64(attempt), runId, now.milliseconds]).run()
            numbers[refundId] = attempt
        }
        return numbers
    }

    private func finishAttempts(_ finishes: [RefundAttemptFinish]) throws(StoreError) {
        guard !finishes.isEmpty else { return }
        let sent = try db.statement(
            """
            UPDATE refunds SET status = 'sent', sent_at = ?, gateway_refund_id = ?, last_error = NULL,
                next_attempt_at = NULL WHERE refund_id = ?
            """)
        let retry = try db.statement("UPDATE refunds SET last_error = ?, next_attempt_at = ? WHERE refund_id = ?")
        let interrupted = try db.statement("UPDATE refunds SET last_error = ? WHERE refund_id = ?")
        let failed = try db.statement(
            """
            UPDATE refunds SET status = 'failed', failed_at = ?, last_error = ?, next_attempt_at = NULL
            WHERE refund_id = ?
            """)
        let attempt = try db.statement(
            """
            UPDATE refund_attempts SET outcome = ?, finished_at = ?, http_status = ?, error_kind = ?, error_code = ?,
                message = ?, gateway_refund_id = ?, duration_ms = ?
            WHERE refund_id = ? AND attempt = ?
            """)
        for finish in finishes {
            let now = finish.at
            let outcome: String
            var gatewayId: String?
            switch finish.end {
            case .sent(let id):
                outcome = "sent"
                gatewayId = id
                try sent.bind([now.milliseconds, id, finish.refundId]).run()
            case .retry(let reason, let notBefore):
                outcome = "retry"
                try retry.bind([reason, notBefore?.milliseconds, finish.refundId]).run()
            case .interrupted(let reason):
                outcome = "interrupted"
                try interrupted.bind([reason, finish.refundId]).run()
            case .failed(let reason):
                outcome = "failed"
                try failed.bind([now.milliseconds, reason, finish.refundId]).run()
            }
            try attempt.bind([
                outcome, now.milliseconds, finish.httpStatus.map(Int64.init), finish.transportKind,
                finish.transportCode.map(Int64.init), finish.message, gatewayId, Int64(finish.durationMilliseconds),
                finish.refundId, Int64(finish.attempt),
            ]).run()
        }
    }

    /// Queues a failed refund again, with the same key and body (`ordrecon refunds retry`).
    public func requeueFailedRefund(_ refundId: String, at now: Timestamp) throws(StoreError) -> RequeueResult {
        try begin(durable: true)
        do {
            let s = try db.statement("SELECT status FROM refunds WHERE refund_id = ?").bind([refundId])
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
                "UPDATE refunds SET status = 'pending', requeued_at = ?, next_attempt_at = NULL WHERE refund_id = ?"
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
            FROM refunds WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR order_id = ?2)
            ORDER BY audit_id, refund_id LIMIT ?3
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
            FROM refund_attempts WHERE refund_id = ? ORDER BY attempt
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
