// Migration 6 and on (invoice data).
extension Schema {
    /// Version 6: the buyer's invoice data on the order header and the product's name on each
    /// line (issue 15), shown by the view `orders`; what each invoice lacks (`invoices.missing`,
    /// see `InvoiceCompleteness`), set when it is issued.
    ///
    /// All new columns are nullable: orders stored before they existed simply have none, and
    /// their invoices print as they always did. `billing_address` holds the address's lines
    /// joined with LF.
    static let version6 = """
        ALTER TABLE order_headers ADD COLUMN customer_name TEXT;
        ALTER TABLE order_headers ADD COLUMN billing_address TEXT;
        ALTER TABLE order_headers ADD COLUMN billing_state TEXT;
        ALTER TABLE order_headers ADD COLUMN customer_gstin TEXT;
        ALTER TABLE order_items ADD COLUMN description TEXT;

        -- What an invoice lacks for rule 46, as gap names joined with commas (hsn, customer_name,
        -- billing_address, billing_state); NULL when it is complete. Invoices issued before this
        -- version are judged here by the same rule: their orders have no buyer data, so ₹50,000
        -- or more (5,000,000 paise) lacks all three buyer fields.
        ALTER TABLE invoices ADD COLUMN missing TEXT;
        UPDATE invoices SET missing = NULLIF(trim(
            (CASE WHEN EXISTS (SELECT 1 FROM order_items o WHERE o.order_id = invoices.order_id AND o.hsn IS NULL)
                  THEN 'hsn' ELSE '' END)
            || (CASE WHEN total_paise >= 5000000 THEN ',customer_name,billing_address,billing_state' ELSE '' END),
            ','), '');
        CREATE INDEX invoices_incomplete ON invoices (number) WHERE missing IS NOT NULL;

        DROP VIEW orders;
        CREATE VIEW orders AS
        SELECT order_id, customer_id, ship_to_state, total_paise,
               \(utc("created_at_ms")) AS created_at, status, \(utc("last_transition_at_ms")) AS last_transition_at,
               paid_paise, payment_ref, \(utc("delivered_at_ms")) AS delivered_at, carrier, tracking_number, cancel_reason,
               created_at_ms, last_transition_at_ms, delivered_at_ms,
               customer_name, billing_address, billing_state, customer_gstin
        FROM (
        SELECT h.order_id, h.customer_id, h.ship_to_state, h.total_paise, h.created_at AS created_at_ms,
            h.customer_name, h.billing_address, h.billing_state, h.customer_gstin,
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
        """
}
