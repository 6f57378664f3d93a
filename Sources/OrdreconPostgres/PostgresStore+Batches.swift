// The rows ingestion writes without waiting for an answer, gathered and inserted a batch at a
// time (see PGRowBatch.swift): audit rows, orders' and returns' headers and lines, invoices and
// credit notes, refunds. The refunds' trigger (no refund above what is left of the payment)
// reads the order's audit rows and refunds: sent after the audit rows, and a row of a
// multi-row INSERT sees those inserted before it, so it judges each as a lone INSERT would.
struct IngestBatches {
    let audit = PGRowBatch(
        insertInto: "audit_events",
        columns: [
            ("id", .bigint), ("run_id", .bigint), ("file_id", .bigint), ("feed", .text), ("line", .bigint),
            ("event_id", .text), ("entity", .text), ("order_id", .text), ("return_id", .text), ("status", .text),
            ("occurred_at", .bigint), ("actor", .text), ("reason", .text), ("outcome", .text),
            ("reason_code", .text), ("message", .text), ("content_hash", .bigint), ("rejected_rows", .text),
            ("recorded_at", .bigint), ("amount_paise", .bigint), ("payment_ref", .text), ("carrier", .text),
            ("tracking_number", .text),
        ])
    let orderHeaders = PGRowBatch(
        insertInto: "order_headers",
        columns: [
            ("order_id", .text), ("customer_id", .text), ("ship_to_state", .text), ("total_paise", .bigint),
            ("created_at", .bigint), ("customer_name", .text), ("billing_address", .text),
            ("billing_state", .text), ("customer_gstin", .text),
        ])
    let orderItems = PGRowBatch(
        insertInto: "order_items",
        columns: [
            ("order_id", .text), ("sku", .text), ("quantity", .bigint), ("unit_price_paise", .bigint),
            ("hsn", .text), ("gst_rate_bp", .bigint), ("position", .bigint), ("description", .text),
        ])
    let returnHeaders = PGRowBatch(
        insertInto: "return_headers", columns: [("return_id", .text), ("order_id", .text), ("requested_at", .bigint)])
    let returnItems = PGRowBatch(
        insertInto: "return_items", columns: [("return_id", .text), ("sku", .text), ("quantity", .bigint)])
    let invoices = PGRowBatch(
        insertInto: "invoices",
        columns: [
            ("number", .text), ("order_id", .text), ("fy_start", .bigint), ("seq", .bigint), ("issued_at", .bigint),
            ("total_paise", .bigint), ("audit_id", .bigint), ("created_at", .bigint),
            ("default_gst_rate_bp", .bigint), ("missing", .text),
        ])
    let creditNotes = PGRowBatch(
        insertInto: "credit_notes",
        columns: [
            ("number", .text), ("return_id", .text), ("order_id", .text), ("invoice_number", .text),
            ("fy_start", .bigint), ("seq", .bigint), ("issued_at", .bigint), ("total_paise", .bigint),
            ("audit_id", .bigint), ("created_at", .bigint),
        ])

    let refunds = PGRowBatch(
        insertInto: "refunds",
        columns: [
            ("refund_id", .text), ("kind", .text), ("order_id", .text), ("return_id", .text),
            ("amount_paise", .bigint), ("payment_ref", .text), ("body", .text), ("audit_id", .bigint),
            ("created_at", .bigint),
        ])

    /// In the order they are sent: a table after those its rows refer to.
    var all: [PGRowBatch] {
        [audit, orderHeaders, orderItems, returnHeaders, returnItems, invoices, creditNotes, refunds]
    }
}
