import Foundation
import OrdreconCore
import OrdreconTestSupport
import Synchronization
import Testing

@testable import OrdreconInvoices

/// Renders invoices and credit notes built by hand and reads them back with poppler
/// (`pdftotext -layout`, `pdfinfo`, `pdffonts`) and `qpdf --check`.
@Suite struct InvoicePDFTests {
    // MARK: Content

    @Test func intraStateInvoiceShowsSellerNumbersCGSTAndSGST() async throws {
        let document = Fixture.invoice(supply: .intraState)
        let output = try await Rendered(document)
        defer { output.remove() }
        let text = output.text
        #expect(output.has("TAX INVOICE"))
        #expect(output.has("Śrī Gaṇeśa Traders"))
        #expect(output.has("No. 12, 4th Cross, Gāndhi Nagar"))
        #expect(output.has("GSTIN: 29ABCDE1234F1Z5"))
        #expect(output.has("State: Karnataka (29)"))
        #expect(output.has("Invoice No.: IN/26-27/0000001"))
        #expect(output.has("Date: 27-11-2026"))
        #expect(output.has("Order: ORD-7781"))
        #expect(output.has("Customer: CUST-42"))
        #expect(output.has("Place of supply: Karnataka (29)"))
        #expect(output.has("Total:") && output.has("₹1,23,456.50"))
        #expect(output.has("CGST") && output.has("SGST"))
        #expect(!output.has("IGST"), "intra-state: no IGST anywhere\n\(text)")
        #expect(output.has("Taxable value:"))
        #expect(output.has(IndianFormat.rupees(document.totals.taxable)))
        #expect(output.has(IndianFormat.rupees(document.totals.cgst)))
        #expect(output.has(IndianFormat.rupees(document.totals.sgst)))
        #expect(output.has("1,23,456.50"))  // rate and amount in the table
        #expect(output.has("18%"))
        #expect(output.has("6109"))
        #expect(
            output.has(
                "Amount in words: Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise Only"))
        #expect(output.has("This is a computer-generated document."))
        #expect(output.has("Prices include GST."))
        #expect(!output.has("Tax reversed"))
        #expect(output.pages == 1)
    }

    @Test func interStateInvoiceShowsIGSTOnly() async throws {
        let document = Fixture.invoice(supply: .interState)
        let output = try await Rendered(document)
        defer { output.remove() }
        #expect(output.has("Place of supply: Maharashtra (27)"))
        #expect(output.has("IGST:"))
        #expect(output.has(IndianFormat.rupees(document.totals.igst)))
        #expect(!output.has("CGST") && !output.has("SGST"), "inter-state: no CGST/SGST\n\(output.text)")
        #expect(output.has("₹1,23,456.50"))
    }

    @Test func creditNoteCitesItsInvoiceAndShowsTheTaxReversed() async throws {
        let document = Fixture.creditNote()
        let output = try await Rendered(document)
        defer { output.remove() }
        #expect(output.has("CREDIT NOTE"))
        #expect(!output.has("TAX INVOICE"))
        #expect(output.has("Credit Note No.: CN/26-27/0000007"))
        #expect(output.has("Date: 02-12-2026"))
        #expect(output.has("Against Invoice No. IN/26-27/0000001"))
        #expect(output.has("dated 27-11-2026"))
        #expect(output.has("Order: ORD-7781"))
        #expect(output.has("Return: RET-55"))
        #expect(output.has("Tax reversed:"))
        #expect(output.has(IndianFormat.rupees(document.totals.tax)))
        #expect(output.has(IndianFormat.rupees(document.totals.gross)))
    }

    @Test func sixtyLinesContinueOnMorePagesWithEverySKUAndTheColumnTitles() async throws {
        let document = Fixture.invoice(supply: .intraState, lineCount: 60)
        let output = try await Rendered(document)
        defer { output.remove() }
        #expect(output.pages >= 2)
        for line in document.lines {
            #expect(output.has(line.sku), "missing \(line.sku)")
        }
        #expect(output.count("Description (SKU)") == output.pages, "column titles on every page")
        #expect(output.has("TAX INVOICE IN/26-27/0000001 (continued)"))
        #expect(output.has("Page 1 of \(output.pages)") && output.has("Page \(output.pages) of \(output.pages)"))
        #expect(output.has(IndianFormat.rupees(document.totals.gross)))
        #expect(try await Tool.run("qpdf", ["--check", output.path]).status == 0)
    }

    @Test func longSKUsWrapInsideTheirColumn() async throws {
        let long = "SKU-VERY-LONG-DESCRIPTION-COTTON-KURTA-INDIGO-BLOCK-PRINT-XXL-2026-RESTOCK-BATCH-0042-EXTRA"
        var document = Fixture.invoice(supply: .intraState)
        document.lines[0].sku = long
        let output = try await Rendered(document)
        defer { output.remove() }
        // Wrapped at a hyphen and cut with an ellipsis after three lines; nothing runs into HSN.
        #expect(output.has("SKU-VERY-LONG-"))
        #expect(output.has("…"))
        #expect(!output.has(long))
        #expect(output.has("6109"))
    }

    @Test func decomposedNamesAndEmojiAreMadePrintable() async throws {
        var document = Fixture.invoice(supply: .intraState)
        document.seller.name = "S\u{301}ri\u{304} Gan\u{323}es\u{301}a Traders"  // NFD
        document.customerId = "CUST-😀-9"
        let output = try await Rendered(document)
        defer { output.remove() }
        #expect(output.has("Śrī Gaṇeśa Traders"))
        #expect(output.has("Customer: CUST-?-9"))
    }

    // MARK: The file

    @Test func twoRendersAreByteIdenticalAndPassQPDF() async throws {
        let document = Fixture.invoice(supply: .intraState, lineCount: 5)
        let first = try TaxDocumentPDF.render(document)
        let second = try TaxDocumentPDF.render(document)
        #expect(first == second)
        #expect(first.starts(with: Array("%PDF-".utf8)))
        let output = try await Rendered(document)
        defer { output.remove() }
        #expect(try await Tool.run("qpdf", ["--check", output.path]).status == 0)
        let info = try await Tool.run("pdfinfo", [output.path]).output
        #expect(info.contains("Title:           Tax Invoice IN/26-27/0000001"))
        #expect(info.range(of: "Author:          Śrī Gaṇeśa Traders", options: .literal) != nil)
        #expect(info.contains("Creator:         ordrecon"))
        #expect(info.contains("Page size:       595.276 x 841.89 pts (A4)"))
    }

    @Test func rendersOnSeveralThreadsAtOnceGiveTheSameBytes() async throws {
        let document = Fixture.invoice(supply: .interState, lineCount: 3)
        let expected = try TaxDocumentPDF.render(document)
        let results = Mutex<[Result<[UInt8], PDFError>]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let result = Result { () throws(PDFError) in try TaxDocumentPDF.render(document) }
            results.withLock { $0.append(result) }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 8)
        for result in all {
            #expect(try result.get() == expected)
        }
    }

    @Test func fontsAreEmbedded() async throws {
        let output = try await Rendered(Fixture.invoice(supply: .intraState))
        defer { output.remove() }
        let rows = try await Tool.run("pdffonts", [output.path]).output.split(separator: "\n").dropFirst(2)
        #expect(rows.count == 1)  // one face; bold is drawn from it (PDFFonts)
        for row in rows {
            let fields = row.split(separator: " ")
            #expect(fields.first?.contains("DejaVuSans") == true)
            #expect(fields.count > 4 && fields[4] == "yes", "not embedded: \(row)")
        }
    }

    @Test func missingFontsAreAPDFErrorWithLibharusCodes() async throws {
        let error = #expect(throws: PDFError.self) {
            try TaxDocumentPDF.render(Fixture.invoice(supply: .intraState), fontDirectory: "/nonexistent")
        }
        #expect(error?.errorCode == 0x1017)  // HPDF_FILE_OPEN_ERROR
        #expect(error?.detailCode == 2)  // ENOENT
        #expect(error?.message.contains("/nonexistent/DejaVuSans.ttf") == true)
        #expect(error?.message.contains("HPDF_FILE_OPEN_ERROR") == true)
    }

    /// How big and how quick a render is (printed); checked: a PDF each time, the longer invoice
    /// bigger, and each render well under a second (a generous bound: a debug build on a busy
    /// machine). 50 renders: enough for an average (there were 200).
    @Test func sizeAndTimeOfARender() async throws {
        let document = Fixture.invoice(supply: .intraState)
        let bytes = try TaxDocumentPDF.render(document)
        let sixty = try TaxDocumentPDF.render(Fixture.invoice(supply: .intraState, lineCount: 60))
        #expect(bytes.starts(with: Array("%PDF-".utf8)) && sixty.starts(with: Array("%PDF-".utf8)))
        #expect(sixty.count > bytes.count)
        let clock = ContinuousClock()
        let count = 50
        let elapsed = try clock.measure {
            for _ in 0..<count { _ = try TaxDocumentPDF.render(document) }
        }
        let each = elapsed / count
        #expect(each < .seconds(1), "\(each) per render")
        print(
            "InvoicePDF: one-line invoice \(bytes.count) bytes, 60-line invoice \(sixty.count) bytes; \(count) renders in \(elapsed), \(each) each"
        )
    }

    // MARK: Layout helpers

    @Test func wrapperBreaksAfterHyphensAndCutsWithAnEllipsis() {
        let measure: (Character) -> Float = { _ in 1 }
        #expect(TextWrapper.wrap("ABC-DEFGH-IJ", width: 7, maxLines: 3, measure: measure) == ["ABC-", "DEFGH-", "IJ"])
        #expect(TextWrapper.wrap("ABCDEFGHIJKLMN", width: 5, maxLines: 2, measure: measure) == ["ABCDE", "FGHI…"])
        #expect(TextWrapper.wrap("short", width: 50, maxLines: 2, measure: measure) == ["short"])
        #expect(TextWrapper.wrap("one two three", width: 8, maxLines: 2, measure: measure) == ["one two", "three"])
        #expect(
            TextWrapper.wrap("dated 27-11-2026", width: 12, maxLines: 2, measure: measure) == ["dated", "27-11-2026"])
        #expect(TextWrapper.wrap("", width: 8, maxLines: 2, measure: measure) == [])
    }

    @Test func paginationKeepsTheTotalsWithAtLeastOneRow() {
        let ten = [Float](repeating: 10, count: 10)
        #expect(TablePagination.pages(rowHeights: ten, firstPage: 100, laterPage: 200, trailer: 0) == [0..<10])
        #expect(TablePagination.pages(rowHeights: ten, firstPage: 100, laterPage: 200, trailer: 30) == [0..<9, 9..<10])
        #expect(TablePagination.pages(rowHeights: ten, firstPage: 50, laterPage: 200, trailer: 30) == [0..<5, 5..<10])
        #expect(TablePagination.pages(rowHeights: [10], firstPage: 20, laterPage: 200, trailer: 30) == [0..<1, 1..<1])
        #expect(TablePagination.pages(rowHeights: [], firstPage: 100, laterPage: 200, trailer: 30) == [0..<0])
    }

    @Test func indianFormats() {
        #expect(IndianFormat.rupees(Money(paise: 12_345_678_50)) == "₹1,23,45,678.50")
        #expect(IndianFormat.grouped(Money(paise: 12_345_650)) == "1,23,456.50")
        #expect(IndianFormat.grouped(Money(paise: 99_900)) == "999.00")
        #expect(IndianFormat.grouped(Money(paise: 5)) == "0.05")
        #expect(IndianFormat.percent(basisPoints: 1800) == "18%")
        #expect(IndianFormat.percent(basisPoints: 250) == "2.5%")
        #expect(IndianFormat.percent(basisPoints: 25) == "0.25%")
    }
}

/// Documents built by hand (GST-inclusive prices, tax taken out per line, rounded half up).
private enum Fixture {
    static let zone = TimeZone(identifier: "Asia/Kolkata")!

    static func time(_ text: String) -> CivilTime {
        try! Timestamp(iso8601: text, zone: zone).civil(in: zone)
    }

    static let seller = TaxDocument.Seller(
        name: "Śrī Gaṇeśa Traders",
        addressLines: ["No. 12, 4th Cross, Gāndhi Nagar", "Bengaluru 560009"],
        gstin: "29ABCDE1234F1Z5",
        state: IndianState(code: "KA")!
    )

    /// One line of ₹1,23,456.50 at 18% (HSN 6109), or `lineCount` smaller lines.
    static func invoice(supply: TaxDocument.Supply, lineCount: Int = 1) -> TaxDocument {
        var lines = [
            line("KURTA-COTTON-M", hsn: "6109", quantity: 1, unitPrice: 12_345_650, rate: 1800, supply: supply)
        ]
        if lineCount > 1 {
            lines = (1...lineCount).map { (number: Int) -> TaxDocument.Line in
                let price: Int64 = 49_900 + Int64(number) * 100
                let rate = number % 3 == 0 ? 500 : 1200
                return line(
                    "SKU-\(1000 + number)-TEE", hsn: "6109", quantity: Int64(number % 4 + 1), unitPrice: price,
                    rate: rate, supply: supply)
            }
        }
        return TaxDocument(
            kind: .taxInvoice, number: "IN/26-27/0000001", date: time("2026-11-27T14:05:00"), seller: seller,
            customerId: "CUST-42", orderId: "ORD-7781", returnId: nil,
            placeOfSupply: supply == .intraState ? seller.state : IndianState(code: "MH")!, supply: supply,
            reference: nil, lines: lines, totals: totals(lines),
            amountInWords: "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise Only")
    }

    static func creditNote() -> TaxDocument {
        let lines = [
            line("KURTA-COTTON-M", hsn: "6109", quantity: 1, unitPrice: 229_900, rate: 1200, supply: .intraState)
        ]
        return TaxDocument(
            kind: .creditNote, number: "CN/26-27/0000007", date: time("2026-12-02T10:00:00"), seller: seller,
            customerId: "CUST-42", orderId: "ORD-7781", returnId: "RET-55", placeOfSupply: seller.state,
            supply: .intraState, reference: .init(number: "IN/26-27/0000001", date: time("2026-11-27T14:05:00")),
            lines: lines, totals: totals(lines), amountInWords: "Rupees Two Thousand Two Hundred Ninety-Nine Only")
    }

    static func line(
        _ sku: String, hsn: String?, quantity: Int64, unitPrice: Int64, rate: Int, supply: TaxDocument.Supply
    ) -> TaxDocument.Line {
        let gross = unitPrice * quantity
        let divisor = Int64(10_000 + rate)
        let taxable = (gross * 10_000 + divisor / 2) / divisor
        let tax = gross - taxable
        let half = tax / 2
        let (cgst, sgst, igst) = supply == .intraState ? (half, tax - half, Int64(0)) : (0, 0, tax)
        return TaxDocument.Line(
            sku: sku, hsn: hsn, quantity: quantity, unitPrice: Money(paise: unitPrice), rateBasisPoints: rate,
            gross: Money(paise: gross), taxable: Money(paise: taxable), cgst: Money(paise: cgst),
            sgst: Money(paise: sgst), igst: Money(paise: igst))
    }

    static func totals(_ lines: [TaxDocument.Line]) -> TaxDocument.Totals {
        lines.reduce(TaxDocument.Totals(taxable: .zero, cgst: .zero, sgst: .zero, igst: .zero, gross: .zero)) {
            TaxDocument.Totals(
                taxable: $0.taxable + $1.taxable, cgst: $0.cgst + $1.cgst, sgst: $0.sgst + $1.sgst,
                igst: $0.igst + $1.igst, gross: $0.gross + $1.gross)
        }
    }
}

/// A rendered document in its own temporary directory, with what poppler reads from it.
struct Rendered {
    let directory: String
    let path: String
    let text: String
    let pages: Int

    init(_ document: TaxDocument) async throws {
        directory = NSTemporaryDirectory() + "ordrecon-pdf-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/document.pdf"
        try Data(TaxDocumentPDF.render(document)).write(to: URL(fileURLWithPath: path))
        text = try await Tool.run("pdftotext", ["-layout", path, "-"]).output
        let info = try await Tool.run("pdfinfo", [path]).output
        let pagesLine = info.split(separator: "\n").first { $0.hasPrefix("Pages:") } ?? ""
        pages = Int(pagesLine.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) ?? 0
    }

    /// Whether the text holds `needle` exactly (code point for code point, no normalisation).
    func has(_ needle: String) -> Bool {
        text.range(of: needle, options: .literal) != nil
    }

    func count(_ needle: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs a command-line tool found on PATH (waited for without holding a thread).
enum Tool {
    static func run(_ name: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.tool(name, arguments, timeout: .seconds(120))
        return (result.status, result.stdout)
    }
}
