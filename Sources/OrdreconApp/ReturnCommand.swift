import ArgumentParser
import Foundation
import OrdreconCore

struct ReturnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract: "Show one return: its order, status, items, history and refund.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The return id.")
    var returnId: String

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let zone = configuration.timeZone
        let store = try ReviewStore.open(configuration)
        let details = try ReviewStore.query { () throws(StoreError) in try store.returnDetails(returnId) }
        guard let details else {
            throw CommandFailure.notFound("return_not_found", "return \(returnId) is unknown")
        }
        Console.print(
            json ? ReturnView.json(details, zone: zone).text(indent: 2) : ReturnView.text(details, zone: zone))
    }
}

/// Renders a return for people and for machines.
enum ReturnView {
    static func json(_ d: ReturnDetails, zone: TimeZone) -> JSONValue {
        .object([
            ("return_id", .string(d.returnId)),
            ("order_id", .string(d.orderId)),
            ("status", .string(d.status)),
            ("order_status", .optional(d.orderStatus)),
            ("reason", .optional(d.reason)),
            ("requested_at", .string(d.requestedAt.iso8601(in: zone))),
            ("carrier", .optional(d.carrier)),
            ("tracking_number", .optional(d.trackingNumber)),
            ("currency", .string("INR")),
            (
                "items",
                .array(
                    d.items.map { i in
                        .object([
                            ("sku", .string(i.sku)), ("quantity", .int(i.quantity)),
                            ("unit_price", OrderView.money(i.unitPrice)),
                            ("unit_price_paise", .optional(i.unitPrice?.paise)),
                            ("amount", OrderView.money(i.unitPrice.map { Money(paise: $0.paise * i.quantity) })),
                        ])
                    })
            ),
            ("value", OrderView.money(d.value)),
            ("value_paise", .int(d.value.paise)),
            ("history", OrderView.history(d.history, zone: zone)),
            (
                "refund",
                d.refund.map { r in
                    .object([
                        ("refund_id", .string(r.refundId)), ("kind", .string(r.kind)),
                        ("amount", OrderView.money(r.amount)), ("amount_paise", .int(r.amount.paise)),
                        ("status", .string(r.status)),
                        ("created_at", .string(r.createdAt.iso8601(in: zone))),
                    ])
                } ?? .null
            ),
        ])
    }

    static func text(_ d: ReturnDetails, zone: TimeZone) -> String {
        var out = "Return \(TerminalText.cell(d.returnId)): \(d.status)\n"
        out += "Order \(TerminalText.cell(d.orderId))" + (d.orderStatus.map { " (\($0))" } ?? "") + "\n"
        out += "Requested \(d.requestedAt.iso8601(in: zone))\n"
        if let reason = d.reason { out += "Reason: \(TerminalText.cell(reason))\n" }
        if d.carrier != nil || d.trackingNumber != nil {
            out +=
                "Carrier \(TerminalText.cell(d.carrier ?? "-")), tracking \(TerminalText.cell(d.trackingNumber ?? "-"))\n"
        }
        out +=
            "\nItems\n"
            + Table.render(
                [["SKU", "QTY", "UNIT PRICE", "AMOUNT"]]
                    + d.items.map { i in
                        [
                            TerminalText.cell(i.sku), "\(i.quantity)", i.unitPrice?.decimalText ?? "-",
                            i.unitPrice.map { Money(paise: $0.paise * i.quantity).decimalText } ?? "-",
                        ]
                    }) + "\n"
        out += "Value \(d.value.decimalText) INR\n"
        out +=
            "\nHistory\n"
            + Table.render(
                [["STATUS", "OCCURRED AT", "ACTOR", "FEED", "FILE:LINE", "REASON"]]
                    + d.history.map {
                        [
                            $0.status, $0.occurredAt.iso8601(in: zone), TerminalText.cell($0.actor), $0.feed,
                            TerminalText.cell("\($0.fileName):\($0.line.map(String.init) ?? "-")"),
                            TerminalText.cell($0.reason),
                        ]
                    }) + "\n"
        if let r = d.refund {
            out +=
                "\nRefund \(r.refundId): \(r.amount.decimalText) INR, \(r.status) (recorded \(r.createdAt.iso8601(in: zone)))\n"
        } else {
            out +=
                "\nNo refund" + (d.status == "COMPLETED" ? "" : " (a refund is requested when the return is COMPLETED)")
                + "\n"
        }
        return out
    }
}
