public import OrdreconCore

extension PostgresStore {
    /// Counts what the database holds (see ``StoreTotals``), with the SQLite store's answer
    /// (Store+Metrics.swift): a few aggregate queries over the files, the rejected audit
    /// records, the documents and the refund attempts.
    ///
    /// SQLite sums comparisons (`SUM(state = 'done')`, a comparison being 0 or 1); PostgreSQL
    /// has no sum of booleans, so these are `COUNT(*) FILTER (WHERE …)`: the same number, also 0
    /// over no rows, where SQLite's NULL is read as 0.
    public func totals(fileBounds: [Double], gatewayBounds: [Double], command: String) throws(StoreError) -> StoreTotals
    {
        var totals = StoreTotals(gatewayBounds: gatewayBounds)

        // Finished files (done or failed); events are counted as committed, finished or not.
        let finished = "state <> 'processing'"
        let files = try db.statement(
            """
            SELECT feed, SUM(applied), SUM(duplicate), SUM(rejected),
                   COUNT(*) FILTER (WHERE state = 'done'), COUNT(*) FILTER (WHERE state = 'failed'),
                   COUNT(*) FILTER (WHERE \(finished) AND first_run_id <> last_run_id),
                   SUM(CASE WHEN \(finished) THEN size ELSE 0 END),
                   COUNT(*) FILTER (WHERE \(finished)),
                   SUM(CASE WHEN \(finished) THEN busy_ms ELSE 0 END)\(StoreSQL.bucketCounts("busy_ms", fileBounds, when: finished))
            FROM files GROUP BY feed
            """)
        while try files.step() {
            var feed = StoreTotals.Feed(bounds: fileBounds)
            feed.applied = files.int(1)
            feed.duplicate = files.int(2)
            feed.rejected = files.int(3)
            feed.processedFiles = files.int(4)
            feed.refusedFiles = files.int(5)
            feed.resumedFiles = files.int(6)
            feed.bytes = files.int(7)
            feed.fileSeconds.count = files.int(8)
            feed.fileSeconds.sumMilliseconds = files.int64(9)
            for index in fileBounds.indices { feed.fileSeconds.cumulativeCounts[index] = files.int(Int32(10 + index)) }
            totals.feeds[files.string(0)] = feed
        }

        let rejections = try db.statement(
            """
            SELECT feed, reason_code, COUNT(*) FROM audit_events WHERE reason_code IS NOT NULL GROUP BY feed, reason_code
            """)
        while try rejections.step() {
            totals.rejections[rejections.string(0), default: [:]][rejections.optionalString(1) ?? "unknown"] =
                rejections.int(2)
        }

        for (kind, table) in [("invoice", "invoices"), ("credit_note", "credit_notes")] {
            let documents = try db.statement("SELECT COUNT(*), COUNT(pdf_path) FROM \(table)")
            if try documents.step() {
                totals.documentsRendered[kind] = documents.int(1)
                totals.documentsUnrendered[kind] = documents.int(0) - documents.int(1)
            }
        }

        totals.incompleteInvoices = try incompleteInvoiceCount(ofRuns: nil)

        // Attempts still in flight, or cut short by a stop or a crash, have no result yet.
        let results = [("sent", "sent"), ("failed", "refused"), ("retry", "retried")]
        let attempts = try db.statement(
            """
            SELECT outcome, COUNT(*) FROM refund_attempts WHERE outcome IN ('sent', 'failed', 'retry') GROUP BY outcome
            """)
        for (_, result) in results { totals.refundRequests[result] = 0 }
        while try attempts.step() {
            if let result = results.first(where: { $0.0 == attempts.string(0) })?.1 {
                totals.refundRequests[result] = attempts.int(1)
            }
        }
        // The classes of AttemptClass, from what each attempt record keeps.
        let classes = try db.statement(
            """
            SELECT CASE
                WHEN outcome = 'interrupted' OR error_kind = 'aborted' THEN 'interrupted'
                WHEN http_status BETWEEN 200 AND 299 THEN 'accepted'
                WHEN http_status = 409 THEN 'conflict'
                WHEN http_status = 408 OR http_status = 425 OR http_status = 429 THEN 'throttled'
                WHEN http_status BETWEEN 500 AND 599 THEN 'server_error'
                WHEN http_status = 401 OR http_status = 403 THEN 'unauthorized'
                WHEN http_status IS NOT NULL THEN 'refused'
                WHEN error_kind = 'timeout' OR error_kind = 'connectionLost' THEN 'no_answer'
                ELSE 'unreachable' END AS class, COUNT(*)
            FROM refund_attempts WHERE outcome <> 'in_flight' GROUP BY class
            """)
        while try classes.step() { totals.refundAttempts[classes.string(0)] = classes.int(1) }
        // SQLite's TOTAL() is a float sum, 0.0 over no rows; an exact sum, 0 over none, is the
        // same number for any sum below 2^53 ms.
        let durations = try db.statement(
            """
            SELECT COUNT(*), COALESCE(SUM(duration_ms), 0)\(StoreSQL.bucketCounts("duration_ms", gatewayBounds, when: nil))
            FROM refund_attempts WHERE duration_ms IS NOT NULL
            """)
        if try durations.step() {
            totals.gatewaySeconds.count = durations.int(0)
            totals.gatewaySeconds.sumMilliseconds = durations.int64(1)
            for index in gatewayBounds.indices {
                totals.gatewaySeconds.cumulativeCounts[index] = durations.int(Int32(2 + index))
            }
        }

        if let runs = try db.scalarInt("SELECT COUNT(*) FROM runs WHERE command = $1", [command]) {
            totals.runs = Int(runs)
        }
        return totals
    }

}
