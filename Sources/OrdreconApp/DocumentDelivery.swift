import Foundation
import Logging
import OrdreconCore
import OrdreconEngine

/// Wiring of the PDF issuer for `run` and `invoices render`.
enum DocumentDelivery {
    /// The issuer writing into the workspace's invoices folder, for `[seller]`.
    static func issuer(_ configuration: Configuration, store: any DocumentLedger, logger: Logger) -> DocumentIssuer {
        DocumentIssuer(configuration: configuration, store: store, logger: logger, now: SystemClock.now)
    }

    /// One line for people.
    static func text(_ report: DocumentIssuer.Report) -> String {
        var text = "PDFs: \(report.invoices) invoice(s) and \(report.creditNotes) credit note(s) written"
        if report.rendered > 0 {
            let rate = report.seconds > 0 ? Int((Double(report.rendered) / report.seconds).rounded()) : 0
            text += " in \(JSONText.seconds(report.seconds)) s (\(rate)/s)"
        }
        if report.failed > 0 { text += "; \(report.failed) could not be written (see the log)" }
        return text
    }
}

/// Renders invoices and credit notes for people and machines.
enum DocumentView {
    static func json(_ r: DocumentRecord, zone: TimeZone, folder: String) -> JSONValue {
        .object([
            ("number", .string(r.number)), ("kind", .string(r.kind.rawValue)),
            ("date", .string(r.issuedAt.civil(in: zone).dateText)),
            ("issued_at", .string(r.issuedAt.iso8601(in: zone))),
            ("order_id", .string(r.orderId)), ("return_id", .optional(r.returnId)),
            ("customer_id", .string(r.customerId)),
            ("invoice_number", .optional(r.invoiceNumber)), ("total", .string(r.total.decimalText)),
            ("total_paise", .int(r.total.paise)), ("pdf", .optional(r.pdfPath.map { folder + "/" + $0 })),
            ("rendered_at", r.renderedAt.map { .string($0.iso8601(in: zone)) } ?? .null),
        ])
    }

    /// The figures the document prints, as JSON fields.
    static func figures(_ d: TaxDocument) -> [(String, JSONValue)] {
        func paise(_ m: Money) -> JSONValue { .int(m.paise) }
        return [
            ("seller_gstin", .string(d.seller.gstin)),
            (
                "recipient",
                .object([
                    ("customer_id", .string(d.recipient.customerId)), ("name", .optional(d.recipient.name)),
                    ("address_lines", .array(d.recipient.addressLines.map { .string($0) })),
                    ("state", .optional(d.recipient.state?.code)), ("gstin", .optional(d.recipient.gstin)),
                ])
            ),
            // What the document lacks for rule 46 (for a credit note, what its invoice's rule says of it).
            ("missing", .array(InvoiceCompleteness.gaps(of: d).map { .string($0.rawValue) })),
            ("place_of_supply", .string("\(d.placeOfSupply.name) (\(d.placeOfSupply.gstCode))")),
            ("supply", .string(d.supply == .intraState ? "intra_state" : "inter_state")),
            ("taxable_paise", paise(d.totals.taxable)), ("cgst_paise", paise(d.totals.cgst)),
            ("sgst_paise", paise(d.totals.sgst)), ("igst_paise", paise(d.totals.igst)),
            ("amount_in_words", .string(d.amountInWords)),
            (
                "lines",
                .array(
                    d.lines.map { l in
                        .object([
                            ("sku", .string(l.sku)), ("description", .optional(l.itemDescription)),
                            ("hsn", .optional(l.hsn)), ("quantity", .int(l.quantity)),
                            ("unit_price_paise", paise(l.unitPrice)),
                            ("gst_rate", .string(IndianFormat.percent(basisPoints: l.rateBasisPoints))),
                            ("taxable_paise", paise(l.taxable)), ("tax_paise", paise(l.tax)),
                            ("amount_paise", paise(l.gross)),
                        ])
                    })
            ),
        ]
    }

    static func text(_ r: DocumentRecord, _ d: TaxDocument, folder: String) -> String {
        var out =
            (r.kind == .invoice ? "Tax invoice " : "Credit note ") + r.number + " of " + IndianFormat.date(d.date)
            + "\n"
        if let reference = d.reference {
            out += "Against invoice \(reference.number) of \(IndianFormat.date(reference.date))\n"
        }
        out +=
            "Order \(TerminalText.cell(r.orderId))" + (r.returnId.map { ", return \(TerminalText.cell($0))" } ?? "")
            + ", customer \(TerminalText.cell(r.customerId))\n"
        let buyer = [
            d.recipient.name, d.recipient.addressLines.isEmpty ? nil : d.recipient.addressLines.joined(separator: ", "),
            d.recipient.state.map { "\($0.name) (\($0.gstCode))" }, d.recipient.gstin.map { "GSTIN \($0)" },
        ].compactMap { $0 }
        if !buyer.isEmpty { out += "Bill to " + TerminalText.cell(buyer.joined(separator: "; ")) + "\n" }
        out +=
            "Seller \(d.seller.name), GSTIN \(d.seller.gstin); place of supply \(d.placeOfSupply.name) (\(d.placeOfSupply.gstCode))\n"
        let tax =
            d.supply == .intraState
            ? "CGST \(IndianFormat.rupees(d.totals.cgst)) + SGST \(IndianFormat.rupees(d.totals.sgst))"
            : "IGST \(IndianFormat.rupees(d.totals.igst))"
        out +=
            "\(d.lines.count) line(s); taxable \(IndianFormat.rupees(d.totals.taxable)), \(tax), total \(IndianFormat.rupees(d.totals.gross))\n"
        out += d.amountInWords + "\n"
        out +=
            "PDF: " + (r.pdfPath.map { folder + "/" + $0 } ?? "not written yet (`ordrecon invoices render --missing`)")
            + "\n"
        return out
    }
}
