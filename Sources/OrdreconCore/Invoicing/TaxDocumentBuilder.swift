/// Puts a tax invoice or credit note together: place of supply, supply type, lines, totals, words.
public enum TaxDocumentBuilder {
    /// The document for an order's (or a return's) items.
    ///
    /// The place of supply is `shipToState`, or the seller's state when none was given; the
    /// supply is intra-state when its GST state code is the seller's, inter-state otherwise.
    /// Lines keep the items' order; `amountInWords` spells `totals.gross`. `recipient` defaults to
    /// the bare customer id.
    public static func build(
        kind: TaxDocument.Kind, number: String, date: CivilTime, seller: TaxDocument.Seller,
        customerId: String, orderId: String, returnId: String?, shipToState: IndianState?,
        reference: TaxDocument.Reference?, items: [TaxableItem], recipient: TaxDocument.Recipient? = nil
    ) -> TaxDocument {
        let placeOfSupply = shipToState ?? seller.state
        let supply: TaxDocument.Supply =
            placeOfSupply.gstCode == seller.state.gstCode ? .intraState : .interState
        let lines = items.map { GSTCalculator.line($0, supply: supply) }
        let totals = GSTCalculator.totals(lines)
        return TaxDocument(
            kind: kind, number: number, date: date, seller: seller, customerId: customerId, orderId: orderId,
            returnId: returnId, placeOfSupply: placeOfSupply, supply: supply, reference: reference, lines: lines,
            totals: totals, amountInWords: AmountInWords.rupees(totals.gross),
            recipient: recipient ?? TaxDocument.Recipient(customerId: customerId))
    }
}
