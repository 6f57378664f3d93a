import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

@testable import OrdreconInvoices

/// The embedded font and the ToUnicode map as PDF readers see them: `pdffonts`, `pdftotext`,
/// `pdfinfo` (nothing on stderr), `qpdf --check`, and the size of a one-page invoice.
@Suite struct SubsetPDFTests {
    /// Text in every script the documents meet: Latin-1, Latin Extended-A, Cyrillic, ₹, and
    /// characters DejaVu Sans lacks (CJK, Devanagari: drawn as .notdef, still extracted).
    static func document(customer: String = "Ирина Łódź 中文 देव", lines: Int = 1) -> TaxDocument {
        let zone = TimeZone(identifier: "Asia/Kolkata")!
        let date = try! Timestamp(iso8601: "2026-11-27T14:05:00", zone: zone).civil(in: zone)
        let seller = TaxDocument.Seller(
            name: "Café Müller Śrī Traders", addressLines: ["No. 12, Gāndhi Nagar", "Bengaluru 560009"],
            gstin: "29ABCDE1234F1Z5", state: IndianState(code: "KA")!)
        let line = TaxDocument.Line(
            sku: "KURTA-ÄÖÜ-€", hsn: "6109", quantity: 1, unitPrice: Money(paise: 100_000), rateBasisPoints: 1800,
            gross: Money(paise: 100_000), taxable: Money(paise: 84_746), cgst: Money(paise: 7_627),
            sgst: Money(paise: 7_627), igst: .zero)
        return TaxDocument(
            kind: .taxInvoice, number: "IN/26-27/0000009", date: date, seller: seller, customerId: customer,
            orderId: "ORD-9", returnId: nil, placeOfSupply: seller.state, supply: .intraState, reference: nil,
            lines: Array(repeating: line, count: lines),
            totals: TaxDocument.Totals(
                taxable: Money(paise: 84_746 * Int64(lines)), cgst: Money(paise: 7_627 * Int64(lines)),
                sgst: Money(paise: 7_627 * Int64(lines)), igst: .zero, gross: Money(paise: 100_000 * Int64(lines))),
            amountInWords: "Rupees One Thousand Only")
    }

    @Test func theFontIsATaggedSubsetAndTheToolsReadEverythingWithoutWarnings() async throws {
        let file = try PDFFile(TaxDocumentPDF.render(Self.document()))
        defer { file.remove() }
        let text = try await file.tool("pdftotext", ["-layout", file.path, "-"])
        for needle in ["Ирина Łódź 中文 देव", "Café Müller Śrī Traders", "KURTA-ÄÖÜ-€", "₹1,000.00", "TAX INVOICE"] {
            #expect(text.stdout.range(of: needle, options: .literal) != nil, "\(needle) not in\n\(text.stdout)")
        }
        let fonts = try await file.tool("pdffonts", [file.path])
        let rows = fonts.stdout.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ") }
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row[0].wholeMatch(of: /[A-Z]{6}\+DejaVuSans,Book/) != nil, "\(row)")
        #expect(row.suffix(5).prefix(3) == ["yes", "yes", "yes"], "emb, sub, uni: \(row)")
        let info = try await file.tool("pdfinfo", [file.path])
        for result in [text, fonts, info] {
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty, "\(result.stderr)")
        }
        let check = try await file.tool("qpdf", ["--check", file.path])
        #expect(check.status == 0, "\(check.stdout)")
    }

    /// libharu's own ToUnicode stream held `begincidrange`; ours holds bfranges and bfchars.
    @Test func theToUnicodeMapIsOneOfBfrangesAndBfchars() async throws {
        let file = try PDFFile(TaxDocumentPDF.render(Self.document()))
        defer { file.remove() }
        let plain = file.path + ".qdf.pdf"
        let expanded = try await file.tool("qpdf", ["--qdf", "--object-streams=disable", file.path, plain])
        #expect(expanded.status == 0)
        let content = String(decoding: try Data(contentsOf: URL(fileURLWithPath: plain)), as: UTF8.self)
        #expect(content.contains("beginbfrange") && content.contains("beginbfchar"))
        #expect(content.contains("<0418> <0418>"))  // И
        #expect(content.contains("<20B9> <20B9>"))  // ₹
        #expect(!content.contains("begincidrange") && !content.contains("/CMapName /UTF-8"))
    }

    /// Noncharacters, private use, a lone combining mark, emoji and the replacement character
    /// render (the font lacks most: .notdef) and read back without complaint.
    @Test func hostileCharactersRenderAndReadBack() async throws {
        let file = try PDFFile(TaxDocumentPDF.render(Self.document(customer: "A\u{FFFF}B\u{E000}\u{301}C😀\u{FFFD}D")))
        defer { file.remove() }
        let text = try await file.tool("pdftotext", [file.path, "-"])
        #expect(text.status == 0 && text.stderr.isEmpty, "\(text.stderr)")
        #expect(text.stdout.contains("C?") && text.stdout.contains("\u{FFFD}D"))
        #expect(try await file.tool("qpdf", ["--check", file.path]).status == 0)
    }

    @Test func aOnePageInvoiceIsSmall() throws {
        let bytes = try TaxDocumentPDF.render(Self.document())
        #expect(bytes.count <= 24 * 1024, "\(bytes.count) bytes")
        // A subset: the whole of DejaVu Sans is 740 KiB, libharu's emptied copy of it ~80 KiB.
        let longer = try TaxDocumentPDF.render(Self.document(lines: 12))
        #expect(longer.count <= 24 * 1024, "\(longer.count) bytes")
    }

    @Test func theSameDocumentGivesTheSameBytesWhateverWasRenderedBefore() throws {
        let font = try InvoiceFont.shared(directory: TaxDocumentPDF.defaultFontDirectory)
        let first = try TaxDocumentPDF.render(Self.document(), font: font)
        _ = try TaxDocumentPDF.render(Self.document(customer: "Ζωή Ωμέγα ŁŃŚŹ"), font: font)
        let fresh = try InvoiceFont(directory: TaxDocumentPDF.defaultFontDirectory)
        let second = try TaxDocumentPDF.render(Self.document(), font: fresh)
        #expect(first == second)
        let other = try TaxDocumentPDF.render(Self.document(customer: "CUST-1"), font: font)
        #expect(other != first)
    }
}

/// Bytes written to a temporary file, and the tools run on it.
private struct PDFFile {
    let directory: String
    let path: String

    init(_ bytes: [UInt8]) throws {
        directory = NSTemporaryDirectory() + "ordrecon-subset-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/document.pdf"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func tool(_ name: String, _ arguments: [String]) async throws -> TestWorkspace.Result {
        try await ChildProcess.tool(name, arguments, timeout: .seconds(120))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
