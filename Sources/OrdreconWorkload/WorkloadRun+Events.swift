extension WorkloadRun {
    /// The valid events of `stage` for the current wave, in time order, with fresh event ids.
    func normalEvents(_ stage: Stage) -> [WorkloadEvent] {
        var events: [WorkloadEvent] = []
        switch stage {
        case .orders:
            events.reserveCapacity(plan.orders.count)
            for (i, order) in plan.orders.enumerated() {
                var e = event(stage, i, "order", "PENDING_PAYMENT", order.created, [70, 15, 15])
                e.customerId = order.customerId
                if rng.chance(0.9) { e.shipToState = order.shipTo }
                if rng.chance(0.2) { e.currency = "INR" }
                if rng.chance(0.4) { e.actor = rng.pick(Catalog.storefrontActors) }
                e.items = order.items
                events.append(e)
            }
        case .payments:
            for (i, order) in plan.orders.enumerated() where order.fate.isPaid {
                var e = event(stage, i, "order", "PAID", order.paid, [20, 70, 10])
                e.amount = order.total
                e.paymentRef = order.paymentRef
                if rng.chance(0.5) { e.currency = "INR" }
                if rng.chance(0.5) { e.actor = rng.pick(Catalog.paymentActors) }
                events.append(e)
            }
        case .cancellations:
            for (i, order) in plan.orders.enumerated() where order.fate.isCancelled {
                var e = event(stage, i, "order", "CANCELLED", order.cancelled, [70, 15, 15])
                e.reason = order.cancelReason
                if rng.chance(0.5) { e.actor = rng.pick(Catalog.storefrontActors) }
                events.append(e)
            }
        case .picking:
            for (i, order) in plan.orders.enumerated() where order.fate.reachesProcessing {
                var e = event(stage, i, "order", "PROCESSING_IN_WAREHOUSE", order.processing, [30, 10, 60])
                if rng.chance(0.6) { e.actor = rng.pick(Catalog.warehouseActors) }
                events.append(e)
            }
        case .dispatch:
            for (i, order) in plan.orders.enumerated() where order.fate.reachesShipped {
                var e = event(stage, i, "order", "SHIPPED", order.shipped, [30, 10, 60])
                e.carrier = Catalog.carriers[order.carrier].name
                e.trackingNumber = order.tracking
                if rng.chance(0.6) { e.actor = rng.pick(Catalog.warehouseActors) }
                events.append(e)
            }
        case .deliveries:
            for (i, order) in plan.orders.enumerated() where order.fate == .delivered {
                var e = event(
                    stage, i, "order", rng.chance(0.25) ? "delivered" : "DELIVERED", order.delivered, [40, 40, 20])
                if rng.chance(0.05) { e.entity = "Order" }
                if rng.chance(0.5) { e.carrier = Catalog.carriers[order.carrier].name }
                if rng.chance(0.2) { e.actor = rng.pick(Catalog.carrierActors) }
                events.append(e)
            }
        case .returnRequests:
            for (r, ret) in plan.returns.enumerated() {
                var e = returnEvent(stage, r, "REQUESTED", ret.requested, [70, 15, 15])
                e.items = ret.items
                e.reason = ret.reason
                if rng.chance(0.4) { e.actor = rng.pick(Catalog.storefrontActors) }
                events.append(e)
            }
        case .returnDecisions:
            for (r, ret) in plan.returns.enumerated() where ret.fate.isDecided {
                let rejected = ret.fate == .rejected
                var e = returnEvent(stage, r, rejected ? "REJECTED" : "APPROVED", ret.decided, [60, 20, 20])
                e.reason = ret.rejectReason
                if rng.chance(0.7) { e.actor = rng.pick(Catalog.deskActors) }
                events.append(e)
            }
        case .returnPickups:
            for (r, ret) in plan.returns.enumerated() where ret.fate.reachesInTransit {
                var e = returnEvent(
                    stage, r, rng.chance(0.25) ? "in_transit" : "IN_TRANSIT", ret.inTransit, [40, 40, 20])
                e.carrier = Catalog.carriers[ret.carrier].name
                e.trackingNumber = ret.tracking
                events.append(e)
            }
        case .returnReceipts:
            for (r, ret) in plan.returns.enumerated() where ret.fate.reachesReceived {
                var e = returnEvent(stage, r, "RECEIVED", ret.received, [30, 10, 60])
                if rng.chance(0.6) { e.actor = rng.pick(Catalog.warehouseActors) }
                events.append(e)
            }
        case .returnRefunds:
            for (r, ret) in plan.returns.enumerated() where ret.fate == .completed {
                var e = returnEvent(stage, r, "COMPLETED", ret.completed, [60, 20, 20])
                if rng.chance(0.7) { e.actor = rng.pick(Catalog.deskActors) }
                events.append(e)
            }
        }
        events.sort { $0.time < $1.time || ($0.time == $1.time && $0.orderId < $1.orderId) }
        let feed = stage.feed
        for i in events.indices { events[i].eventId = freshEventId(feed) }
        return events
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

    private func event(_ stage: Stage, _ order: Int, _ entity: String, _ status: String, _ time: Int64, _ styles: [Int])
        -> WorkloadEvent
    {
        var e = WorkloadEvent(
            feed: stage.feed, eventId: "", entity: entity, orderId: plan.orders[order].id, status: status,
            time: time, timeStyle: timeStyle(styles))
        e.planOrder = Int32(order)
        return e
    }

    private func returnEvent(_ stage: Stage, _ r: Int, _ status: String, _ time: Int64, _ styles: [Int])
        -> WorkloadEvent
    {
        let ret = plan.returns[r]
        var e = WorkloadEvent(
            feed: stage.feed, eventId: "", entity: "return", orderId: plan.orders[Int(ret.order)].id, status: status,
            time: time, timeStyle: timeStyle(styles))
        e.returnId = ret.id
        e.planOrder = ret.order
        e.planReturn = Int32(r)
        return e
    }
}
