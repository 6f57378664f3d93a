import OrdreconCore

/// How far an order gets.
enum OrderFate: Int, Sendable {
    case abandoned, cancelledUnpaid, stopPaid, cancelledPaid, stopProcessing, stopShipped, delivered

    var isPaid: Bool { self != .abandoned && self != .cancelledUnpaid }
    var isCancelled: Bool { self == .cancelledUnpaid || self == .cancelledPaid }
    var reachesProcessing: Bool { self == .stopProcessing || self == .stopShipped || self == .delivered }
    var reachesShipped: Bool { self == .stopShipped || self == .delivered }
}

/// How far a return gets.
enum ReturnFate: Int, Sendable {
    case stopRequested, rejected, stopApproved, stopInTransit, stopReceived, completed

    var isDecided: Bool { self != .stopRequested }
    var reachesInTransit: Bool { self == .stopInTransit || self == .stopReceived || self == .completed }
    var reachesReceived: Bool { self == .stopReceived || self == .completed }
}

/// One order of a wave and everything that will happen to it.
struct OrderPlan: Sendable {
    var id: String
    var customerId: String
    var shipTo: String
    var items: [EventItem]
    var total: Int64
    var fate: OrderFate
    var created: Int64
    var paid: Int64 = 0
    var cancelled: Int64 = 0
    var processing: Int64 = 0
    var shipped: Int64 = 0
    var delivered: Int64 = 0
    var paymentRef: String
    var carrier: Int
    var tracking: String
    var cancelReason: String?
    var returns: [Int32] = []
    var buyer: BuyerPlan
}

/// One return of a wave and everything that will happen to it.
struct ReturnPlan: Sendable {
    var id: String
    var order: Int32
    var items: [EventItem]
    var fate: ReturnFate
    var requested: Int64
    var decided: Int64 = 0
    var inTransit: Int64 = 0
    var received: Int64 = 0
    var completed: Int64 = 0
    var reason: String?
    var rejectReason: String?
    var carrier: Int
    var tracking: String
}

/// The orders and returns of one wave.
struct WavePlan: Sendable {
    var wave: Int
    var orders: [OrderPlan]
    var returns: [ReturnPlan]
}

/// How long each step of an order's or a return's life takes after the step before it
/// (seconds, drawn uniformly from each range).
struct LifecycleTiming: Sendable {
    var pay: ClosedRange<Int64>
    var cancelUnpaid: ClosedRange<Int64>
    var cancelPaid: ClosedRange<Int64>
    var pick: ClosedRange<Int64>
    var ship: ClosedRange<Int64>
    var deliver: ClosedRange<Int64>
    /// The first return's request after the delivery.
    var firstRequest: ClosedRange<Int64>
    /// Each further return's request after the one before.
    var nextRequest: ClosedRange<Int64>
    var decide: ClosedRange<Int64>
    var pickUp: ClosedRange<Int64>
    var receive: ClosedRange<Int64>
    var complete: ClosedRange<Int64>

    private static let minute: Int64 = 60
    private static let hour: Int64 = 3600
    private static let day: Int64 = 86_400

    /// The waves workload's times (each wave is written stage by stage, so only their order matters).
    static let waves = LifecycleTiming(
        pay: 30...90 * minute, cancelUnpaid: 10 * minute...2 * day, cancelPaid: 5 * minute...20 * hour,
        pick: 20 * minute...30 * hour, ship: hour...2 * day, deliver: 10 * hour...6 * day,
        firstRequest: 2 * hour...20 * day, nextRequest: hour...5 * day,
        decide: 30 * minute...2 * day, pickUp: 4 * hour...3 * day, receive: day...5 * day, complete: hour...3 * day)

    /// A shop's real pace: paid minutes after the order, packed within 2 days, shipped 1–3 days
    /// later, delivered 2–7 days after shipping; returns requested 1–21 days after the delivery
    /// (a further one up to 5 days after the one before, so every request stays inside the 30-day
    /// window), each later step of a return 1–5 days after the one before.
    static let spread = LifecycleTiming(
        pay: minute...90 * minute, cancelUnpaid: 10 * minute...2 * day, cancelPaid: 5 * minute...20 * hour,
        pick: 10 * minute...2 * day, ship: day...3 * day, deliver: 2 * day...7 * day,
        firstRequest: day...21 * day, nextRequest: hour...5 * day,
        decide: day...5 * day, pickUp: day...5 * day, receive: day...5 * day, complete: day...5 * day)
}

/// Draws the life of every order of a wave.
enum WavePlanner {
    static let minute: Int64 = 60
    static let hour: Int64 = 3600
    static let day: Int64 = 86_400

    /// Fates of the first orders of the first wave, so that every path exists in small workloads.
    private static let template: [(OrderFate, [ReturnFate])] = [
        (.delivered, [.completed, .rejected]), (.cancelledUnpaid, []), (.cancelledPaid, []),
        (.abandoned, []), (.stopPaid, []), (.stopProcessing, []), (.stopShipped, []),
        (.delivered, [.stopRequested]), (.delivered, [.stopApproved]), (.delivered, [.stopInTransit]),
        (.delivered, [.stopReceived]), (.delivered, [.completed, .completed]), (.delivered, [.rejected]),
    ]

    /// Plans `count` orders numbered from `firstOrder`, placed from `start` (seconds) on.
    static func plan(
        wave: Int, firstOrder: Int, count: Int, start: Int64,
        nextReturnNumber: inout Int, rng: inout SplitMix64
    ) -> WavePlan {
        var orders: [OrderPlan] = []
        orders.reserveCapacity(count)
        var returns: [ReturnPlan] = []
        var clock = start
        for index in 0..<count {
            clock += Int64(rng.int(2...30))
            let templated: (OrderFate, [ReturnFate])? = wave == 0 && index < template.count ? template[index] : nil
            var (order, orderReturns) = planOrder(
                number: firstOrder + index, created: clock, templated: templated, timing: .waves,
                nextReturnNumber: &nextReturnNumber, rng: &rng)
            for var plan in orderReturns {
                plan.order = Int32(index)
                order.returns.append(Int32(returns.count))
                returns.append(plan)
            }
            orders.append(order)
        }
        return WavePlan(wave: wave, orders: orders, returns: returns)
    }

    /// The fates of the `index`th order of the workload when it is one of the opening orders
    /// that cover every path, else nil.
    static func templateFate(_ index: Int) -> (OrderFate, [ReturnFate])? {
        index < template.count ? template[index] : nil
    }

    /// Plans order number `number`, placed at `created`: its items, fate and the times of its
    /// steps (drawn with `timing`), and its returns (whose `order` is left 0 and whose indices are
    /// not in the order's `returns`).
    static func planOrder(
        number: Int, created clock: Int64, templated: (OrderFate, [ReturnFate])?, timing: LifecycleTiming,
        nextReturnNumber: inout Int, rng: inout SplitMix64
    ) -> (OrderPlan, [ReturnPlan]) {
        let products = Catalog.products
        // Items: 1–4 distinct products, quantities 1–3.
        let itemCount = 1 + rng.weighted([50, 30, 14, 6])
        var chosen: [Int] = []
        while chosen.count < itemCount {
            let p = rng.int(0...(products.count - 1))
            if !chosen.contains(p) { chosen.append(p) }
        }
        // The buyer: drawn from a seed of its own (the texts are drawn from it again when the
        // order's first event is written).
        let buyerSeed = rng.next()
        var buyerRng = SplitMix64(seed: buyerSeed ^ 0x6275_7965_7250_6C61)
        let opening = BuyerPlanner.opening(number)
        let bulk = opening?.bulk ?? buyerRng.chance(BuyerPlanner.bulkShare)
        if opening?.unlisted == true, !chosen.contains(where: { !products[$0].listed }) {
            chosen[0] = Catalog.unlistedProducts.sorted()[number % Catalog.unlistedProducts.count]
        }
        if bulk { chosen.append(BuyerPlanner.bulkProduct(besides: chosen, &buyerRng)) }
        let taxMode = rng.weighted([40, 45, 15])
        var items: [EventItem] = []
        var total: Int64 = 0
        for p in chosen {
            let product = products[p]
            let quantity = 1 + rng.weighted([70, 22, 8])
            let withTax = taxMode == 1 || (taxMode == 2 && rng.chance(0.5))
            // A product the catalog lacks never carries its HSN code either.
            items.append(
                EventItem(
                    sku: product.sku, quantity: quantity, unitPrice: product.price,
                    hsn: withTax && product.listed ? product.hsn : nil, gstRate: withTax ? product.gstRate : nil))
        }
        if let templated, templated.1.count > 1, items.count == 1, items[0].quantity < 2 {
            items[0].quantity = 2
        }
        if bulk { BuyerPlanner.makeBulk(&items, &buyerRng) }
        for item in items { total += item.unitPrice! * Int64(item.quantity) }
        let buyer = BuyerPlan(
            kind: opening?.kind ?? BuyerPlanner.kind(bulk: bulk, &buyerRng), seed: buyerSeed,
            showcase: opening?.showcase ?? false)

        let fate = templated?.0 ?? OrderFate(rawValue: rng.weighted([3, 4, 1, 3, 2, 2, 85]))!
        let carrier = rng.int(0...(Catalog.carriers.count - 1))
        var order = OrderPlan(
            id: "ORD-" + zeroPadded(number, 7),
            customerId: String(rng.int(100_001...999_999)),
            shipTo: rng.pick(Catalog.states),
            items: items, total: total, fate: fate, created: clock,
            paymentRef: Catalog.paymentRef(&rng),
            carrier: carrier, tracking: Catalog.trackingNumber(carrier: carrier, &rng), buyer: buyer)

        if fate == .cancelledUnpaid {
            order.cancelled = clock + rng.int64(timing.cancelUnpaid)
        }
        if fate.isPaid {
            order.paid = clock + rng.int64(timing.pay)
        }
        if fate == .cancelledPaid {
            order.cancelled = order.paid + rng.int64(timing.cancelPaid)
        }
        if fate.isCancelled { order.cancelReason = rng.pick(Catalog.cancelReasons) }
        if fate.reachesProcessing {
            order.processing = order.paid + rng.int64(timing.pick)
        }
        if fate.reachesShipped {
            order.shipped = order.processing + rng.int64(timing.ship)
        }
        if fate == .delivered {
            order.delivered = order.shipped + rng.int64(timing.deliver)
        }

        var returns: [ReturnPlan] = []
        if fate == .delivered {
            var fates: [ReturnFate] = templated?.1 ?? []
            if templated == nil, rng.chance(0.20) {
                fates.append(randomReturnFate(&rng))
                if rng.chance(0.15) { fates.append(randomReturnFate(&rng)) }
            }
            var remaining = items.map(\.quantity)
            var previousRequest = order.delivered
            for (n, returnFate) in fates.enumerated() {
                let available = remaining.indices.filter { remaining[$0] > 0 }
                if available.isEmpty { break }
                var picked = available
                rng.shuffle(&picked)
                picked = Array(picked.prefix(1 + rng.weighted([70, 20, 10])))
                picked.sort()
                var returnItems: [EventItem] = []
                for i in picked {
                    let quantity = rng.int(1...remaining[i])
                    remaining[i] -= quantity
                    returnItems.append(EventItem(sku: items[i].sku, quantity: quantity))
                }
                let requested =
                    n == 0
                    ? order.delivered + rng.int64(timing.firstRequest)
                    : previousRequest + rng.int64(timing.nextRequest)
                previousRequest = requested
                let returnCarrier = rng.int(0...(Catalog.carriers.count - 1))
                var plan = ReturnPlan(
                    id: "RET-" + zeroPadded(nextReturnNumber, 7), order: 0,
                    items: returnItems, fate: returnFate, requested: requested,
                    reason: rng.chance(0.6) ? rng.pick(Catalog.returnReasons) : nil,
                    carrier: returnCarrier, tracking: Catalog.trackingNumber(carrier: returnCarrier, &rng))
                nextReturnNumber += 1
                if returnFate.isDecided { plan.decided = requested + rng.int64(timing.decide) }
                if returnFate == .rejected { plan.rejectReason = rng.pick(Catalog.rejectReasons) }
                if returnFate.reachesInTransit { plan.inTransit = plan.decided + rng.int64(timing.pickUp) }
                if returnFate.reachesReceived { plan.received = plan.inTransit + rng.int64(timing.receive) }
                if returnFate == .completed { plan.completed = plan.received + rng.int64(timing.complete) }
                returns.append(plan)
            }
        }
        return (order, returns)
    }

    private static func randomReturnFate(_ rng: inout SplitMix64) -> ReturnFate {
        ReturnFate(rawValue: rng.weighted([3, 12, 2, 2, 2, 79]))!
    }
}
