import OrdreconCore

extension TaxDocument {
    /// The document with every text field passed through ``PDFText/clean(_:)``.
    func cleanedForPDF() -> TaxDocument {
        var copy = self
        copy.number = PDFText.clean(number)
        copy.seller.name = PDFText.clean(seller.name)
        copy.seller.addressLines = seller.addressLines.map(PDFText.clean)
        copy.seller.gstin = PDFText.clean(seller.gstin)
        copy.recipient.customerId = PDFText.clean(recipient.customerId)
        copy.recipient.name = recipient.name.map(PDFText.clean)
        copy.recipient.addressLines = recipient.addressLines.map(PDFText.clean)
        copy.recipient.gstin = recipient.gstin.map(PDFText.clean)
        copy.orderId = PDFText.clean(orderId)
        copy.returnId = returnId.map(PDFText.clean)
        copy.reference?.number = PDFText.clean(reference?.number ?? "")
        copy.amountInWords = PDFText.clean(amountInWords)
        for index in copy.lines.indices {
            copy.lines[index].sku = PDFText.clean(lines[index].sku)
            copy.lines[index].hsn = lines[index].hsn.map(PDFText.clean)
            copy.lines[index].itemDescription = lines[index].itemDescription.map(PDFText.clean)
        }
        return copy
    }
}
