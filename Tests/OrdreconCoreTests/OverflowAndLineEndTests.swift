import Foundation
import OrdreconCore
import Testing

/// Partner numbers that do not fit, and CSV line ends, checked without I/O.
struct OverflowAndLineEndTests {
    func rejection(_ items: [[String: String]]) -> Rejection? {
        let raw = Fixture.raw(entity: "order", status: "PENDING_PAYMENT", extra: [.customerId: "C1"], items: items)
        if case .failure(let r) = EventValidator(feed: "storefront", zone: Fixture.zone).validate(raw) { return r }
        return nil
    }

    @Test(arguments: [
        // quantity × unit_price overflows 64 bits
        [["sku": "A", "quantity": "1000000", "unit_price": "10000000000000.00"]],
        // fits in 64 bits but passes the largest amount accepted
        [["sku": "A", "quantity": "2", "unit_price": "9000000000000.00"]],
        // each line fits, the total does not
        [
            ["sku": "A", "quantity": "1", "unit_price": "6000000000000.00"],
            ["sku": "B", "quantity": "1", "unit_price": "6000000000000.00"],
        ],
    ])
    func ordersThatDoNotFitAreInvalidValue(_ items: [[String: String]]) {
        let r = rejection(items)
        #expect(r?.code == .invalidValue)
        #expect(r?.message.contains("largest order total accepted") == true)
    }

    @Test func theLargestOrderStillFitsAndItsTaxToo() throws {
        let items = [
            ["sku": "A", "quantity": "1", "unit_price": "5000000000000.00"],
            ["sku": "B", "quantity": "1", "unit_price": "5000000000000.00"],
        ]
        #expect(rejection(items) == nil)
        let event = try Fixture.event(
            entity: "order", status: "PENDING_PAYMENT", extra: [.customerId: "C1"], items: items)
        let verdict = try Fixture.judge.judge(event, allowed: FeedPermissions(Fixture.allowAll), state: MemoryState())
        guard case .applied(.createOrder(let total), _) = verdict else {
            Issue.record("expected the order to be created, got \(verdict)")
            return
        }
        #expect(total == Money.maximum)
        let line = GSTCalculator.line(
            TaxableItem(sku: "A", hsn: nil, quantity: 1, unitPrice: Money.maximum, rateBasisPoints: 2800),
            supply: .intraState)
        #expect(line.taxable + line.cgst + line.sgst == Money.maximum)
    }

    func bareCRLine(_ text: String, chunk: Int = 1 << 20) -> Int? {
        var check = CSVLineEndCheck()
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            bytes[start..<end].withUnsafeBytes { check.feed($0) }
            start = end
        }
        check.finish()
        return check.bareCRLine
    }

    @Test(arguments: [1, 2, 3, 1 << 20])
    func bareCarriageReturnsAreFoundAcrossChunks(_ chunk: Int) {
        #expect(bareCRLine("a,b\nc,d\n", chunk: chunk) == nil)
        #expect(bareCRLine("a,b\r\nc,d\r\n", chunk: chunk) == nil)
        #expect(bareCRLine("a,b\r\nc,d\r", chunk: chunk) == nil)  // a CR at the very end ends the last line
        #expect(bareCRLine("a,b\rc,d\r", chunk: chunk) == 1)
        #expect(bareCRLine("a,b\nc,d\n\"x\ry\",z\ne,f\rg\n", chunk: chunk) == 4)  // the quoted CR is data
        #expect(bareCRLine("a,\"b\"\"\r\nc\"\rd\n", chunk: chunk) == 2)
    }
}
