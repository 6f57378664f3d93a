public import OrdreconCore

extension PostgresStore {
    /// The rejected rows recorded by the runs `runs`, at most `limitPerCode` per reason code
    /// (the SQLite store's answer, Store+Report.swift).
    public func rejections(ofRuns runs: ClosedRange<Int64>, limitPerCode: Int) throws(StoreError) -> [RunRejectionRow] {
        // Only files these runs touched can hold their rejections (files.last_run_id, indexed),
        // and their rejected rows are found through the index on (file_id, outcome). SQLite's
        // `CROSS JOIN … ON` (which fixes its join order) is a plain JOIN here: PostgreSQL's CROSS
        // JOIN takes no ON, and its planner starts from the smaller side on its own.
        // A NULL reason code and an empty one are separate codes (PARTITION BY), both shown as
        // ''; codes are ordered as bytes (COLLATE "C"), as SQLite's BINARY orders them. A
        // subquery in FROM needs a name in PostgreSQL 15.
        let s = try db.statement(
            """
            SELECT code, feed, file_name, final_name, line, event_id, entity, entity_id, message FROM (
                SELECT COALESCE(a.reason_code, '') AS code, a.feed, f.name AS file_name, f.final_name, a.line,
                       a.event_id, a.entity,
                       CASE WHEN a.entity = 'return' THEN a.return_id ELSE a.order_id END AS entity_id,
                       COALESCE(a.message, '') AS message, a.id AS audit_id,
                       ROW_NUMBER() OVER (PARTITION BY a.reason_code ORDER BY a.id) AS n
                FROM files f JOIN audit_events a ON a.file_id = f.id AND a.outcome = 'rejected'
                WHERE f.last_run_id BETWEEN $1 AND $3 AND a.run_id BETWEEN $1 AND $3
            ) AS ranked WHERE n <= $2 ORDER BY code COLLATE "C", audit_id
            """
        ).bind([runs.lowerBound, Int64(max(0, limitPerCode)), runs.upperBound])
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
