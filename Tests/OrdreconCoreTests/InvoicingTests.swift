import Foundation
import OrdreconCore
import Testing

/// A local date from its calendar fields (CivilTime has no public initialiser).
private func civil(_ text: String) throws -> CivilTime {
    let zone = TimeZone(identifier: "Asia/Kolkata")!
    return try Timestamp(iso8601: text + "T10:00:00+05:30", zone: zone).civil(in: zone)
}

private func rupees(_ text: String) throws -> Money {
    try Money(parsing: text)
}

struct InvoicingFormatTests {
    @Test(
        arguments: [
            (50, "0.50"), (5, "0.05"), (0, "0.00"), (99_900, "999.00"), (100_000, "1,000.00"),
            (1_234_500, "12,345.00"), (10_000_000, "1,00,000.00"), (1_234_567_850, "1,23,45,678.50"),
            (123_456_789_05, "12,34,56,789.05"), (15_000_000_000_000, "1,50,00,00,00,000.00"),
        ] as [(Int64, String)])
    func groupsTheIndianWay(paise: Int64, text: String) {
        #expect(IndianFormat.grouped(Money(paise: paise)) == text)
    }

    @Test func rupeeSignAndNegatives() {
        #expect(IndianFormat.rupees(Money(paise: 1_234_567_850)) == "₹1,23,45,678.50")
        #expect(IndianFormat.rupees(Money(paise: 50)) == "₹0.50")
        #expect(IndianFormat.grouped(Money(paise: -1_234_567_850)) == "-1,23,45,678.50")
        #expect(IndianFormat.grouped(Money(paise: -5)) == "-0.05")
        #expect(IndianFormat.rupees(Money(paise: -100_000)) == "-₹1,000.00")
    }

    @Test(arguments: [
        (1800, "18%"), (1250, "12.5%"), (25, "0.25%"), (0, "0%"), (300, "3%"), (500, "5%"), (2800, "28%"),
        (250, "2.5%"), (5, "0.05%"), (10_000, "100%"),
    ])
    func percent(basisPoints: Int, text: String) {
        #expect(IndianFormat.percent(basisPoints: basisPoints) == text)
    }

    @Test func dateIsDayMonthYear() throws {
        #expect(IndianFormat.date(try civil("2026-11-27")) == "27-11-2026")
        #expect(IndianFormat.date(try civil("2027-03-01")) == "01-03-2027")
    }
}

struct InvoicingWordsTests {
    @Test(arguments: [
        ("0", "Rupees Zero Only"),
        ("0.50", "Rupees Zero and Fifty Paise Only"),
        ("0.01", "Rupees Zero and One Paisa Only"),
        ("1", "Rupees One Only"),
        ("11", "Rupees Eleven Only"),
        ("19", "Rupees Nineteen Only"),
        ("20", "Rupees Twenty Only"),
        ("21", "Rupees Twenty-One Only"),
        ("99", "Rupees Ninety-Nine Only"),
        ("100", "Rupees One Hundred Only"),
        ("105", "Rupees One Hundred Five Only"),
        ("1000", "Rupees One Thousand Only"),
        ("1010.10", "Rupees One Thousand Ten and Ten Paise Only"),
        ("100000", "Rupees One Lakh Only"),
        ("123456.50", "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise Only"),
        ("10000000", "Rupees One Crore Only"),
        (
            "123456789.05",
            "Rupees Twelve Crore Thirty-Four Lakh Fifty-Six Thousand Seven Hundred Eighty-Nine and Five Paise Only"
        ),
        ("1000000000", "Rupees One Hundred Crore Only"),
        ("1010000000", "Rupees One Hundred One Crore Only"),
        ("150000000000", "Rupees Fifteen Thousand Crore Only"),
        (
            "9999999999999.99",
            "Rupees Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine"
                + " Thousand Nine Hundred Ninety-Nine and Ninety-Nine Paise Only"
        ),
        ("10000000000000", "Rupees Ten Lakh Crore Only"),
    ])
    func inIndianWords(amount: String, words: String) throws {
        #expect(AmountInWords.rupees(try rupees(amount)) == words)
    }

    @Test func beyondTheFeedMaximum() {
        #expect(AmountInWords.rupees(Money(paise: 10_000_000_000_000_000)) == "Rupees One Crore Crore Only")
        #expect(AmountInWords.rupees(Money(paise: Int64.min)).hasPrefix("Minus Rupees Nine Hundred Twenty-Two Crore"))
    }

    @Test func negativeAmount() {
        #expect(AmountInWords.rupees(Money(paise: -150)) == "Minus Rupees One and Fifty Paise Only")
    }
}

struct InvoicingGSTTests {
    let item = TaxableItem(
        sku: "SKU-1", hsn: "6109", quantity: 3, unitPrice: Money(paise: 9_999), rateBasisPoints: 1800)

    @Test func threeAtNinetyNineNinetyNineIntraState() {
        let line = GSTCalculator.line(item, supply: .intraState)
        #expect(line.gross == Money(paise: 29_997))
        #expect(line.taxable == Money(paise: 25_421))
        #expect(line.tax == Money(paise: 4_576))
        #expect(line.cgst == Money(paise: 2_288))
        #expect(line.sgst == Money(paise: 2_288))
        #expect(line.igst == .zero)
        #expect(line.sku == "SKU-1" && line.hsn == "6109" && line.quantity == 3 && line.rateBasisPoints == 1800)
        #expect(line.unitPrice == Money(paise: 9_999))
    }

    @Test func threeAtNinetyNineNinetyNineInterState() {
        let line = GSTCalculator.line(item, supply: .interState)
        #expect(line.taxable == Money(paise: 25_421))
        #expect(line.igst == Money(paise: 4_576))
        #expect(line.cgst == .zero && line.sgst == .zero)
    }

    @Test func zeroRateIsAllTaxable() {
        let line = GSTCalculator.line(
            TaxableItem(sku: "B", hsn: nil, quantity: 2, unitPrice: Money(paise: 12_345), rateBasisPoints: 0),
            supply: .intraState)
        #expect(line.taxable == Money(paise: 24_690))
        #expect(line.tax == .zero)
    }

    @Test func oddTaxPaisaGoesToCGST() {
        // ₹1.00 at 18%: 100 × 10000 / 11800 = 84.74… → 85; tax 15 → CGST 8, SGST 7.
        let line = GSTCalculator.line(
            TaxableItem(sku: "C", hsn: nil, quantity: 1, unitPrice: Money(paise: 100), rateBasisPoints: 1800),
            supply: .intraState)
        #expect(line.taxable == Money(paise: 85))
        #expect(line.cgst == Money(paise: 8) && line.sgst == Money(paise: 7))
        // ₹0.09 at 12.5%: 9 × 10000 / 11250 = 8; tax 1 → CGST 1, SGST 0.
        let onePaisa = GSTCalculator.line(
            TaxableItem(sku: "G", hsn: nil, quantity: 1, unitPrice: Money(paise: 9), rateBasisPoints: 1250),
            supply: .intraState)
        #expect(onePaisa.taxable == Money(paise: 8))
        #expect(onePaisa.cgst == Money(paise: 1) && onePaisa.sgst == .zero)
    }

    @Test func taxableTieRoundsUp() {
        // ₹0.01 at 100%: taxable exactly 0.5 paisa → 1; the tax takes the difference (0).
        let tie = GSTCalculator.line(
            TaxableItem(sku: "T", hsn: nil, quantity: 1, unitPrice: Money(paise: 1), rateBasisPoints: 10_000),
            supply: .interState)
        #expect(tie.taxable == Money(paise: 1))
        #expect(tie.igst == .zero)
        // ₹0.03 at 100%: 1.5 → 2.
        let second = GSTCalculator.line(
            TaxableItem(sku: "T", hsn: nil, quantity: 3, unitPrice: Money(paise: 1), rateBasisPoints: 10_000),
            supply: .interState)
        #expect(second.taxable == Money(paise: 2) && second.igst == Money(paise: 1))
    }

    @Test func largeAmountsDoNotOverflow() {
        // ₹1,00,00,00,00,00,000 × 10000 would overflow 64 bits without the full-width product.
        let line = GSTCalculator.line(
            TaxableItem(
                sku: "L", hsn: nil, quantity: 1, unitPrice: Money(paise: 1_000_000_000_000_000), rateBasisPoints: 1800),
            supply: .intraState)
        #expect(line.taxable + line.tax == line.gross)
        #expect(line.taxable == Money(paise: 847_457_627_118_644))  // 10¹⁵ / 1.18 = 847457627118644.07
    }

    @Test func propertyEveryLineAddsUp() {
        var random = SplitMix64(seed: 0x6753_5420_4C49_4E45)
        let rates = [0, 25, 300, 500, 1200, 1250, 1800, 2800]
        for _ in 0..<200 {
            var items: [TaxableItem] = []
            for index in 0..<random.int(1...12) {
                let price: Int64 =
                    random.chance(0.2) ? random.int64(1...200) : random.int64(1...50_000_000)
                items.append(
                    TaxableItem(
                        sku: "S\(index)", hsn: nil, quantity: random.int64(1...1_000), unitPrice: Money(paise: price),
                        rateBasisPoints: rates[random.int(0...rates.count - 1)]))
            }
            for supply in [TaxDocument.Supply.intraState, .interState] {
                let lines = items.map { GSTCalculator.line($0, supply: supply) }
                for line in lines {
                    let divisor = 10_000 + Int64(line.rateBasisPoints)
                    #expect(line.gross == line.unitPrice * line.quantity)
                    #expect(line.taxable + line.tax == line.gross)
                    #expect(line.cgst + line.sgst + line.igst == line.tax)
                    #expect(line.taxable <= line.gross)
                    #expect(line.tax >= .zero)
                    // |taxable − gross/(1 + r)| ≤ ½ paisa, in integers: |taxable·d − gross·10000| ≤ d/2.
                    let error = (line.taxable.paise * divisor - line.gross.paise * 10_000).magnitude
                    #expect(error * 2 <= UInt64(divisor))
                    switch supply {
                    case .intraState:
                        #expect(line.igst == .zero)
                        #expect(line.cgst - line.sgst == .zero || line.cgst - line.sgst == Money(paise: 1))
                    case .interState:
                        #expect(line.cgst == .zero && line.sgst == .zero)
                    }
                    if line.rateBasisPoints == 0 { #expect(line.taxable == line.gross) }
                }
                let totals = GSTCalculator.totals(lines)
                let grossSum = items.reduce(Money.zero) { $0 + $1.unitPrice * $1.quantity }
                #expect(totals.gross == grossSum)
                #expect(totals.taxable + totals.tax == grossSum)
                #expect(totals.taxable == lines.reduce(.zero) { $0 + $1.taxable })
                #expect(totals.cgst == lines.reduce(.zero) { $0 + $1.cgst })
                #expect(totals.sgst == lines.reduce(.zero) { $0 + $1.sgst })
                #expect(totals.igst == lines.reduce(.zero) { $0 + $1.igst })
            }
        }
    }

    @Test func totalsOfNoLinesAreZero() {
        let totals = GSTCalculator.totals([])
        #expect(totals == TaxDocument.Totals(taxable: .zero, cgst: .zero, sgst: .zero, igst: .zero, gross: .zero))
    }
}

struct InvoicingBuilderTests {
    let karnataka = IndianState(code: "KA")!
    var seller: TaxDocument.Seller {
        TaxDocument.Seller(
            name: "Sri Ganesha Traders", addressLines: ["No. 12, 4th Cross", "Bengaluru 560001"],
            gstin: "29AAACB1234C1ZB", state: karnataka)
    }
    let items = [
        TaxableItem(sku: "TEE", hsn: "6109", quantity: 3, unitPrice: Money(paise: 9_999), rateBasisPoints: 1800),
        TaxableItem(sku: "BOOK", hsn: "4901", quantity: 1, unitPrice: Money(paise: 45_000), rateBasisPoints: 0),
        TaxableItem(sku: "SHOE", hsn: "6403", quantity: 2, unitPrice: Money(paise: 149_900), rateBasisPoints: 1200),
    ]

    private func invoice(shipTo: IndianState?) throws -> TaxDocument {
        TaxDocumentBuilder.build(
            kind: .taxInvoice, number: "IN/26-27/0000042", date: try civil("2026-11-27"), seller: seller,
            customerId: "C-1", orderId: "O-1", returnId: nil, shipToState: shipTo, reference: nil, items: items)
    }

    @Test func sameStateIsIntraState() throws {
        let document = try invoice(shipTo: IndianState(code: "ka"))
        #expect(document.supply == .intraState)
        #expect(document.placeOfSupply == karnataka)
        #expect(document.totals.igst == .zero)
        #expect(document.totals.cgst + document.totals.sgst == document.totals.tax)
    }

    @Test func otherStateIsInterState() throws {
        let document = try invoice(shipTo: IndianState(code: "MH"))
        #expect(document.supply == .interState)
        #expect(document.placeOfSupply.gstCode == "27")
        #expect(document.totals.cgst == .zero && document.totals.sgst == .zero)
        #expect(document.totals.igst == document.totals.tax)
    }

    @Test func placeDefaultsToSellersState() throws {
        let document = try invoice(shipTo: nil)
        #expect(document.placeOfSupply == karnataka)
        #expect(document.supply == .intraState)
    }

    @Test func linesTotalsAndWords() throws {
        let document = try invoice(shipTo: nil)
        #expect(document.kind == .taxInvoice)
        #expect(document.number == "IN/26-27/0000042")
        #expect(IndianFormat.date(document.date) == "27-11-2026")
        #expect(document.lines.map(\.sku) == ["TEE", "BOOK", "SHOE"])
        #expect(document.lines == items.map { GSTCalculator.line($0, supply: .intraState) })
        // 299.97 + 450.00 + 2,998.00
        #expect(document.totals.gross == Money(paise: 374_797))
        #expect(document.totals == GSTCalculator.totals(document.lines))
        #expect(
            document.amountInWords
                == "Rupees Three Thousand Seven Hundred Forty-Seven and Ninety-Seven Paise Only")
        #expect(document.customerId == "C-1" && document.orderId == "O-1" && document.returnId == nil)
        #expect(document.reference == nil)
        #expect(document.seller == seller)
    }

    @Test func creditNoteKeepsItsReference() throws {
        let reference = TaxDocument.Reference(number: "IN/26-27/0000042", date: try civil("2026-11-27"))
        let document = TaxDocumentBuilder.build(
            kind: .creditNote, number: "CN/26-27/0000007", date: try civil("2027-04-02"), seller: seller,
            customerId: "C-1", orderId: "O-1", returnId: "R-9", shipToState: IndianState(code: "TN"),
            reference: reference, items: [items[0]])
        #expect(document.kind == .creditNote)
        #expect(document.reference == reference)
        #expect(document.returnId == "R-9")
        #expect(document.supply == .interState)
        #expect(document.totals.gross == Money(paise: 29_997))
        #expect(document.totals.igst == Money(paise: 4_576))
        #expect(document.amountInWords == "Rupees Two Hundred Ninety-Nine and Ninety-Seven Paise Only")
    }
}

struct InvoicingGSTINTests {
    @Test(arguments: ["29AAACB1234C1ZB", "27AAPFU0939F1ZV", "33AABCT1332L1ZL", "07AAACI1681G1ZR"])
    func valid(gstin: String) {
        #expect(GSTIN.problem(gstin) == nil)
    }

    @Test func checkCharacterComputed() {
        #expect(GSTIN.checkCharacter("29AAACB1234C1Z") == "B")
        #expect(GSTIN.checkCharacter("27AAPFU0939F1Z") == "V")
        #expect(GSTIN.checkCharacter("29AAACB1234C1") == nil)
        #expect(GSTIN.checkCharacter("29aaacb1234c1z") == nil)
    }

    @Test(arguments: [
        ("29AAACB1234C1Z", "GSTIN must be 15 characters, got 14"),
        ("29AAACB1234C1ZBX", "GSTIN must be 15 characters, got 16"),
        ("", "GSTIN must be 15 characters, got 0"),
        ("29aaacb1234c1zb", "GSTIN must be written in capitals, found 'a' at position 3"),
        ("29AAACB-1234C1Z", "GSTIN may hold only the letters A-Z and digits 0-9, found '-' at position 8"),
        ("39AAACB1234C1ZB", "GSTIN must start with a GST state code 01 to 38 (or 97, 99), got '39'"),
        ("00AAACB1234C1ZB", "GSTIN must start with a GST state code 01 to 38 (or 97, 99), got '00'"),
        ("KAAAACB1234C1ZB", "GSTIN must start with a GST state code 01 to 38 (or 97, 99), got 'KA'"),
        (
            "29AAAC11234C1ZB",
            "characters 3 to 12 of a GSTIN must be a PAN (5 letters, 4 digits, 1 letter), got 'AAAC11234C'"
        ),
        (
            "29AAACB123451ZB",
            "characters 3 to 12 of a GSTIN must be a PAN (5 letters, 4 digits, 1 letter), got 'AAACB12345'"
        ),
        (
            "29AAACB1234C0ZB",
            "13th character of a GSTIN (registration number under the PAN) must be 1-9 or A-Z, got '0'"
        ),
        ("29AAACB1234C1AB", "14th character of a GSTIN must be 'Z', got 'A'"),
        ("29AAACB1234C1ZC", "check character should be 'B', got 'C': a character is mistyped"),
        ("29AAACB1243C1ZB", "check character should be 'A', got 'B': a character is mistyped"),
    ])
    func invalid(gstin: String, problem: String) {
        #expect(GSTIN.problem(gstin) == problem)
    }

    @Test func otherTerritoryAndCentreCodesAccepted() {
        for prefix in ["97", "99", "01", "38"] {
            let first14 = prefix + "AAACB1234C1Z"
            let gstin = first14 + String(GSTIN.checkCharacter(first14)!)
            #expect(GSTIN.problem(gstin) == nil)
        }
    }

    @Test func stateCode() {
        #expect(GSTIN.stateCode("29AAACB1234C1ZB") == "29")
        #expect(GSTIN.stateCode("27AAPFU0939F1ZV") == IndianState(code: "MH")!.gstCode)
    }
}
