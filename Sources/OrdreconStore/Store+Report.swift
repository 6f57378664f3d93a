public import OrdreconCore

extension Store {
    /// The rejected rows recorded by the runs `runs` (a daemon's passes of one report period),
    /// at most `limitPerCode` per reason code, in recording order within each code.
    public func rejections(ofRuns runs: ClosedRange<Int64>, limitPerCode: Int) throws(StoreError) -> [RunRejectionRow] {
        // Only files these runs touched can hold their rejections (files.last_run_id), and their
        // rejected rows are found through the index on (file_id, outcome),
        // so the report never scans the whole audit log. CROSS JOIN keeps that order (files first):
        // left to itself the planner walks every rejected row ever recorded.
        let s = try db.statement(
            """
            SELECT code, feed, file_name, final_name, line, event_id, entity, entity_id, message FROM (
                SELECT COALESCE(a.reason_code, '') AS code, a.feed, f.name AS file_name, f.final_name, a.line,
                       a.event_id, a.entity,
                       CASE WHEN a.entity = 'return' THEN a.return_id ELSE a.order_id END AS entity_id,
                       COALESCE(a.message, '') AS message, a.id AS audit_id,
                       ROW_NUMBER() OVER (PARTITION BY a.reason_code ORDER BY a.id) AS n
                FROM files f CROSS JOIN audit_events a ON a.file_id = f.id AND a.outcome = 'rejected'
                WHERE f.last_run_id BETWEEN ?1 AND ?3 AND a.run_id BETWEEN ?1 AND ?3
            ) WHERE n <= ?2 ORDER BY code, audit_id
            """)
        try s.bind(1, runs.lowerBound)
        try s.bind(2, Int64(max(0, limitPerCode)))
        try s.bind(3, runs.upperBound)
        var rows: [RunRejectionRow] = []
        while try s.step() {
            rows.append(
                RunRejectionRow(
                    code: s.string(0), feed: s.string(1), fileName: s.string(2), finalName: s.optionalString(3),
                    line: s.optionalInt64(4).map(Int.init), eventId: s.optionalString(5), entity: s.optionalString(6),
                    entityId: s.optionalString(7), message: s.string(8)))
        }
        return rows
    }
}
