import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

@testable import OrdreconInvoices

/// What rule 46 of the CGST Rules asks of the page beyond the figures: the recipient, the
/// description and HSN of each line, reverse charge, the signatory, a B2B invoice marked as one.
/// Documents are built with ``TaxDocumentBuilder`` and read back with `pdftotext -layout`.
@Suite struct RecipientLayoutTests {
    // MARK: The recipient

    @Test func recipientBlockShowsNameTwoLineAddressStateAndCode() async throws {
        let recipient = TaxDocument.Recipient(
            customerId: "CUST-42", name: "Meera Krishnan",
            addressLines: ["Flat 4B, Lakeview Apartments, Marine Drive", "Kochi 682031"],
            state: IndianState(code: "KL")!)
        let output = try await Rendered(Documents.invoice(recipient: recipient))
        defer { output.remove() }
        #expect(output.has("Details of recipient (Bill to)"))
        #expect(output.has("Meera Krishnan"))
        #expect(output.has("Flat 4B, Lakeview Apartments, Marine Drive"))
        #expect(output.has("Kochi 682031"))
        #expect(output.has("State: Kerala (32)"))
        #expect(output.has("Customer: CUST-42"))
        #expect(output.has("Place of supply: Karnataka (29)"), "the place of supply stays the ship-to state")
        #expect(!output.has("not provided"))
        #expect(!output.has("B2B") && !output.has("GSTIN of recipient"), "no GSTIN: not a B2B invoice")
        #expect(output.has("Whether tax is payable on reverse charge: No"))
    }

    @Test func aBuyerKnownOnlyByIdIsSaidSoWithoutEmptyLabels() async throws {
        let output = try await Rendered(Documents.invoice(recipient: TaxDocument.Recipient(customerId: "CUST-7")))
        defer { output.remove() }
        #expect(output.has("Customer: CUST-7"))
        #expect(output.has("Name and address not provided (unregistered buyer)"))
        #expect(output.count("State:") == 1, "only the seller's state\n\(output.text)")
        #expect(output.count("GSTIN:") == 1, "only the seller's GSTIN\n\(output.text)")
        #expect(!output.has("Name:") && !output.has("Address:"))
    }

    @Test func aB2BInvoiceIsMarkedAndShowsBothGSTINsSideBySide() async throws {
        let recipient = TaxDocument.Recipient(
            customerId: "CUST-B2B-1", name: "Utkarsh Fabrics LLP", addressLines: ["Plot 9, MIDC Bhiwandi"],
            state: IndianState(code: "MH")!, gstin: Documents.buyerGSTIN)
        let document = Documents.invoice(recipient: recipient, shipTo: "MH")
        #expect(document.isBusinessToBusiness)
        let output = try await Rendered(document)
        defer { output.remove() }
        #expect(output.has("TAX INVOICE"))
        #expect(output.has("B2B: supply to a registered person"))
        let band = output.text.split(separator: "\n").first { $0.contains("GSTIN of recipient:") } ?? ""
        #expect(
            band.contains("GSTIN of supplier: \(Documents.seller.gstin)")
                && band.contains("GSTIN of recipient: \(Documents.buyerGSTIN)"),
            "both GSTINs on one line: \(band)")
        #expect(output.has("GSTIN: \(Documents.buyerGSTIN)"), "and in the recipient block")
        #expect(output.has("Utkarsh Fabrics LLP") && output.has("State: Maharashtra (27)"))
        #expect(output.has("Place of supply: Maharashtra (27)") && output.has("IGST"))
        #expect(output.has("Whether tax is payable on reverse charge: No"))
    }

    @Test func aCreditNoteToARegisteredBuyerCarriesTheRecipientAndTheB2BMark() async throws {
        let recipient = TaxDocument.Recipient(
            customerId: "CUST-B2B-1", name: "Utkarsh Fabrics LLP",
            addressLines: ["Plot 9, MIDC Bhiwandi", "Thane 421302"], state: IndianState(code: "MH")!,
            gstin: Documents.buyerGSTIN)
        let output = try await Rendered(Documents.creditNote(recipient: recipient))
        defer { output.remove() }
        for expected in [
            "CREDIT NOTE", "Credit Note No.: CN/26-27/0000007", "Against Invoice No. IN/26-27/0000001",
            "dated 27-11-2026", "Return: RET-55", "B2B: supply to a registered person",
            "GSTIN of recipient: \(Documents.buyerGSTIN)", "Details of recipient (Bill to)", "Utkarsh Fabrics LLP",
            "Thane 421302", "State: Maharashtra (27)", "Tax reversed:", "Authorised Signatory",
            "Whether tax is payable on reverse charge: No",
        ] {
            #expect(output.has(expected), "the credit note lacks \(expected):\n\(output.text)")
        }
        #expect(!output.has("TAX INVOICE"))
    }

    @Test func nonLatinNamesAndAddressesAreExtractedAsWritten() async throws {
        let recipient = TaxDocument.Recipient(
            customerId: "CUST-GR", name: "Ирина Петрова", addressLines: ["Οδός Ανδρέα Παπανδρέου 12", "Αθήνα"],
            state: IndianState(code: "DL")!)
        let output = try await Rendered(
            Documents.invoice(recipient: recipient, description: "Шаль из шерсти · Ανδρέας"))
        defer { output.remove() }
        #expect(output.has("Ирина Петрова"), "\(output.text)")
        #expect(output.has("Οδός Ανδρέα Παπανδρέου 12") && output.has("Αθήνα"))
        #expect(output.has("Шаль из шерсти · Ανδρέας"))
        #expect(output.has("State: Delhi (07)"))
    }

    @Test func longNamesAndAddressesWrapInsideThePage() async throws {
        let name = "Shree Venkateshwara Handloom Weavers Co-operative Production and Sales Society Limited"
        let recipient = TaxDocument.Recipient(
            customerId: "CUST-LONG", name: name,
            addressLines: [
                "Survey No. 112/4A, Opposite Government Higher Secondary School, Near Old Bus Stand, Main Road",
                "Dharmavaram Mandal", "Anantapur District", "Andhra Pradesh", "PIN 515671",
            ], state: IndianState(code: "AP")!)
        let document = Documents.invoice(
            recipient: recipient,
            description: "Pure silk saree, Dharmavaram weave, zari border with temple motif, 6.3 m with blouse piece")
        let output = try await Rendered(document)
        defer { output.remove() }
        #expect(output.has("Shree Venkateshwara Handloom") && output.has("Society Limited"))
        #expect(output.has("Survey No. 112/4A") && output.has("Main Road"))
        // A fifth address line is joined to the fourth rather than lengthening the block.
        #expect(output.has("Andhra Pradesh, PIN 515671"))
        #expect(output.has("Pure silk saree") && output.has("SKU: SAREE-SILK-DH"))
        #expect(output.pages == 1)
        let right = try await output.rightmostWordEdge()
        #expect(right <= PageGeometry.right + 0.5, "text reaches x = \(right), beyond the right margin")

        // Every line of the recipient block fits its column by the font's own widths.
        let fonts = PDFFonts(face: try InvoiceFont.shared(directory: TaxDocumentPDF.defaultFontDirectory).face)
        let header = DocumentHeader(document: document.cleanedForPDF(), fonts: fonts)
        for line in header.recipient.lines {
            #expect(fonts.width(line.text, line.style, size: line.size) <= header.recipient.width, "\(line.text)")
        }
    }

    // MARK: Lines

    @Test func eachLineShowsItsDescriptionSKUAndHSNAndABlankHSNIsADash() async throws {
        let items = [
            TaxableItem(
                sku: "KURTA-COTTON-M", hsn: "6109", quantity: 2, unitPrice: Money(paise: 129_900),
                rateBasisPoints: 1200,
                itemDescription: "Handloom cotton kurta, indigo"),
            TaxableItem(
                sku: "MUG-CERAMIC-1", hsn: nil, quantity: 1, unitPrice: Money(paise: 49_900), rateBasisPoints: 1800,
                itemDescription: "Ceramic mug"),
            TaxableItem(
                sku: "TEA-ASSAM-250", hsn: " ", quantity: 1, unitPrice: Money(paise: 32_000), rateBasisPoints: 500,
                itemDescription: "Assam tea"),
            TaxableItem(
                sku: "BAG-JUTE-L", hsn: "42022220", quantity: 1, unitPrice: Money(paise: 45_000), rateBasisPoints: 1200),
        ]
        let output = try await Rendered(Documents.invoice(recipient: Documents.person, items: items))
        defer { output.remove() }
        let lines = output.text.split(separator: "\n").map(String.init)
        func row(_ text: String) -> String { lines.first { $0.contains(text) } ?? "" }
        #expect(row("Handloom cotton kurta").contains("6109"), "\(row("Handloom cotton kurta"))")
        #expect(output.has("SKU: KURTA-COTTON-M"))
        #expect(row("Ceramic mug").contains("—") && output.has("SKU: MUG-CERAMIC-1"))
        #expect(row("Assam tea").contains("—"))
        // Without a description the SKU stands alone, as before.
        #expect(row("BAG-JUTE-L").contains("42022220") && !output.has("SKU: BAG-JUTE-L"))
        #expect(!output.has("nil"))
    }

    // MARK: Pages

    @Test func fortyLinesSpreadOverPagesWithRecipientFirstAndSignatoryLast() async throws {
        let items = (1...40).map { (number: Int) -> TaxableItem in
            let hsn: String? = number % 5 == 0 ? nil : "6109"
            let price = Money(paise: 59_900 + Int64(number) * 100)
            return TaxableItem(
                sku: "SKU-\(1000 + number)", hsn: hsn, quantity: Int64(number % 3 + 1), unitPrice: price,
                rateBasisPoints: 1200,
                itemDescription: "Block-printed cotton kurta, design \(number), with a longer name that wraps")
        }
        let document = Documents.invoice(recipient: Documents.person, items: items)
        let output = try await Rendered(document)
        defer { output.remove() }
        let pages: [String] = output.pageTexts
        #expect(output.pages >= 2 && pages.count == output.pages, "\(output.pages) pages, \(pages.count) texts")
        for (index, page) in pages.enumerated() {
            let last = index == pages.count - 1
            #expect(page.contains("Description (SKU)"), "column titles on page \(index + 1)")
            #expect(page.contains("Details of recipient") == (index == 0), "recipient on page 1 only")
            #expect(page.contains("Authorised Signatory") == last, "signatory on the last page only")
            #expect(page.contains("For \(Documents.seller.name)") == last)
            #expect(page.contains("Page \(index + 1) of \(pages.count)"))
        }
        for number in 1...40 {
            #expect(output.has("SKU: SKU-\(1000 + number)"), "line \(number)")
        }
        #expect(output.has(IndianFormat.rupees(document.totals.gross)))
        #expect(try await Tool.run("qpdf", ["--check", output.path]).status == 0)
    }

    @Test func theSignatoryFollowsTheTotalsOnAOnePageInvoice() async throws {
        let output = try await Rendered(Documents.invoice(recipient: Documents.person))
        defer { output.remove() }
        let text = output.text
        let words = try #require(text.range(of: "Amount in words:"))
        let firm = try #require(text.range(of: "For \(Documents.seller.name)"))
        let title = try #require(text.range(of: "Authorised Signatory"))
        #expect(words.upperBound < firm.lowerBound && firm.upperBound < title.lowerBound)
        #expect(output.count("Authorised Signatory") == 1)
        #expect(!output.has("no signature required"))
    }

    // MARK: The file

    @Test func aB2BInvoiceRendersToTheSameBytesTwiceAndPassesQPDF() async throws {
        let recipient = TaxDocument.Recipient(
            customerId: "CUST-B2B-1", name: "Utkarsh Fabrics LLP", addressLines: ["Plot 9, MIDC Bhiwandi"],
            state: IndianState(code: "MH")!, gstin: Documents.buyerGSTIN)
        let document = Documents.invoice(recipient: recipient, shipTo: "MH")
        #expect(try TaxDocumentPDF.render(document) == TaxDocumentPDF.render(document))
        let output = try await Rendered(document)
        defer { output.remove() }
        #expect(try await Tool.run("qpdf", ["--check", output.path]).status == 0)
    }
}

/// Documents built the way the engine builds them, with a recipient.
private enum Documents {
    static let zone = TimeZone(identifier: "Asia/Kolkata")!
    static let buyerGSTIN = "27AAPFU0939F1Z" + String(GSTIN.checkCharacter("27AAPFU0939F1Z")!)

    static func time(_ text: String) -> CivilTime {
        try! Timestamp(iso8601: text, zone: zone).civil(in: zone)
    }

    static let seller = TaxDocument.Seller(
        name: "Śrī Gaṇeśa Traders", addressLines: ["No. 12, 4th Cross, Gāndhi Nagar", "Bengaluru 560009"],
        gstin: "29ABCDE1234F1Z5", state: IndianState(code: "KA")!)

    static let person = TaxDocument.Recipient(
        customerId: "CUST-42", name: "Meera Krishnan", addressLines: ["Flat 4B, Lakeview Apartments", "Kochi 682031"],
        state: IndianState(code: "KL")!)

    static func invoice(
        recipient: TaxDocument.Recipient, shipTo: String = "KA", description: String? = nil,
        items: [TaxableItem]? = nil
    ) -> TaxDocument {
        let items =
            items ?? [
                TaxableItem(
                    sku: "SAREE-SILK-DH", hsn: "5007", quantity: 1, unitPrice: Money(paise: 6_399_500),
                    rateBasisPoints: 500, itemDescription: description ?? "Silk saree")
            ]
        return TaxDocumentBuilder.build(
            kind: .taxInvoice, number: "IN/26-27/0000001", date: time("2026-11-27T14:05:00"), seller: seller,
            customerId: recipient.customerId, orderId: "ORD-7781", returnId: nil,
            shipToState: IndianState(code: shipTo), reference: nil, items: items, recipient: recipient)
    }

    static func creditNote(recipient: TaxDocument.Recipient) -> TaxDocument {
        TaxDocumentBuilder.build(
            kind: .creditNote, number: "CN/26-27/0000007", date: time("2026-12-02T10:00:00"), seller: seller,
            customerId: recipient.customerId, orderId: "ORD-7781", returnId: "RET-55",
            shipToState: IndianState(code: "MH"),
            reference: .init(number: "IN/26-27/0000001", date: time("2026-11-27T14:05:00")),
            items: [
                TaxableItem(
                    sku: "KURTA-COTTON-M", hsn: "6109", quantity: 1, unitPrice: Money(paise: 229_900),
                    rateBasisPoints: 1200, itemDescription: "Handloom cotton kurta")
            ], recipient: recipient)
    }
}

extension Rendered {
    /// The text of each page (`pdftotext` ends every page with a form feed).
    var pageTexts: [String] {
        var pages = text.components(separatedBy: "\u{0C}")
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages
    }

    /// The largest right edge of any word on any page, in PDF points (`pdftotext -bbox`).
    func rightmostWordEdge() async throws -> Float {
        let boxes = try await Tool.run("pdftotext", ["-bbox", path, "-"]).output
        var rightmost: Float = 0
        for part in boxes.components(separatedBy: "xMax=\"").dropFirst() {
            if let value = Float(part.prefix { $0 != "\"" }) { rightmost = max(rightmost, value) }
        }
        return rightmost
    }
}
