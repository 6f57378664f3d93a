import OrdreconCore

/// Chooses each order's buyer when the order is planned, and makes the few large orders.
///
/// Invoices of ₹50,000 or more need the buyer's name, address and state (or a GSTIN): most
/// orders stay far below that, so about one in 125 is made a bulk order above it, about half of
/// them without those fields (incomplete invoices, like the ones without an HSN code).
enum BuyerPlanner {
    /// The share of orders made bulk orders of ₹50,000 or more.
    static let bulkShare = 0.008
    /// ₹50,000 in paise: from this order total on, the invoice must name an unregistered buyer.
    static let namedBuyerThreshold: Int64 = 5_000_000

    /// What an opening order of the workload must be, so that even a small workload has every
    /// kind of invoice: order 8 holds a product the catalog lacks, 9 is a bulk order of a guest
    /// (incomplete), 10 a business's, 11 a named consumer's bulk order, 12 has a Greek or Cyrillic
    /// name and a two-line address, 13 is a bulk order with a name only (incomplete). Nil for
    /// other orders.
    static func opening(_ number: Int) -> (kind: BuyerKind, bulk: Bool, unlisted: Bool, showcase: Bool)? {
        switch number {
        case 8: (.consumer, false, true, false)
        case 9: (.guest, true, false, false)
        case 10: (.business, false, false, false)
        case 11: (.consumer, true, false, false)
        case 12: (.consumer, false, false, true)
        case 13: (.nameOnly, true, false, false)
        default: nil
        }
    }

    /// The buyer's kind: a few percent are businesses with a GSTIN, a few guests leave everything
    /// out; bulk orders come more often from businesses and guests.
    static func kind(bulk: Bool, _ rng: inout SplitMix64) -> BuyerKind {
        BuyerKind(rawValue: UInt8(rng.weighted(bulk ? [45, 10, 25, 20] : [5, 4, 88, 3])))!
    }

    /// An expensive listed product (₹8,000 or more) not among `chosen`.
    static func bulkProduct(besides chosen: [Int], _ rng: inout SplitMix64) -> Int {
        let candidates = expensive.filter { !chosen.contains($0) }
        return rng.pick(candidates)
    }

    /// Raises the quantity of the last item (the bulk product) until the order reaches
    /// ₹50,000, plus up to two more units.
    static func makeBulk(_ items: inout [EventItem], _ rng: inout SplitMix64) {
        var others: Int64 = 0
        for item in items.dropLast() { others += item.unitPrice! * Int64(item.quantity) }
        let price = items[items.count - 1].unitPrice!
        let missing = max(0, namedBuyerThreshold - others)
        items[items.count - 1].quantity = max(1, Int((missing + price - 1) / price)) + rng.int(0...2)
    }

    private static let expensive: [Int] = Catalog.products.indices.filter {
        Catalog.products[$0].listed && Catalog.products[$0].price >= 800_000
    }
}
