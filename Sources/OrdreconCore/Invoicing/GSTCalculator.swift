/// GST worked out of GST-inclusive prices, with integer arithmetic only.
///
/// Rounding rules (every line adds up exactly, and the lines add up to the order total exactly):
/// - `gross = quantity × unitPrice` (the price the customer paid, GST included).
/// - `taxable = gross × 10000 / (10000 + rateBasisPoints)`, rounded half-up to the paisa
///   (a tie rounds away from zero); rate 0 gives `taxable = gross`.
/// - `tax = gross − taxable`: the tax absorbs the rounding, so `taxable + tax == gross`.
/// - Intra-state: `cgst = tax / 2` rounded half-up, `sgst = tax − cgst`, so an odd paisa goes to
///   CGST and `cgst + sgst == tax`. Inter-state: `igst = tax`.
public enum GSTCalculator {
    /// The invoice line for an item.
    ///
    /// - Parameters:
    ///   - item: quantity, GST-inclusive unit price and rate (basis points, not negative).
    ///   - supply: intra-state (CGST + SGST) or inter-state (IGST).
    public static func line(_ item: TaxableItem, supply: TaxDocument.Supply) -> TaxDocument.Line {
        precondition(
            item.rateBasisPoints >= 0, "GST rate must not be negative, got \(item.rateBasisPoints) basis points")
        let gross = item.unitPrice * item.quantity
        let taxable = Money(
            paise: dividedRoundingHalfUp(
                gross.paise, times: 10_000, by: 10_000 + Int64(item.rateBasisPoints)))
        let tax = gross - taxable
        var cgst = Money.zero
        var sgst = Money.zero
        var igst = Money.zero
        switch supply {
        case .intraState:
            cgst = Money(paise: dividedRoundingHalfUp(tax.paise, times: 1, by: 2))
            sgst = tax - cgst
        case .interState:
            igst = tax
        }
        return TaxDocument.Line(
            sku: item.sku, hsn: item.hsn, quantity: item.quantity, unitPrice: item.unitPrice,
            rateBasisPoints: item.rateBasisPoints, gross: gross, taxable: taxable, cgst: cgst, sgst: sgst,
            igst: igst, itemDescription: item.itemDescription)
    }

    /// The sums of the lines' figures.
    public static func totals(_ lines: [TaxDocument.Line]) -> TaxDocument.Totals {
        var totals = TaxDocument.Totals(taxable: .zero, cgst: .zero, sgst: .zero, igst: .zero, gross: .zero)
        for line in lines {
            totals.taxable += line.taxable
            totals.cgst += line.cgst
            totals.sgst += line.sgst
            totals.igst += line.igst
            totals.gross += line.gross
        }
        return totals
    }

    /// `value × factor / divisor` rounded to the nearest integer, a tie away from zero.
    ///
    /// The product is held in 128 bits, so no amount a feed accepts can overflow; `factor` must
    /// not exceed `divisor` (both positive), which keeps the quotient within `value`.
    static func dividedRoundingHalfUp(_ value: Int64, times factor: Int64, by divisor: Int64) -> Int64 {
        precondition(factor > 0 && divisor >= factor)
        let d = UInt64(divisor)
        let (quotient, remainder) = d.dividingFullWidth(value.magnitude.multipliedFullWidth(by: UInt64(factor)))
        let rounded = remainder >= d - remainder ? quotient + 1 : quotient
        return value < 0 ? -Int64(rounded) : Int64(rounded)
    }
}
