import OrdreconCore

/// The buyer's block under the seller's (rule 46 (e) and (f)): name, address, state with its
/// GST state code, GSTIN, and the customer id; for a buyer of whom only the id is known, a
/// plain sentence instead of empty labels.
enum RecipientBlock {
    static let heading = "Details of recipient (Bill to)"
    static let onlyTheId = "Name and address not provided (unregistered buyer)"
    /// Address lines drawn as given; any further lines are joined into the last one, so a
    /// long address cannot push the table off the first page.
    static let maxAddressLines = 4

    static func column(_ recipient: TaxDocument.Recipient, width: Float, fonts: PDFFonts) -> TextColumn {
        let size = DocumentHeader.bodySize
        var column = TextColumn(width: width)
        column.add(heading, .bold, size: 8, fonts: fonts)
        let name = recipient.name.flatMap(nonBlank)
        let address = addressLines(recipient.addressLines)
        if name == nil, address.isEmpty, recipient.state == nil, recipient.gstin == nil {
            column.add("Customer: \(recipient.customerId)", size: size, fonts: fonts)
            column.add(onlyTheId, size: size, fonts: fonts)
            return column
        }
        if let name {
            column.add(name, .bold, size: 10, maxLines: 3, fonts: fonts)
        }
        for line in address {
            column.add(line, size: size, fonts: fonts)
        }
        if let state = recipient.state {
            column.add("State: \(DocumentHeader.state(state))", size: size, fonts: fonts)
        }
        if let gstin = recipient.gstin {
            column.add("GSTIN: \(gstin)", .bold, size: size, fonts: fonts)
        }
        column.add("Customer: \(recipient.customerId)", size: size, fonts: fonts)
        return column
    }

    /// The non-blank lines, at most ``maxAddressLines`` (the rest joined with commas).
    static func addressLines(_ lines: [String]) -> [String] {
        let given = lines.compactMap(nonBlank)
        guard given.count > maxAddressLines else { return given }
        let kept = given.prefix(maxAddressLines - 1)
        return kept + [given.dropFirst(maxAddressLines - 1).joined(separator: ", ")]
    }

    private static func nonBlank(_ text: String) -> String? {
        text.allSatisfy { $0 == " " } ? nil : text
    }
}
