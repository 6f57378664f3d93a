/// The database schema, as an ordered list of migrations. `PRAGMA user_version` holds how
/// many have been applied; each runs in its own transaction, and a migration, once released,
/// is never edited: changes come as new migrations.
enum Schema {
    static let migrations: [String] = [version1, version2, version3, version4, version5, version6]

    // CHECK constraints list values with OR, not IN (...): SQLite builds a temporary b-tree for an
    // IN list on every insert, which made each audit insert several times dearer.

    /// Version 1: state, history (as applied audit rows), files, audit, invoices, refunds.
    static let version1 = """
        CREATE TABLE runs (
            id           INTEGER PRIMARY KEY,
            started_at   INTEGER NOT NULL,   -- ms since epoch, UTC
            finished_at  INTEGER,
            pid          INTEGER NOT NULL,
            command      TEXT NOT NULL,
            summary_json TEXT
        );

        -- One row per input file seen. A file is claimed (moved out of the inbox into the
        -- processing folder) before it gets a row; its progress is committed with each batch.
        CREATE TABLE files (
            id             INTEGER PRIMARY KEY,
            feed           TEXT NOT NULL,
            name           TEXT NOT NULL,
            format         TEXT NOT NULL,    -- csv, json, jsonl
            size           INTEGER NOT NULL,
            mtime_ns       INTEGER NOT NULL,
            inode          INTEGER NOT NULL DEFAULT 0,
            state          TEXT NOT NULL CHECK (state = 'processing' OR state = 'done' OR state = 'failed'),
            finalized      INTEGER NOT NULL DEFAULT 0,   -- moved to archive/ or failed/
            resume_offset  INTEGER NOT NULL DEFAULT 0,   -- byte offset of the next event
            resume_line    INTEGER NOT NULL DEFAULT 0,   -- its line (CSV/JSONL) or position (JSON)
            csv_header     TEXT,                         -- CSV header row, for rejection files
            json_shape     TEXT,                         -- 'array' or 'events' for .json
            events         INTEGER NOT NULL DEFAULT 0,
            applied        INTEGER NOT NULL DEFAULT 0,
            duplicate      INTEGER NOT NULL DEFAULT 0,
            rejected       INTEGER NOT NULL DEFAULT 0,
            failure_code   TEXT,
            failure_reason TEXT,
            final_name     TEXT,             -- name under archive/ or failed/ (may differ on a clash)
            first_run_id   INTEGER NOT NULL,
            last_run_id    INTEGER NOT NULL,
            started_at     INTEGER NOT NULL,
            finished_at    INTEGER,
            busy_ms        INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX files_unfinalized ON files (feed, name) WHERE finalized = 0;

        -- Exactly one row per event (and one per whole-file rejection).
        CREATE TABLE audit_events (
            id            INTEGER PRIMARY KEY,
            run_id        INTEGER NOT NULL,
            file_id       INTEGER NOT NULL REFERENCES files (id),
            feed          TEXT NOT NULL,
            line          INTEGER,
            event_id      TEXT,
            entity        TEXT,
            order_id      TEXT,
            return_id     TEXT,
            status        TEXT,
            occurred_at   INTEGER,           -- ms since epoch, UTC
            actor         TEXT,              -- NULL: the feed's name (the contract's default)
            reason        TEXT,
            amount_paise  INTEGER,           -- applied PAID: the amount paid
            payment_ref   TEXT,              -- applied PAID: the gateway's payment id
            carrier       TEXT,
            tracking_number TEXT,
            outcome       TEXT NOT NULL CHECK (outcome = 'applied' OR outcome = 'duplicate' OR outcome = 'rejected'),
            reason_code   TEXT,
            message       TEXT,
            content_hash  INTEGER,
            rejected_rows TEXT,              -- the rows for the .rejected.csv, ready to write
            recorded_at   INTEGER NOT NULL
        );
        -- Only applied events reserve their event_id, once per feed.
        CREATE UNIQUE INDEX audit_applied_event_id ON audit_events (feed, event_id) WHERE outcome = 'applied';
        -- Transition history of orders and returns.
        CREATE INDEX audit_applied_by_order ON audit_events (order_id) WHERE outcome = 'applied';
        CREATE INDEX audit_rejected_by_file ON audit_events (file_id) WHERE outcome = 'rejected';

        CREATE VIEW audit_log AS
        SELECT a.id, a.run_id, a.feed, f.name AS file_name, a.line, a.event_id, a.entity,
               CASE WHEN a.entity = 'return' THEN a.return_id ELSE a.order_id END AS entity_id,
               a.order_id, a.return_id, a.status,
               strftime('%Y-%m-%dT%H:%M:%fZ', a.occurred_at / 1000.0, 'unixepoch') AS occurred_at,
               COALESCE(a.actor, a.feed) AS actor, a.reason, a.outcome, a.reason_code, a.message,
               strftime('%Y-%m-%dT%H:%M:%fZ', a.recorded_at / 1000.0, 'unixepoch') AS recorded_at,
               a.file_id
        FROM audit_events a JOIN files f ON f.id = a.file_id;

        CREATE VIEW transition_history AS
        SELECT a.entity, CASE WHEN a.entity = 'return' THEN a.return_id ELSE a.order_id END AS entity_id, a.order_id, a.return_id, a.status, a.occurred_at, COALESCE(a.actor, a.feed) AS actor,
               a.reason, a.feed, f.name AS file_name, a.line, a.event_id, a.id AS audit_id
        FROM audit_events a JOIN files f ON f.id = a.file_id
        WHERE a.outcome = 'applied';

        -- What an order is (fixed when it is created). Its state (status, payment, delivery) is
        -- not stored a second time: it is what its applied events say, see the view `orders`.
        CREATE TABLE order_headers (
            order_id      TEXT PRIMARY KEY,
            customer_id   TEXT NOT NULL,
            ship_to_state TEXT,
            total_paise   INTEGER NOT NULL CHECK (total_paise >= 0),
            created_at    INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- Each order with its current state, read from its applied transitions (newest wins).
        CREATE VIEW orders AS
        SELECT h.order_id, h.customer_id, h.ship_to_state, h.total_paise, h.created_at,
            (SELECT a.status FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order'
             ORDER BY a.id DESC LIMIT 1) AS status,
            (SELECT a.occurred_at FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order'
             ORDER BY a.id DESC LIMIT 1) AS last_transition_at,
            (SELECT a.amount_paise FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.status = 'PAID') AS paid_paise,
            (SELECT a.payment_ref FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.status = 'PAID') AS payment_ref,
            (SELECT a.occurred_at FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.status = 'DELIVERED') AS delivered_at,
            (SELECT a.carrier FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.carrier IS NOT NULL
             ORDER BY a.id DESC LIMIT 1) AS carrier,
            (SELECT a.tracking_number FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.tracking_number IS NOT NULL
             ORDER BY a.id DESC LIMIT 1) AS tracking_number,
            (SELECT a.reason FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'order' AND a.status = 'CANCELLED') AS cancel_reason
        FROM order_headers h;

        CREATE TABLE order_items (
            order_id         TEXT NOT NULL,
            sku              TEXT NOT NULL,
            quantity         INTEGER NOT NULL CHECK (quantity > 0),
            unit_price_paise INTEGER NOT NULL CHECK (unit_price_paise >= 0),
            hsn              TEXT,
            gst_rate_bp      INTEGER,
            position         INTEGER NOT NULL,
            PRIMARY KEY (order_id, sku)
        ) WITHOUT ROWID;

        -- What a return is (fixed when requested); its state is its applied history, see `returns`.
        CREATE TABLE return_headers (
            return_id    TEXT PRIMARY KEY,
            order_id     TEXT NOT NULL,
            requested_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX return_headers_by_order ON return_headers (order_id);

        -- Each return with its current state, read from its applied transitions (newest wins).
        CREATE VIEW returns AS
        SELECT h.return_id, h.order_id, h.requested_at,
            (SELECT a.status FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
             ORDER BY a.id DESC LIMIT 1) AS status,
            (SELECT a.occurred_at FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
             ORDER BY a.id DESC LIMIT 1) AS last_transition_at,
            (SELECT a.carrier FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
               AND a.carrier IS NOT NULL ORDER BY a.id DESC LIMIT 1) AS carrier,
            (SELECT a.tracking_number FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
               AND a.tracking_number IS NOT NULL ORDER BY a.id DESC LIMIT 1) AS tracking_number,
            (SELECT a.reason FROM audit_events a
             WHERE a.order_id = h.order_id AND a.outcome = 'applied' AND a.entity = 'return' AND a.return_id = h.return_id
               AND a.reason IS NOT NULL ORDER BY a.id DESC LIMIT 1) AS reason
        FROM return_headers h;

        CREATE TABLE return_items (
            return_id TEXT NOT NULL,
            sku       TEXT NOT NULL,
            quantity  INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (return_id, sku)
        ) WITHOUT ROWID;

        -- Consecutive numbers per series (IN = invoices, CN = credit notes) and financial year.
        CREATE TABLE number_series (
            series   TEXT NOT NULL,
            fy_start INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            PRIMARY KEY (series, fy_start)
        ) WITHOUT ROWID;

        CREATE TABLE invoices (
            number      TEXT PRIMARY KEY,
            order_id    TEXT NOT NULL UNIQUE,
            fy_start    INTEGER NOT NULL,
            seq         INTEGER NOT NULL,
            issued_at   INTEGER NOT NULL,
            total_paise INTEGER NOT NULL,
            pdf_path    TEXT,
            audit_id    INTEGER NOT NULL,
            created_at  INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE refunds (
            refund_id    TEXT PRIMARY KEY,
            kind         TEXT NOT NULL CHECK (kind = 'cancellation' OR kind = 'return'),
            order_id     TEXT NOT NULL,
            return_id    TEXT,
            amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
            payment_ref  TEXT NOT NULL,
            status       TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'sent' OR status = 'failed'),
            body         TEXT NOT NULL,
            audit_id     INTEGER NOT NULL,
            created_at   INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX refunds_by_order ON refunds (order_id);
        CREATE INDEX refunds_pending ON refunds (status) WHERE status = 'pending';

        -- The store itself refuses refunds above what was paid.
        CREATE TRIGGER refunds_never_exceed_paid BEFORE INSERT ON refunds
        WHEN NEW.amount_paise + (SELECT COALESCE(SUM(amount_paise), 0) FROM refunds WHERE order_id = NEW.order_id)
             > (SELECT COALESCE(paid_paise, 0) FROM orders WHERE order_id = NEW.order_id)
        BEGIN
            SELECT RAISE(ABORT, 'refund exceeds the amount paid for the order');
        END;
        """

    /// Version 2: delivery of refunds to the gateway — attempts, outcome, the gateway's id.
    static let version2 = """
        ALTER TABLE refunds ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE refunds ADD COLUMN last_attempt_at INTEGER;
        -- Not before this time (ms, UTC): set when the gateway asked for a long Retry-After.
        ALTER TABLE refunds ADD COLUMN next_attempt_at INTEGER;
        ALTER TABLE refunds ADD COLUMN last_error TEXT;
        ALTER TABLE refunds ADD COLUMN gateway_refund_id TEXT;
        ALTER TABLE refunds ADD COLUMN sent_at INTEGER;
        ALTER TABLE refunds ADD COLUMN failed_at INTEGER;
        -- Set by `ordrecon refunds retry` when a failed refund was queued again.
        ALTER TABLE refunds ADD COLUMN requeued_at INTEGER;

        -- Every attempt to send a refund. A row is written (outcome 'in_flight') and committed
        -- before the request goes out, and completed after the answer; one still 'in_flight'
        -- when the next attempt starts was cut short by a crash ('interrupted').
        CREATE TABLE refund_attempts (
            refund_id         TEXT NOT NULL,
            attempt           INTEGER NOT NULL,   -- 1, 2, ... over the refund's life
            run_id            INTEGER,
            started_at        INTEGER NOT NULL,
            finished_at       INTEGER,
            outcome           TEXT NOT NULL CHECK (outcome = 'in_flight' OR outcome = 'sent' OR outcome = 'retry'
                                                   OR outcome = 'failed' OR outcome = 'interrupted'),
            http_status       INTEGER,
            error_kind        TEXT,               -- no answer: connectionFailed, timeout, connectionLost, tls, other
            error_code        INTEGER,            -- libcurl's CURLcode
            message           TEXT,               -- the gateway's message or the transport error
            gateway_refund_id TEXT,
            duration_ms       INTEGER,
            PRIMARY KEY (refund_id, attempt)
        ) WITHOUT ROWID;

        -- The key and body of a refund never change, and a refund the gateway accepted stays sent.
        CREATE TRIGGER refunds_request_is_fixed BEFORE UPDATE OF refund_id, kind, order_id, return_id, amount_paise, payment_ref, body ON refunds
        BEGIN
            SELECT RAISE(ABORT, 'the key and body of a refund never change');
        END;
        CREATE TRIGGER refunds_sent_is_final BEFORE UPDATE OF status ON refunds
        WHEN OLD.status = 'sent' AND NEW.status <> 'sent'
        BEGIN
            SELECT RAISE(ABORT, 'a refund the gateway accepted stays sent');
        END;
        """

    /// Version 3: credit notes; when each invoice's and credit note's PDF was written.
    static let version3 = """
        -- One credit note per completed return with a value, numbered in its own series
        -- (CN/yy-yy/nnnnnnn) in the transaction of the COMPLETED transition, citing the invoice.
        CREATE TABLE credit_notes (
            number         TEXT PRIMARY KEY,
            return_id      TEXT NOT NULL UNIQUE,
            order_id       TEXT NOT NULL,
            invoice_number TEXT NOT NULL,
            fy_start       INTEGER NOT NULL,
            seq            INTEGER NOT NULL,
            issued_at      INTEGER NOT NULL,
            total_paise    INTEGER NOT NULL,
            pdf_path       TEXT,
            rendered_at    INTEGER,
            audit_id       INTEGER NOT NULL,
            created_at     INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX credit_notes_by_order ON credit_notes (order_id);
        CREATE INDEX credit_notes_unrendered ON credit_notes (number) WHERE pdf_path IS NULL;

        ALTER TABLE invoices ADD COLUMN rendered_at INTEGER;
        -- The GST rate of items without one, as configured when the invoice was issued (so that
        -- a PDF rendered later is the same whatever the configuration says by then).
        ALTER TABLE invoices ADD COLUMN default_gst_rate_bp INTEGER;
        CREATE INDEX invoices_unrendered ON invoices (number) WHERE pdf_path IS NULL;

        -- A document's number never changes, and once its PDF exists the path stays.
        CREATE TRIGGER invoices_number_is_fixed BEFORE UPDATE OF number, order_id, fy_start, seq, issued_at, total_paise ON invoices
        BEGIN
            SELECT RAISE(ABORT, 'an invoice is never renumbered or changed');
        END;
        CREATE TRIGGER credit_notes_number_is_fixed BEFORE UPDATE OF number, return_id, order_id, invoice_number, fy_start, seq, issued_at, total_paise ON credit_notes
        BEGIN
            SELECT RAISE(ABORT, 'a credit note is never renumbered or changed');
        END;
        """
}
