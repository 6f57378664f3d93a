import ArgumentParser
import Foundation
import OrdreconCore

struct OrderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Show one order: status, items, history, returns, invoice, credit notes and refunds.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The order id.")
    var orderId: String

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let zone = configuration.timeZone
        let store = try ReviewStore.open(configuration)
        let (details, documents) = try ReviewStore.query { () throws(StoreError) in
            (try store.orderDetails(orderId), try store.documents(orderId: orderId))
        }
        guard let details else {
            throw CommandFailure.notFound("order_not_found", "order \(orderId) is unknown")
        }
        let folder = configuration.paths.invoices
        if json {
            guard case .object(var fields) = OrderView.json(details, zone: zone) else { return }
            fields.append(("documents", .array(documents.map { DocumentView.json($0, zone: zone, folder: folder) })))
            Console.print(JSONValue.object(fields).text(indent: 2))
        } else {
            var text = OrderView.text(details, zone: zone)
            if !documents.isEmpty {
                text +=
                    "\nInvoice and credit notes\n"
                    + Table.render(
                        [["NUMBER", "DATE", "RETURN", "TOTAL", "PDF"]]
                            + documents.map {
                                [
                                    $0.number, $0.issuedAt.civil(in: zone).dateText, $0.returnId ?? "-",
                                    $0.total.decimalText,
                                    $0.pdfPath.map { folder + "/" + $0 } ?? "(not written yet)",
                                ]
                            }) + "\n"
            }
            Console.print(text)
        }
    }
}

/// Renders an order for people and for machines.
enum OrderView {
    static func history(_ entries: [HistoryEntry], zone: TimeZone) -> JSONValue {
        .array(
            entries.map { e in
                .object([
                    ("status", .string(e.status)), ("occurred_at", .string(e.occurredAt.iso8601(in: zone))),
                    ("actor", .string(e.actor)), ("reason", .optional(e.reason)), ("feed", .string(e.feed)),
                    ("file", .string(e.fileName)), ("line", .optional(e.line.map(Int64.init))),
                    ("event_id", .string(e.eventId)),
                ])
            })
    }

    static func money(_ value: Money?) -> JSONValue { value.map { .string($0.decimalText) } ?? .null }

    static func json(_ d: OrderDetails, zone: TimeZone) -> JSONValue {
        .object([
            ("order_id", .string(d.orderId)),
            ("status", .string(d.status)),
            ("customer_id", .string(d.customerId)),
            ("ship_to_state", .optional(d.shipToState)),
            ("customer_name", .optional(d.buyer.name)),
            ("billing_address", .optional(d.buyer.address)),
            ("billing_state", .optional(d.buyer.state)),
            ("customer_gstin", .optional(d.buyer.gstin)),
            ("currency", .string("INR")),
            ("total", money(d.total)),
            ("total_paise", .int(d.total.paise)),
            ("paid", money(d.paid)),
            ("paid_paise", .optional(d.paid?.paise)),
            ("payment_ref", .optional(d.paymentRef)),
            ("carrier", .optional(d.carrier)),
            ("tracking_number", .optional(d.trackingNumber)),
            (
                "items",
                .array(
                    d.items.map { i in
                        .object([
                            ("sku", .string(i.sku)), ("description", .optional(i.description)),
                            ("quantity", .int(i.quantity)), ("unit_price", money(i.unitPrice)),
                            ("unit_price_paise", .int(i.unitPrice.paise)), ("hsn", .optional(i.hsn)),
                            (
                                "gst_rate",
                                i.gstRateBasisPoints.map { .string(Money(paise: Int64($0)).decimalText) } ?? .null
                            ),
                        ])
                    })
            ),
            ("history", history(d.history, zone: zone)),
            (
                "returns",
                .array(
                    d.returns.map { r in
                        .object([
                            ("return_id", .string(r.returnId)), ("status", .string(r.status)),
                            ("reason", .optional(r.reason)),
                            (
                                "items",
                                .array(
                                    r.items.map {
                                        .object([("sku", .string($0.sku)), ("quantity", .int($0.quantity))])
                                    })
                            ),
                            ("history", history(r.history, zone: zone)),
                        ])
                    })
            ),
            ("invoice_number", .optional(d.invoiceNumber)),
            ("invoice_date", .optional(d.invoiceIssuedAt.map { $0.civil(in: zone).dateText })),
            (
                "refunds",
                .array(
                    d.refunds.map { r in
                        .object([
                            ("refund_id", .string(r.refundId)), ("kind", .string(r.kind)),
                            ("return_id", .optional(r.returnId)),
                            ("amount", money(r.amount)), ("amount_paise", .int(r.amount.paise)),
                            ("status", .string(r.status)),
                            ("created_at", .string(r.createdAt.iso8601(in: zone))),
                        ])
                    })
            ),
        ])
    }

    static func text(_ d: OrderDetails, zone: TimeZone) -> String {
        var out = "Order \(d.orderId): \(d.status)\n"
        out += "Customer \(d.customerId)" + (d.shipToState.map { ", ships to \($0)" } ?? "") + "\n"
        if !d.buyer.isEmpty {
            let parts = [
                d.buyer.name, d.buyer.addressLines.isEmpty ? nil : d.buyer.addressLines.joined(separator: ", "),
                d.buyer.state, d.buyer.gstin.map { "GSTIN \($0)" },
            ]
            out += "Bill to " + parts.compactMap { $0 }.joined(separator: "; ") + "\n"
        }
        out +=
            "Total \(d.total.decimalText) INR"
            + (d.paid.map { ", paid \($0.decimalText) INR (\(d.paymentRef ?? "-"))" } ?? "") + "\n"
        if let number = d.invoiceNumber {
            out += "Invoice \(number) of \(d.invoiceIssuedAt.map { $0.civil(in: zone).dateText } ?? "")\n"
        }
        out +=
            "\nItems\n"
            + Table.render(
                [["SKU", "QTY", "UNIT PRICE", "HSN", "GST %"]]
                    + d.items.map {
                        [
                            $0.sku, "\($0.quantity)", $0.unitPrice.decimalText, $0.hsn ?? "",
                            $0.gstRateBasisPoints.map { Money(paise: Int64($0)).decimalText } ?? "",
                        ]
                    }) + "\n"
        func historyTable(_ entries: [HistoryEntry]) -> String {
            Table.render(
                [["STATUS", "OCCURRED AT", "ACTOR", "FEED", "FILE:LINE", "REASON"]]
                    + entries.map {
                        [
                            $0.status, $0.occurredAt.iso8601(in: zone), $0.actor, $0.feed,
                            "\($0.fileName):\($0.line.map(String.init) ?? "-")", $0.reason ?? "",
                        ]
                    })
        }
        out += "\nHistory\n" + historyTable(d.history) + "\n"
        for r in d.returns {
            out +=
                "\nReturn \(r.returnId): \(r.status)  items: "
                + r.items.map { "\($0.sku) x\($0.quantity)" }.joined(separator: ", ") + "\n"
            out += historyTable(r.history) + "\n"
        }
        if !d.refunds.isEmpty {
            out +=
                "\nRefunds\n"
                + Table.render(
                    [["REFUND ID", "KIND", "AMOUNT", "STATUS"]]
                        + d.refunds.map {
                            [
                                $0.refundId, $0.kind + ($0.returnId.map { " \($0)" } ?? ""), $0.amount.decimalText,
                                $0.status,
                            ]
                        }) + "\n"
        }
        return out
    }
}
