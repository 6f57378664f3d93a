/// The rows the review parity tests put into both databases: plain INSERTs that SQLite and
/// PostgreSQL read alike. They hold what the read side must treat the same way on both: ties
/// (same times, same positions, same creation times), NULLs where a value may lack, empty
/// strings, quotes, non-ASCII text, codes differing only in case, rejections resolved later
/// (or not, or by another feed's event), files renamed when archived, and refund attempts of
/// every class.
enum ReviewParitySeed {
    static let sql = """
        INSERT INTO runs (id, started_at, finished_at, pid, command, summary_json) VALUES
          (1, 1000, 2000, 10, 'run', NULL), (2, 3000, NULL, 11, 'run', '{}'), (3, 5000, 6000, 12, 'watch', NULL),
          (4, 7000, 8000, 13, 'run', NULL), (5, 9000, NULL, 14, 'Run', NULL);

        INSERT INTO files (id, feed, name, format, size, mtime_ns, state, finalized, applied, duplicate, rejected,
                           final_name, first_run_id, last_run_id, started_at, finished_at, busy_ms) VALUES
          (1, 'orders', 'orders-1.csv', 'csv', 1000, 0, 'done', 1, 9, 1, 4, 'orders-1.csv', 1, 1, 1000, 1500, 5),
          (2, 'orders', 'orders-2.jsonl', 'jsonl', 2000, 0, 'failed', 1, 0, 0, 1, 'orders-2 (1).jsonl', 1, 2, 1000, 3500, 150),
          (3, 'returns', 'returns-ü "q".csv', 'csv', 300, 0, 'done', 1, 6, 0, 3, NULL, 2, 2, 3000, 3600, 100),
          (4, 'returns', 'r''4.json', 'json', 0, 0, 'processing', 0, 1, 0, 1, NULL, 3, 3, 5000, NULL, 2),
          (5, 'payments', '', 'csv', 10, 0, 'done', 1, 2, 1, 0, 'pay.csv', 3, 4, 5000, 7500, 1000),
          (6, 'orders', 'orders-1.csv', 'csv', 1000, 0, 'done', 1, 1, 0, 2, 'orders-1 (2).csv', 4, 4, 7000, 7200, 100);

        INSERT INTO audit_events (id, run_id, file_id, feed, line, event_id, entity, order_id, return_id, status,
                                  occurred_at, actor, reason, amount_paise, payment_ref, carrier, tracking_number,
                                  outcome, reason_code, message, recorded_at) VALUES
          (1, 1, 1, 'orders', 2, 'E-1', 'order', 'O-1', NULL, 'PENDING_PAYMENT', 100000, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 1100),
          (2, 1, 1, 'orders', 3, 'E-2', 'order', 'O-1', NULL, 'PAID', 100000, 'gateway', NULL, 50000, 'pay_1', NULL, NULL, 'applied', NULL, NULL, 1100),
          (3, 1, 1, 'orders', 4, 'E-3', 'order', 'O-1', NULL, 'SHIPPED', 200000, 'wh ü', NULL, NULL, NULL, 'BlueDart', 'T-1', 'applied', NULL, NULL, 1200),
          (4, 1, 1, 'orders', 5, 'E-3', 'order', 'O-1', NULL, 'SHIPPED', 200000, NULL, NULL, NULL, NULL, NULL, NULL, 'duplicate', 'DUPLICATE', 'already applied', 1200),
          (5, 1, 1, 'orders', 6, 'E-4', 'order', 'O-1', NULL, 'DELIVERED', 150000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'OUT_OF_ORDER', 'it''s "early"', 1300),
          (6, 1, 1, 'orders', 7, NULL, 'order', 'O-9', NULL, 'PAID', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'unknown_order', NULL, 1300),
          (7, 1, 1, 'orders', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', NULL, 'no code', 1400),
          (8, 1, 1, 'orders', 8, 'E-8', 'order', 'O-2', NULL, 'CANCELLED', 95000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', '', '', 1400),
          (9, 1, 1, 'orders', 9, 'E-9', 'order', 'O-2', NULL, 'PENDING_PAYMENT', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 1500),
          (10, 1, 1, 'orders', 10, 'E-10', 'order', 'O-2', NULL, 'CANCELLED', 90000, 'shop', 'customer''s choice — 変更', NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 1500),
          (11, 2, 2, 'orders', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'BAD_HEADER', 'missing column "status"', 3500),
          (12, 2, 3, 'returns', 2, 'RE-1', 'return', 'O-1', 'R-1', 'REQUESTED', 300000, 'customer', NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 3100),
          (13, 2, 3, 'returns', 3, 'RE-2', 'return', 'O-1', 'R-1', 'APPROVED', 310000, NULL, 'size', NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 3100),
          (14, 2, 3, 'returns', 4, 'RE-3', 'return', 'O-1', 'R-1', 'IN_TRANSIT', 320000, NULL, NULL, NULL, NULL, 'Delhivery', 'DL-9', 'applied', NULL, NULL, 3200),
          (15, 2, 3, 'returns', 5, 'RE-4', 'return', 'O-1', 'R-1', 'COMPLETED', 330000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'BAD_TRANSITION', 'IN_TRANSIT → COMPLETED', 3200),
          (16, 2, 3, 'returns', 6, 'RE-5', 'return', 'O-1', 'R-10', 'REQUESTED', 300000, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 3300),
          (17, 2, 3, 'returns', 7, 'RE-6', 'return', 'O-1', 'R-2', 'REQUESTED', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 3300),
          (18, 2, 3, 'returns', 8, 'E-4', 'return', 'O-1', 'R-2', 'APPROVED', 305000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'BAD_TRANSITION', 'from another feed', 3400),
          (19, 2, 3, 'returns', 9, 'RE-7', 'return', 'O-1', 'R-1', 'RECEIVED', 340000, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 3400),
          (20, 2, 3, 'returns', 10, 'RE-8', 'return', 'O-1', 'R-1', 'COMPLETED', 340000, 'Ops ✓', NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 3500),
          (21, 3, 4, 'returns', 1, 'RE-9', 'return', 'O-2', 'R-3', 'REQUESTED', 5000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'Ärger', 'ünïcödé ✓', 5100),
          (22, 3, 4, 'returns', 2, 'RE-9', 'return', 'O-2', 'R-3', 'REQUESTED', 5000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'Ärger', 'second', 5100),
          (23, 3, 4, 'returns', 3, 'RE-10', 'return', 'O-3', 'R-4', 'REQUESTED', 400000, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 5200),
          (24, 3, 5, 'payments', 1, 'P-1', 'order', 'O-3', NULL, 'PENDING_PAYMENT', 380000, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 5300),
          (25, 3, 5, 'payments', 2, 'P-2', 'order', 'O-3', NULL, 'PAID', 390000, NULL, NULL, 70000, 'pay_3', NULL, NULL, 'applied', NULL, NULL, 5300),
          (26, 4, 5, 'payments', 3, 'P-2', 'order', 'O-3', NULL, 'PAID', 390000, NULL, NULL, NULL, NULL, NULL, NULL, 'duplicate', NULL, NULL, 7100),
          (27, 4, 5, 'payments', 4, 'P-3', 'order', 'O-3', NULL, 'SHIPPED', 395000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'BAD_TRANSITION', 'x', 7100),
          (28, 4, 6, 'orders', 2, 'E-8', 'order', 'O-2', NULL, 'CANCELLED', 95000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'BAD_TRANSITION', 'cancelled already', 7150),
          (29, 4, 6, 'orders', 3, 'E-11', 'order', 'O-1', NULL, 'DELIVERED', 150000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'bad_transition', 'lower', 7150),
          (30, 4, 6, 'orders', 4, 'E-4', 'order', 'O-1', NULL, 'DELIVERED', 400000, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 7200),
          (31, 4, 6, 'orders', 5, 'E-1', 'order', 'O-1', NULL, 'PENDING_PAYMENT', 100000, NULL, NULL, NULL, NULL, NULL, NULL, 'rejected', 'DUPLICATE_ID', 'after the applied one', 7200),
          (32, 4, 6, 'returns', 6, 'RE-11', 'return', 'O-1', 'R-2', 'APPROVED', 306000, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 7250),
          (33, 4, 6, 'orders', 7, 'E-12', 'order', 'O-4', NULL, 'PENDING_PAYMENT', -5, NULL, NULL, NULL, NULL, NULL, NULL, 'applied', NULL, NULL, 7250);

        INSERT INTO order_headers (order_id, customer_id, ship_to_state, total_paise, created_at, customer_name,
                                   billing_address, billing_state, customer_gstin) VALUES
          ('O-1', 'C-1', 'KA', 50000, 100000, 'Zoë "Z" O''Brien', '12 MG Road
           Flat 3

        Bengaluru', 'KA', NULL),
          ('O-2', 'C-2', NULL, 90000, 90000, '', NULL, NULL, '29ABCDE1234F1Z5'),
          ('O-3', 'C-3', 'OD', 70000, 380000, NULL, '  ', NULL, NULL),
          ('O-4', 'C-4', 'MH', 9223372036854775807, -500000, NULL, NULL, NULL, NULL);

        INSERT INTO order_items (order_id, sku, quantity, unit_price_paise, hsn, gst_rate_bp, position, description) VALUES
          ('O-1', 'sku-b', 1, 10000, '6109', 1200, 1, 'T-shirt "blue"'),
          ('O-1', 'sku-a', 2, 15000, NULL, NULL, 1, ''),
          ('O-1', 'SKU-Z', 1, 10000, '6203', 500, 0, NULL),
          ('O-1', 'ß', 1, 0, NULL, NULL, 2, 'Straße'),
          ('O-3', 'z-1', 1, 30000, NULL, NULL, 0, NULL),
          ('O-3', 'a-2', 1, 20000, NULL, 1800, 0, 'x'),
          ('O-3', 'M-3', 1, 10000, NULL, NULL, 0, NULL),
          ('O-3', 'm-4', 1, 10000, '1234', NULL, 1, NULL),
          ('O-2', 'only', 1, 90000, '9999', NULL, 0, NULL);

        INSERT INTO return_headers (return_id, order_id, requested_at) VALUES
          ('R-1', 'O-1', 300000), ('R-10', 'O-1', 300000), ('R-2', 'O-1', 300000), ('r-0', 'O-1', 300000),
          ('R-3', 'O-2', 5000), ('R-4', 'O-3', 400000), ('R-5', 'O-4', 1), ('R-6', 'O-404', -2);

        INSERT INTO return_items (return_id, sku, quantity) VALUES
          ('R-1', 'sku-b', 1), ('R-1', 'sku-a', 1), ('R-1', 'SKU-Z', 1), ('R-1', 'not-in-order', 2), ('R-1', 'ß', 1),
          ('R-1', 'Not-in-order', 1), ('R-2', 'sku-a', 1), ('R-4', 'z-1', 1), ('R-6', 'gone', 9223372036854775807);

        INSERT INTO invoices (number, order_id, fy_start, seq, issued_at, total_paise, pdf_path, audit_id, created_at,
                              rendered_at, default_gst_rate_bp, missing) VALUES
          ('IN/26-27/0000001', 'O-1', 2026, 1, 100000, 50000, '/pdf/1.pdf', 2, 1100, 1200, NULL, NULL),
          ('IN/26-27/0000002', 'O-3', 2026, 2, 390000, 70000, NULL, 25, 5300, NULL, 1800, 'hsn,billing_address'),
          ('in/26-27/0000003', 'O-2', 2026, 3, 90000, 90000, NULL, 10, 1500, NULL, NULL, ''),
          ('IN/26-27/0000004', 'O-4', 2026, 4, 500000, 0, NULL, 999, 7000, NULL, NULL, 'customer_name,bogus');

        INSERT INTO credit_notes (number, return_id, order_id, invoice_number, fy_start, seq, issued_at, total_paise,
                                  pdf_path, rendered_at, audit_id, created_at) VALUES
          ('CN/26-27/0000001', 'R-1', 'O-1', 'IN/26-27/0000001', 2026, 1, 350000, 25000, '/pdf/cn1.pdf', 350001, 20, 3500),
          ('CN/26-27/0000002', 'R-4', 'O-3', 'IN/26-27/0000002', 2026, 2, 400000, 30000, NULL, NULL, 23, 5200);

        INSERT INTO refunds (refund_id, kind, order_id, return_id, amount_paise, payment_ref, status, body, audit_id,
                             created_at, attempts) VALUES
          ('a-9', 'return', 'O-1', 'R-1', 25000, 'pay_1', 'sent', '{}', 20, 3500, 1),
          ('B-1', 'return', 'O-1', 'R-1', 10000, 'pay_1', 'pending', '{}', 20, 3500, 3),
          ('cx-1', 'cancellation', 'O-3', NULL, 70000, 'pay_3', 'failed', '{"note":"ü ''q''"}', 25, 5300, 6);

        INSERT INTO refund_attempts (refund_id, attempt, run_id, started_at, finished_at, outcome, http_status,
                                     error_kind, error_code, message, gateway_refund_id, duration_ms) VALUES
          ('a-9', 1, 2, 3500, 3600, 'sent', 200, NULL, NULL, NULL, 'g-1', 100),
          ('cx-1', 1, 3, 5300, 5400, 'retry', 503, NULL, NULL, 'busy', NULL, 2500),
          ('cx-1', 2, 3, 5500, NULL, 'interrupted', NULL, NULL, NULL, NULL, NULL, NULL),
          ('cx-1', 3, 4, 7000, 7100, 'failed', 422, NULL, NULL, 'nope', NULL, 1),
          ('cx-1', 4, 4, 7200, 7300, 'retry', NULL, 'timeout', 28, NULL, NULL, 30000),
          ('cx-1', 5, 4, 7400, 7401, 'retry', NULL, 'aborted', 42, NULL, NULL, 0),
          ('cx-1', 6, 4, 7500, NULL, 'in_flight', NULL, NULL, NULL, NULL, NULL, NULL),
          ('B-1', 1, 4, 7600, 7700, 'retry', 429, NULL, NULL, NULL, NULL, 100),
          ('B-1', 2, 4, 7800, 7900, 'retry', NULL, 'connectionFailed', 7, NULL, NULL, 101),
          ('B-1', 3, 4, 8000, 8100, 'failed', 401, NULL, NULL, NULL, NULL, 99),
          ('B-1', 4, 4, 8200, 8300, 'sent', 409, NULL, NULL, NULL, NULL, 2501);
        """
}
