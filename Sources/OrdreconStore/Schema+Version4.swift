// Migrations 4 and on (readable views with UTC times, the reviewers' indexes, the refund schedule).
extension Schema {
    /// `column` (ms since the epoch, UTC) as ISO 8601 UTC text, e.g. `2026-12-07T08:30:00.000Z`;
    /// NULL stays NULL. Fixed width, so the text sorts and compares like the number.
    static func utc(_ column: String) -> String {
        "strftime('%Y-%m-%dT%H:%M:%fZ', \(column) / 1000.0, 'unixepoch')"
    }

    /// Version 4: indexes for the reviewer's questions and views with readable times.
    ///
    /// A reviewer asks the audit log by order (any outcome), by return, by file name, by event
    /// id, by reason code and by time (`entity_id` is an expression: ask by `order_id` or
    /// `return_id` for a search; a time range by `recorded_at_ms`, the number); each of those is now a search, not a scan (see the
    /// QueryPlanTests). The partial indexes by order (applied only) and by file (rejected
    /// only) are replaced by full ones that serve the same lookups. Views show times as ISO 8601
    /// UTC text; the number stays beside it as `<name>_ms` where code needs it.
    static let version4 = """
        DROP INDEX audit_applied_by_order;
        CREATE INDEX audit_by_order ON audit_events (order_id);
        DROP INDEX audit_rejected_by_file;
        CREATE INDEX audit_by_file ON audit_events (file_id, outcome);
        CREATE INDEX audit_by_event_id ON audit_events (event_id);
        CREATE INDEX audit_by_return ON audit_events (return_id) WHERE return_id IS NOT NULL;
        -- reason_code is set on rejected records only; (feed) makes the metrics' count by feed
        -- and code read this index alone.
        CREATE INDEX audit_rejected_by_code ON audit_events (reason_code, feed) WHERE reason_code IS NOT NULL;
        -- Time ranges (`audit --since`, audit_log.recorded_at_ms). recorded_at only grows: new
        -- entries go at the end. (An index on the view's text expression instead cost about 6%
        -- more CPU per event ingested and served neither the commands nor the number.)
        CREATE INDEX audit_by_recorded_at ON audit_events (recorded_at);
        CREATE INDEX files_by_name ON files (name);
        -- The files a run (or a daemon's report period) touched, for its report.
        CREATE INDEX files_by_last_run ON files (last_run_id);

        DROP VIEW audit_log;
        CREATE VIEW audit_log AS
        SELECT a.id, a.run_id, a.feed, f.name AS file_name, a.line, a.event_id, a.entity,
               CASE WHEN a.entity = 'return' THEN a.return_id ELSE a.order_id END AS entity_id,
               a.order_id, a.return_id, a.status,
               \(utc("a.occurred_at")) AS occurred_at,
               COALESCE(a.actor, a.feed) AS actor, a.reason, a.outcome, a.reason_code, a.message,
               \(utc("a.recorded_at")) AS recorded_at,
               a.file_id, a.occurred_at AS occurred_at_ms, a.recorded_at AS recorded_at_ms
        FROM audit_events a JOIN files f ON f.id = a.file_id;

        DROP VIEW transition_history;
        CREATE VIEW transition_history AS
        SELECT a.entity, CASE WHEN a.entity = 'return' THEN a.return_id ELSE a.order_id END AS entity_id, a.order_id, a.return_id, a.status,
               \(utc("a.occurred_at")) AS occurred_at, COALESCE(a.actor, a.feed) AS actor,
               a.reason, a.feed, f.name AS file_name, a.line, a.event_id, a.id AS audit_id, a.occurred_at AS occurred_at_ms
        FROM audit_events a JOIN files f ON f.id = a.file_id
        WHERE a.outcome = 'applied';

        DROP VIEW orders;
        CREATE VIEW orders AS
        SELECT order_id, customer_id, ship_to_state, total_paise,
               \(utc("created_at_ms")) AS created_at, status, \(utc("last_transition_at_ms")) AS last_transition_at,
               paid_paise, payment_ref, \(utc("delivered_at_ms")) AS delivered_at, carrier, tracking_number, cancel_reason,
               created_at_ms, last_transition_at_ms, delivered_at_ms
        FROM (
        SELECT h.order_id, h.customer_id, h.ship_to_state, h.total_paise, h.created_at AS created_at_ms,
            (SELECT a.status FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order'
             ORDER BY a.id DESC LIMIT 1) AS status,
            (SELECT a.occurred_at FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order'
             ORDER BY a.id DESC LIMIT 1) AS last_transition_at_ms,
            (SELECT a.amount_paise FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.status = 'PAID') AS paid_paise,
            (SELECT a.payment_ref FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.status = 'PAID') AS payment_ref,
            (SELECT a.occurred_at FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.status = 'DELIVERED') AS delivered_at_ms,
            (SELECT a.carrier FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.carrier IS NOT NULL
             ORDER BY a.id DESC LIMIT 1) AS carrier,
            (SELECT a.tracking_number FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.tracking_number IS NOT NULL
             ORDER BY a.id DESC LIMIT 1) AS tracking_number,
            (SELECT a.reason FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.status = 'CANCELLED') AS cancel_reason
        FROM order_headers h);

        DROP VIEW returns;
        CREATE VIEW returns AS
        SELECT return_id, order_id, \(utc("requested_at_ms")) AS requested_at, status,
               \(utc("last_transition_at_ms")) AS last_transition_at, carrier, tracking_number, reason,
               requested_at_ms, last_transition_at_ms
        FROM (
        SELECT h.return_id, h.order_id, h.requested_at AS requested_at_ms,
            (SELECT a.status FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
             ORDER BY a.id DESC LIMIT 1) AS status,
            (SELECT a.occurred_at FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
             ORDER BY a.id DESC LIMIT 1) AS last_transition_at_ms,
            (SELECT a.carrier FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
               AND a.carrier IS NOT NULL ORDER BY a.id DESC LIMIT 1) AS carrier,
            (SELECT a.tracking_number FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
               AND a.tracking_number IS NOT NULL ORDER BY a.id DESC LIMIT 1) AS tracking_number,
            (SELECT a.reason FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
               AND a.reason IS NOT NULL ORDER BY a.id DESC LIMIT 1) AS reason
        FROM return_headers h);

        -- Views for people (Datasette, sqlite3): the tables with readable times.
        CREATE VIEW file_log AS
        SELECT id, feed, name, final_name, format, size, state, finalized, events, applied, duplicate, rejected,
               failure_code, failure_reason, \(utc("started_at")) AS started_at, \(utc("finished_at")) AS finished_at,
               busy_ms, first_run_id, last_run_id
        FROM files;

        CREATE VIEW run_log AS
        SELECT id, command, pid, \(utc("started_at")) AS started_at, \(utc("finished_at")) AS finished_at, summary_json
        FROM runs;

        CREATE VIEW refund_log AS
        SELECT refund_id, kind, order_id, return_id, amount_paise,
               printf('%d.%02d', amount_paise / 100, amount_paise % 100) AS amount_inr, payment_ref, status, attempts,
               \(utc("created_at")) AS created_at, \(utc("last_attempt_at")) AS last_attempt_at,
               \(utc("next_attempt_at")) AS next_attempt_at, \(utc("sent_at")) AS sent_at, \(utc("failed_at")) AS failed_at,
               \(utc("requeued_at")) AS requeued_at, last_error, gateway_refund_id
        FROM refunds;

        CREATE VIEW refund_attempt_log AS
        SELECT refund_id, attempt, run_id, \(utc("started_at")) AS started_at, \(utc("finished_at")) AS finished_at,
               outcome, http_status, error_kind, error_code, message, gateway_refund_id, duration_ms
        FROM refund_attempts;

        CREATE VIEW document_log AS
        SELECT 'invoice' AS kind, number, order_id, NULL AS return_id, NULL AS invoice_number, total_paise,
               \(utc("issued_at")) AS issued_at, pdf_path, \(utc("rendered_at")) AS rendered_at
        FROM invoices
        UNION ALL
        SELECT 'credit_note', number, order_id, return_id, invoice_number, total_paise,
               \(utc("issued_at")), pdf_path, \(utc("rendered_at"))
        FROM credit_notes;
        """

    /// Version 5: refunds are sent concurrently, each on its own schedule, in the order of
    /// their events: the dispatcher walks the pending refunds in (audit_id, refund_id) order
    /// with a cursor, which this index serves without sorting (see the QueryPlanTests).
    static let version5 = """
        CREATE INDEX refunds_due ON refunds (audit_id, refund_id) WHERE status = 'pending';
        """
}
