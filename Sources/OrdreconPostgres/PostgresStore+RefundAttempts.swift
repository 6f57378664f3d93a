public import OrdreconCore

/// Attempts to send refunds, when several nodes share the database and each may send.
///
/// Exactly once across nodes rests on two locks. A refund's row is locked (`FOR UPDATE SKIP
/// LOCKED`) while its attempt is recorded: a refund another node is recording right now is
/// skipped, never waited for. And a session-level advisory lock per refund is held from the
/// commit that records an attempt as in flight until the commit that records how it ended: a
/// node that cannot take it leaves the refund alone, for another live node has it in flight.
/// When a node dies the server ends its session and releases its advisory locks; whoever takes
/// the lock next finds the dead node's attempt still `in_flight`, marks it `interrupted`, and
/// sends the next attempt with the same key and body (the gateway answers the key once).
extension PostgresStore {
    /// The first key of the two-key advisory locks of refunds (the second is the refund id's
    /// `hashtext`). Two refunds whose ids hash alike share a lock: one waits for the other's
    /// answer, which costs time, never a second payment.
    static let refundLockSpace = 0x6F72_6466  // "ordf"

    /// Records, and commits in one transaction, how some attempts ended (and their refunds'
    /// states) and that attempts of other refunds are about to be sent: the dispatcher's one
    /// commit per turn. Nothing of `beginning` goes out before this returns.
    ///
    /// A refund of `beginning` is left out when it is no longer pending, when another node is
    /// recording an attempt of it right now, or when another node has an attempt of it in
    /// flight. An attempt of this session's own left `in_flight` (its answer was never
    /// recorded) is marked interrupted, as on SQLite.
    /// - Returns: the attempt number of each refund of `beginning` that this node now sends.
    public func recordRefundAttempts(
        finishing finishes: [RefundAttemptFinish], beginning refundIds: [String], runId: Int64?, at now: Timestamp
    ) throws(StoreError) -> [String: Int] {
        guard !finishes.isEmpty || !refundIds.isEmpty else { return [:] }
        // Advisory locks outlive a rollback: those taken here are released if nothing commits.
        var taken: [String] = []
        do {
            try begin(durable: false)
            try finishAttempts(finishes)
            let numbers = try beginAttempts(refundIds, runId: runId, at: now, taking: &taken)
            try commit()
            refundLocks.formUnion(taken)
            // An ended attempt's lock goes only now that its outcome is committed; a refund
            // begun again in this same commit keeps the lock for its new attempt.
            for finish in finishes where numbers[finish.refundId] == nil {
                if refundLocks.remove(finish.refundId) != nil { unlockRefund(finish.refundId) }
            }
            return numbers
        } catch {
            rollback()
            for refundId in taken { unlockRefund(refundId) }
            throw error
        }
    }

    /// Releases this session's advisory lock of a refund (taken once, released once). A failure
    /// means the connection is gone, and the server released the session's locks with it.
    private func unlockRefund(_ refundId: String) {
        _ = try? db.statement("SELECT pg_advisory_unlock($1::integer, hashtext($2::text))")
            .bind([Self.refundLockSpace, refundId]).step()
    }

    private func beginAttempts(
        _ refundIds: [String], runId: Int64?, at now: Timestamp, taking taken: inout [String]
    ) throws(StoreError) -> [String: Int] {
        guard !refundIds.isEmpty else { return [:] }
        // The pending rows no other transaction holds, locked until the commit.
        let candidates = try db.statement(
            """
            SELECT refund_id FROM refunds WHERE refund_id = ANY($1::text[]) AND status = 'pending'
            ORDER BY refund_id FOR UPDATE SKIP LOCKED
            """
        ).bind([Self.textArray(refundIds)])
        var locked: Set<String> = []
        while try candidates.step() { locked.insert(candidates.string(0)) }
        guard !locked.isEmpty else { return [:] }

        let claim = try db.statement("SELECT pg_try_advisory_lock($1::integer, hashtext($2::text))")
        // Counts the attempt on a pending refund, and says its number (nothing: no longer pending).
        let count = try db.statement(
            """
            UPDATE refunds SET attempts = attempts + 1, last_attempt_at = $1 WHERE refund_id = $2 AND status = 'pending'
            RETURNING attempts
            """)
        let interrupt = try db.statement(
            """
            UPDATE refund_attempts SET outcome = 'interrupted', finished_at = $1,
                message = 'ordrecon stopped before the answer was recorded; the next attempt reuses the key'
            WHERE refund_id = $2 AND outcome = 'in_flight'
            """)
        let insert = try db.statement(
            """
            INSERT INTO refund_attempts (refund_id, attempt, run_id, started_at, outcome)
            VALUES ($1, $2, $3, $4, 'in_flight')
            """)
        var numbers: [String: Int] = [:]
        var seen: Set<String> = []
        for refundId in refundIds where locked.contains(refundId) && seen.insert(refundId).inserted {
            // This session's own lock is not taken again (it would stack); another node's
            // lock means its attempt is in flight: the refund is left to it.
            let ownLock = refundLocks.contains(refundId)
            if !ownLock {
                claim.reset()
                guard try claim.bind([Self.refundLockSpace, refundId]).step(), claim.bool(0) else { continue }
                taken.append(refundId)
            }
            // Read again under the lock: the node that held it may have recorded an answer.
            count.reset()
            guard try count.bind([now.milliseconds, refundId]).step() else {
                if !ownLock, taken.last == refundId {
                    taken.removeLast()
                    unlockRefund(refundId)
                }
                continue
            }
            let attempt = count.int(0)
            // Whoever had an earlier attempt in flight is gone (its session's lock was released)
            // or is this session, whose dispatcher no longer waits for it.
            if attempt > 1 { try interrupt.bind([now.milliseconds, refundId]).run() }
            try insert.bind([refundId, Int64(attempt), runId, now.milliseconds]).run()
            numbers[refundId] = attempt
        }
        return numbers
    }

    /// `values` as a PostgreSQL text array literal (`{"a","b"}`), each element quoted.
    static func textArray(_ values: [String]) -> String {
        let elements = values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }
        return "{" + elements.joined(separator: ",") + "}"
    }

    private func finishAttempts(_ finishes: [RefundAttemptFinish]) throws(StoreError) {
        guard !finishes.isEmpty else { return }
        let sent = try db.statement(
            """
            UPDATE refunds SET status = 'sent', sent_at = $1, gateway_refund_id = $2, last_error = NULL,
                next_attempt_at = NULL WHERE refund_id = $3
            """)
        let retry = try db.statement(
            "UPDATE refunds SET last_error = $1, next_attempt_at = $2 WHERE refund_id = $3")
        let interrupted = try db.statement("UPDATE refunds SET last_error = $1 WHERE refund_id = $2")
        let failed = try db.statement(
            """
            UPDATE refunds SET status = 'failed', failed_at = $1, last_error = $2, next_attempt_at = NULL
            WHERE refund_id = $3
            """)
        let attempt = try db.statement(
            """
            UPDATE refund_attempts SET outcome = $1, finished_at = $2, http_status = $3, error_kind = $4, error_code = $5,
                message = $6, gateway_refund_id = $7, duration_ms = $8
            WHERE refund_id = $9 AND attempt = $10
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
}
