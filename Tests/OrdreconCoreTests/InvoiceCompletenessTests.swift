import Foundation
import OrdreconCore
import Testing

@Suite("Invoice completeness")
struct InvoiceCompletenessTests {
    static let anonymous = InvoiceBuyer()
    static let full = InvoiceBuyer(name: "Asha Rao", addressLines: ["1 MG Road"], state: "KA")

    @Test func theBuyerLineIsAtFiftyThousandRupees() {
        let below = InvoiceCompleteness.gaps(linesWithoutHSN: 0, gross: Money(paise: 4_999_999), buyer: Self.anonymous)
        #expect(below.isEmpty)
        let at = InvoiceCompleteness.gaps(linesWithoutHSN: 0, gross: Money(paise: 5_000_000), buyer: Self.anonymous)
        #expect(at == [.customerName, .billingAddress, .billingState])
        #expect(InvoiceCompleteness.gaps(linesWithoutHSN: 0, gross: Money(paise: 5_000_000), buyer: Self.full).isEmpty)
        let noState = InvoiceBuyer(name: "Asha Rao", addressLines: ["1 MG Road"])
        #expect(
            InvoiceCompleteness.gaps(linesWithoutHSN: 0, gross: Money(paise: 9_000_000), buyer: noState) == [
                .billingState
            ])
    }

    @Test func aRegisteredBuyerNeedsNoAddress() {
        let business = InvoiceBuyer(gstin: "29ABCDE1234F1ZW")
        #expect(InvoiceCompleteness.gaps(linesWithoutHSN: 0, gross: Money(paise: 90_000_000), buyer: business).isEmpty)
        #expect(
            InvoiceCompleteness.gaps(linesWithoutHSN: 2, gross: Money(paise: 90_000_000), buyer: business) == [.hsn])
    }

    @Test func aLineWithoutHSNAtAnyTotal() {
        #expect(InvoiceCompleteness.gaps(linesWithoutHSN: 1, gross: Money(paise: 100), buyer: Self.anonymous) == [.hsn])
        let all = InvoiceCompleteness.gaps(linesWithoutHSN: 1, gross: Money(paise: 5_000_000), buyer: Self.anonymous)
        #expect(InvoiceCompleteness.storedText(all) == "hsn,customer_name,billing_address,billing_state")
        #expect(InvoiceCompleteness.gaps(storedText: "hsn,customer_name,billing_address,billing_state") == all)
        #expect(InvoiceCompleteness.storedText([]) == nil)
    }

    @Test func theRuleReadsABuiltDocument() throws {
        let seller = TaxDocument.Seller(
            name: "S", addressLines: [], gstin: "29ABCDE1234F1ZW", state: try #require(IndianState(code: "KA")))
        let document = TaxDocumentBuilder.build(
            kind: .taxInvoice, number: "IN/26-27/0000001",
            date: Timestamp(milliseconds: 1_777_600_000_000).civil(in: TimeZone(identifier: "Asia/Kolkata")!),
            seller: seller, customerId: "C", orderId: "O", returnId: nil, shipToState: nil, reference: nil,
            items: [
                TaxableItem(
                    sku: "A", hsn: "6109", quantity: 1, unitPrice: Money(paise: 4_000_000), rateBasisPoints: 1800),
                TaxableItem(sku: "B", hsn: nil, quantity: 1, unitPrice: Money(paise: 1_000_000), rateBasisPoints: 1800),
            ])
        #expect(InvoiceCompleteness.gaps(of: document) == [.hsn, .customerName, .billingAddress, .billingState])
    }
}
