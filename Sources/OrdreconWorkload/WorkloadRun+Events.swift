extension WorkloadRun {
    /// The valid events of `stage` for the current wave, in time order, with fresh event ids.
    func normalEvents(_ stage: Stage) -> [WorkloadEvent] {
        var events: [WorkloadEvent] = []
        if stage == .orders { events.reserveCapacity(plan.orders.count) }
        if stage.isReturnStage {
            for (r, ret) in plan.returns.enumerated() where ret.reaches(stage) {
                let order = plan.orders[Int(ret.order)]
                events.append(returnStageEvent(stage, ret, returnIndex: Int32(r), orderId: order.id))
            }
        } else {
            for (i, order) in plan.orders.enumerated() where order.reaches(stage) {
                events.append(orderStageEvent(stage, order, orderIndex: Int32(i)))
            }
        }
        events.sort { $0.time < $1.time || ($0.time == $1.time && $0.orderId < $1.orderId) }
        let feed = stage.feed
        for i in events.indices { events[i].eventId = freshEventId(feed) }
        return events
    }

    /// The valid event of an order's `stage` (one of the order stages), without its event id.
    func orderStageEvent(_ stage: Stage, _ order: OrderPlan, orderIndex: Int32) -> WorkloadEvent {
        switch stage {
        case .orders:
            var e = event(stage, order, orderIndex, "PENDING_PAYMENT", order.created, [70, 15, 15])
            e.customerId = order.customerId
            if rng.chance(0.9) { e.shipToState = order.shipTo }
            if rng.chance(0.2) { e.currency = "INR" }
            if rng.chance(0.4) { e.actor = rng.pick(Catalog.storefrontActors) }
            e.items = order.items
            addInvoiceFields(to: &e, order)
            return e
        case .payments:
            var e = event(stage, order, orderIndex, "PAID", order.paid, [20, 70, 10])
            e.amount = order.total
            e.paymentRef = order.paymentRef
            if rng.chance(0.5) { e.currency = "INR" }
            if rng.chance(0.5) { e.actor = rng.pick(Catalog.paymentActors) }
            return e
        case .cancellations:
            var e = event(stage, order, orderIndex, "CANCELLED", order.cancelled, [70, 15, 15])
            e.reason = order.cancelReason
            if rng.chance(0.5) { e.actor = rng.pick(Catalog.storefrontActors) }
            return e
        case .picking:
            var e = event(stage, order, orderIndex, "PROCESSING_IN_WAREHOUSE", order.processing, [30, 10, 60])
            if rng.chance(0.6) { e.actor = rng.pick(Catalog.warehouseActors) }
            return e
        case .dispatch:
            var e = event(stage, order, orderIndex, "SHIPPED", order.shipped, [30, 10, 60])
            e.carrier = Catalog.carriers[order.carrier].name
            e.trackingNumber = order.tracking
            if rng.chance(0.6) { e.actor = rng.pick(Catalog.warehouseActors) }
            return e
        default:
            // .deliveries (return stages never come here)
            var e = event(
                stage, order, orderIndex, rng.chance(0.25) ? "delivered" : "DELIVERED", order.delivered, [40, 40, 20])
            if rng.chance(0.05) { e.entity = "Order" }
            if rng.chance(0.5) { e.carrier = Catalog.carriers[order.carrier].name }
            if rng.chance(0.2) { e.actor = rng.pick(Catalog.carrierActors) }
            return e
        }
    }

    /// The valid event of a return's `stage` (one of the return stages), without its event id.
    func returnStageEvent(_ stage: Stage, _ ret: ReturnPlan, returnIndex: Int32, orderId: String) -> WorkloadEvent {
        switch stage {
        case .returnRequests:
            var e = returnEvent(stage, ret, returnIndex, orderId, "REQUESTED", ret.requested, [70, 15, 15])
            e.items = ret.items
            e.reason = ret.reason
            if rng.chance(0.4) { e.actor = rng.pick(Catalog.storefrontActors) }
            return e
        case .returnDecisions:
            let rejected = ret.fate == .rejected
            var e = returnEvent(
                stage, ret, returnIndex, orderId, rejected ? "REJECTED" : "APPROVED", ret.decided, [60, 20, 20])
            e.reason = ret.rejectReason
            if rng.chance(0.7) { e.actor = rng.pick(Catalog.deskActors) }
            return e
        case .returnPickups:
            var e = returnEvent(
                stage, ret, returnIndex, orderId, rng.chance(0.25) ? "in_transit" : "IN_TRANSIT", ret.inTransit,
                [40, 40, 20])
            e.carrier = Catalog.carriers[ret.carrier].name
            e.trackingNumber = ret.tracking
            return e
        case .returnReceipts:
            var e = returnEvent(stage, ret, returnIndex, orderId, "RECEIVED", ret.received, [30, 10, 60])
            if rng.chance(0.6) { e.actor = rng.pick(Catalog.warehouseActors) }
            return e
        default:
            // .returnRefunds (order stages never come here)
            var e = returnEvent(stage, ret, returnIndex, orderId, "COMPLETED", ret.completed, [60, 20, 20])
            if rng.chance(0.7) { e.actor = rng.pick(Catalog.deskActors) }
            return e
        }
    }

    /// The buyer's invoice fields and the items' descriptions, drawn from the order's buyer seed
    /// (most items carry their product's name; those the catalog lacks always do).
    private func addInvoiceFields(to e: inout WorkloadEvent, _ order: OrderPlan) {
        var (fields, buyerRng) = Buyers.fields(order.buyer, shipTo: order.shipTo)
        e.customerName = fields.name
        e.billingAddress = fields.address
        e.billingState = fields.state
        e.customerGstin = fields.gstin
        for k in e.items.indices {
            guard let product = Catalog.productBySku[e.items[k].sku] else { continue }
            if !product.listed || buyerRng.chance(0.9) { e.items[k].productName = product.name }
        }
    }

    /// The next unused event id of `feed`.
    func freshEventId(_ feed: Feed) -> String {
        eventCounters[feed.rawValue] += 1
        return feed.eventId(eventCounters[feed.rawValue])
    }

    /// A time style drawn with the given weights (India offset, UTC, no offset).
    func timeStyle(_ weights: [Int]) -> TimeStyle {
        TimeStyle(rawValue: UInt8(rng.weighted(weights)))!
    }

    private func event(
        _ stage: Stage, _ order: OrderPlan, _ index: Int32, _ status: String, _ time: Int64, _ styles: [Int]
    ) -> WorkloadEvent {
        var e = WorkloadEvent(
            feed: stage.feed, eventId: "", entity: "order", orderId: order.id, status: status,
            time: time, timeStyle: timeStyle(styles))
        e.planOrder = index
        return e
    }

    private func returnEvent(
        _ stage: Stage, _ ret: ReturnPlan, _ index: Int32, _ orderId: String, _ status: String, _ time: Int64,
        _ styles: [Int]
    ) -> WorkloadEvent {
        var e = WorkloadEvent(
            feed: stage.feed, eventId: "", entity: "return", orderId: orderId, status: status,
            time: time, timeStyle: timeStyle(styles))
        e.returnId = ret.id
        e.planOrder = ret.order
        e.planReturn = index
        return e
    }
}

extension OrderPlan {
    /// Whether the order has an event of `stage` (an order stage).
    func reaches(_ stage: Stage) -> Bool {
        switch stage {
        case .orders: true
        case .payments: fate.isPaid
        case .cancellations: fate.isCancelled
        case .picking: fate.reachesProcessing
        case .dispatch: fate.reachesShipped
        case .deliveries: fate == .delivered
        default: false
        }
    }

    /// The time of the order's `stage` event.
    func time(of stage: Stage) -> Int64 {
        switch stage {
        case .orders: created
        case .payments: paid
        case .cancellations: cancelled
        case .picking: processing
        case .dispatch: shipped
        default: delivered
        }
    }
}

extension ReturnPlan {
    /// Whether the return has an event of `stage` (a return stage).
    func reaches(_ stage: Stage) -> Bool {
        switch stage {
        case .returnRequests: true
        case .returnDecisions: fate.isDecided
        case .returnPickups: fate.reachesInTransit
        case .returnReceipts: fate.reachesReceived
        case .returnRefunds: fate == .completed
        default: false
        }
    }

    /// The time of the return's `stage` event.
    func time(of stage: Stage) -> Int64 {
        switch stage {
        case .returnRequests: requested
        case .returnDecisions: decided
        case .returnPickups: inTransit
        case .returnReceipts: received
        default: completed
        }
    }
}

extension Stage {
    /// Whether the stage's events are about returns.
    var isReturnStage: Bool { rawValue >= Stage.returnRequests.rawValue }
}
