import OrdreconCore

/// The run report's list of incomplete invoices issued in the run (rule 46: an HSN code on
/// every line; at ₹50,000 or more, an unregistered buyer's name, address and state).
extension RunReport {
    /// At most this many incomplete invoices are listed; the count covers them all.
    static let incompleteShown = 200

    var incompleteJSON: JSONValue {
        .object([
            ("count", .int(Int64(incompleteCount))),
            ("shown", .int(Int64(incompleteInvoices.count))),
            ("not_shown", .int(Int64(max(0, incompleteCount - incompleteInvoices.count)))),
            (
                "invoices",
                .array(
                    incompleteInvoices.map { invoice in
                        .object([
                            ("number", .string(invoice.number)), ("order_id", .string(invoice.orderId)),
                            ("customer_id", .string(invoice.customerId)),
                            ("total", .string(invoice.total.decimalText)),
                            ("missing", .array(invoice.gaps.map { .string($0.rawValue) })),
                            ("skus_without_hsn", .array(invoice.skusWithoutHSN.map { .string($0) })),
                            ("message", .string(invoice.missingText)),
                        ])
                    })
            ),
        ])
    }

    var incompleteSection: HTML {
        guard incompleteCount > 0 else { return "" }
        var out: HTML = "<section id=\"invoices-incomplete\">\n<h2>Incomplete invoices</h2>\n"
        out +=
            "<p class=\"hint\">\(Self.number(incompleteCount)) invoice(s) issued in this run lack something a tax invoice should show; they are issued and numbered. Later orders are completed by the feed fields named below (or <code>config/catalog.csv</code> for HSN codes); <code>ordrecon invoices --incomplete</code> lists them all.</p>\n"
        out +=
            "<table>\n<thead><tr><th>Invoice</th><th>Order</th><th>Customer</th><th class=\"n\">Total</th><th>Missing</th></tr></thead>\n<tbody>\n"
        for invoice in incompleteInvoices {
            out +=
                "<tr><td>\(invoice.number)</td><td>\(invoice.orderId)</td><td>\(invoice.customerId)</td><td class=\"n\">\(invoice.total.decimalText)</td><td class=\"msg\">\(invoice.missingText)</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if incompleteCount > incompleteInvoices.count {
            out += "<p class=\"hint\">\(Self.number(incompleteCount - incompleteInvoices.count)) more not shown.</p>\n"
        }
        return out + "</section>\n"
    }
}
