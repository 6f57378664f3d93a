import Foundation
import OrdreconCore

extension InvoicesListCommand {
    /// `ordrecon invoices --incomplete`: the invoices that lack something, each with what.
    func listIncomplete(_ store: any StateStore, zone: TimeZone) throws {
        let invoices = try ReviewStore.query { () throws(StoreError) in
            try store.incompleteInvoices(ofRuns: nil, limit: Int.max)
        }.filter { order == nil || $0.orderId == order }
        if json {
            Console.print(
                JSONValue.object([
                    ("count", .int(Int64(invoices.count))),
                    ("invoices", .array(invoices.map { Self.json($0, zone: zone) })),
                ]).text(indent: 2))
            return
        }
        guard !invoices.isEmpty else {
            Console.print("No incomplete invoices" + (order.map { " for order \($0)" } ?? "") + ".")
            return
        }
        Console.print(
            Table.render(
                [["NUMBER", "DATE", "ORDER", "CUSTOMER", "TOTAL", "MISSING"]]
                    + invoices.map { i in
                        [
                            i.number, i.issuedAt.civil(in: zone).dateText, TerminalText.cell(i.orderId),
                            TerminalText.cell(i.customerId), i.total.decimalText, TerminalText.cell(i.missingText),
                        ]
                    }))
        Console.print(
            "\(invoices.count) incomplete invoice\(invoices.count == 1 ? "" : "s") (issued and numbered; "
                + "the feed fields named under MISSING, or config/catalog.csv for HSN codes, complete later orders)")
    }

    static func json(_ invoice: IncompleteInvoice, zone: TimeZone) -> JSONValue {
        .object([
            ("number", .string(invoice.number)), ("order_id", .string(invoice.orderId)),
            ("customer_id", .string(invoice.customerId)),
            ("date", .string(invoice.issuedAt.civil(in: zone).dateText)),
            ("total", .string(invoice.total.decimalText)), ("total_paise", .int(invoice.total.paise)),
            ("missing", .array(invoice.gaps.map { .string($0.rawValue) })),
            ("skus_without_hsn", .array(invoice.skusWithoutHSN.map { .string($0) })),
            ("message", .string(invoice.missingText)),
        ])
    }
}
