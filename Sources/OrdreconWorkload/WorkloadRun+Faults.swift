extension WorkloadRun {
    static let beforeRate = 0.012
    static let afterRate = 0.013
    static let minute: Int64 = 60
    static let hour: Int64 = 3600
    static let day: Int64 = 86_400

    /// A fault to write just before `host` (which comes one event later), or nil.
    func faultBefore(_ host: WorkloadEvent, stage: Stage, format: FileFormat) -> WorkloadEvent? {
        if let index = forced.firstIndex(where: { $0.isBefore }) {
            for (n, kind) in forced[index...].enumerated() where kind.isBefore {
                if let fault = makeBefore(kind, host: host, stage: stage, format: format) {
                    forced.remove(at: index + n)
                    return fault
                }
            }
        }
        guard rng.chance(WorkloadRun.beforeRate) else { return nil }
        let kinds = WorkloadRun.beforeKinds
        let start = rng.int(0...(kinds.count - 1))
        for n in 0..<kinds.count {
            if let fault = makeBefore(kinds[(start + n) % kinds.count], host: host, stage: stage, format: format) {
                return fault
            }
        }
        return nil
    }

    /// A fault to write after `host`, and whether it goes to the feed's next file, or nil.
    func faultAfter(_ host: WorkloadEvent, stage: Stage, format: FileFormat) -> (WorkloadEvent, nextFile: Bool)? {
        if let index = forced.firstIndex(where: { !$0.isBefore }) {
            for (n, kind) in forced[index...].enumerated() where !kind.isBefore {
                if let fault = makeAfter(kind, host: host, stage: stage) {
                    forced.remove(at: index + n)
                    return fault
                }
            }
        }
        guard rng.chance(WorkloadRun.afterRate) else { return nil }
        let kinds = WorkloadRun.afterKinds
        let start = rng.int(0...(kinds.count - 1))
        for n in 0..<kinds.count {
            if let fault = makeAfter(kinds[(start + n) % kinds.count], host: host, stage: stage) { return fault }
        }
        return nil
    }

    private static let beforeKinds = FaultKind.allCases.filter(\.isBefore)
    private static let afterKinds = FaultKind.allCases.filter { !$0.isBefore }

    // MARK: - Before the host

    private func makeBefore(_ kind: FaultKind, host: WorkloadEvent, stage: Stage, format: FileFormat) -> WorkloadEvent?
    {
        var e = host
        e.fault = kind
        e.intended = kind.expected
        let status = host.status.uppercased()
        let isPaid = status == "PAID"
        let isPending = status == "PENDING_PAYMENT"
        let isRequested = status == "REQUESTED"
        switch kind {
        case .csvBadQuote:
            guard format == .csv, host.items.isEmpty else { return nil }
            e.renderFault = .csvBadQuote
            if e.reason != nil { e.reason = rng.pick(Catalog.plainReasons) }
        case .csvWrongFieldCount:
            guard format == .csv, host.items.isEmpty else { return nil }
            e.renderFault = rng.chance(0.5) ? .csvExtraField : .csvMissingField
        case .csvConflictingContinuation:
            guard format == .csv, !host.items.isEmpty else { return nil }
            if e.items.count < 2 {
                var extra = e.items[0]
                extra.sku = otherSku(than: plan.orders[Int(host.planOrder)].items)
                e.items.append(extra)
            }
            e.renderFault = .csvConflictingContinuation
        case .jsonlNotJSON:
            guard format == .jsonl else { return nil }
            e.renderFault = .jsonlNotJSON
        case .jsonWrongType:
            guard format != .csv else { return nil }
            e.renderFault = .jsonWrongType
        case .missingPaymentRef:
            guard isPaid else { return nil }
            e.paymentRef = nil
        case .missingReason:
            guard status == "CANCELLED" || status == "REJECTED" else { return nil }
            e.reason = nil
        case .missingOther:
            if host.entity == "return", rng.chance(0.5) {
                e.returnId = nil
            } else if isPending, rng.chance(0.5) {
                if rng.chance(0.5) { e.customerId = nil } else { e.items[0].unitPrice = nil }
            } else {
                e.timeText = ""
            }
        case .unknownStatus:
            e.status = rng.pick(Catalog.unknownStatuses)
        case .unknownEntity:
            e.entity = rng.pick(Catalog.unknownEntities)
        case .badTime:
            e.timeText = rng.pick(Catalog.badTimes)
        case .moneyTooPrecise, .moneyNegative, .moneyExponent:
            if isPaid {
                let text = rupees(host.amount!)
                e.amountText =
                    kind == .moneyTooPrecise
                    ? text + "5" : kind == .moneyNegative ? "-" + text : exponentForm(host.amount!)
            } else if isPending {
                let text = rupees(host.items[0].unitPrice!)
                e.items[0].unitPriceText = kind == .moneyTooPrecise ? text + "5" : kind == .moneyNegative ? "-5" : "1e3"
            } else {
                return nil
            }
        case .zeroQuantity:
            guard !host.items.isEmpty else { return nil }
            e.items[0].quantityText = "0"
        case .foreignCurrency:
            guard isPaid || isPending else { return nil }
            e.currency = "USD"
        case .repeatedSku:
            guard !host.items.isEmpty else { return nil }
            e.items.append(e.items[0])
        case .returnOfOtherOrder:
            guard host.entity == "return", !isRequested, plan.orders.count > 1 else { return nil }
            var other = rng.int(0...(plan.orders.count - 1))
            if other == Int(host.planOrder) { other = (other + 1) % plan.orders.count }
            e.orderId = plan.orders[other].id
        case .outOfOrder:
            let reference: Int64?
            if host.entity == "return" {
                reference =
                    isRequested ? oracle.orders[host.orderId]?.deliveredAt : oracle.returns[host.returnId!]?.lastTime
            } else {
                reference = isPending ? nil : oracle.orders[host.orderId]?.lastTime
            }
            guard let reference else { return nil }
            e.time = reference - rng.int64(10 * WorkloadRun.minute...2 * WorkloadRun.day)
        case .amountMismatch:
            guard isPaid else { return nil }
            let delta: Int64 = rng.pick([4_900, 9_900, -100, 1, 50_000])
            e.amount = host.amount! + delta >= 0 ? host.amount! + delta : host.amount! + 4_900
        case .unknownSku:
            guard isRequested else { return nil }
            e.items[0].sku = otherSku(than: plan.orders[Int(host.planOrder)].items)
        case .quantityExceeded:
            guard isRequested else { return nil }
            e.items[0].quantity =
                oracle.returnable(sku: host.items[0].sku, orderId: host.orderId, excluding: host.returnId) + 1
        case .returnWindowClosed:
            guard isRequested, let delivered = oracle.orders[host.orderId]?.deliveredAt else { return nil }
            e.time = delivered + oracle.windowSeconds + rng.int64(WorkloadRun.hour...10 * WorkloadRun.day)
        case .prematureCompletion:
            guard status == "APPROVED" else { return nil }
            e.eventId = freshEventId(host.feed)
            e.status = "COMPLETED"
            e.reason = nil
        default:
            return nil
        }
        return e
    }

    // MARK: - After the host

    private func makeAfter(_ kind: FaultKind, host: WorkloadEvent, stage: Stage) -> (WorkloadEvent, nextFile: Bool)? {
        var e = host
        e.fault = kind
        e.intended = kind.expected
        let status = host.status.uppercased()
        let later = host.time + rng.int64(WorkloadRun.minute...2 * WorkloadRun.hour)
        var nextFile = false
        switch kind {
        case .resendSameFile:
            break
        case .resendOtherFile:
            nextFile = true
        case .eventIdConflict:
            if status == "PAID" {
                e.paymentRef = Catalog.paymentRef(&rng)
            } else if host.trackingNumber != nil {
                e.trackingNumber = Catalog.trackingNumber(carrier: rng.int(0...5), &rng)
            } else {
                e.time = later
            }
            nextFile = rng.chance(0.5)
        case .statusRepeat:
            guard !host.isCreating else { return nil }
            e.eventId = freshEventId(host.feed)
            e.time = later
        case .orderExists:
            guard status == "PENDING_PAYMENT" else { return nil }
            e.eventId = freshEventId(host.feed)
            e.time = later
        case .returnExists:
            guard status == "REQUESTED" else { return nil }
            e.eventId = freshEventId(host.feed)
            e.time = later
        case .feedNotAllowed:
            guard let fault = forbiddenEvent(host, stage: stage, time: later) else { return nil }
            e = fault
        case .unknownOrder:
            guard status != "PENDING_PAYMENT" else { return nil }
            e.eventId = freshEventId(host.feed)
            unknownOrders += 1
            e.orderId = "ORD-" + String(90_000_000 + unknownOrders)
            if host.entity == "return" { e.returnId = freshReturnId() }
        case .unknownReturn:
            guard host.entity == "return", status != "REQUESTED" else { return nil }
            e.eventId = freshEventId(host.feed)
            e.returnId = freshReturnId()
        case .invalidTransitionOrder:
            guard let fault = forbiddenOrderTransition(stage, time: later) else { return nil }
            e = fault
        case .invalidTransitionReturn:
            guard let fault = forbiddenReturnTransition(stage, time: later) else { return nil }
            e = fault
        case .orderNotDelivered:
            guard stage == .returnRequests,
                let target = pickOrder(where: { $0.fate != .delivered })
            else { return nil }
            let order = plan.orders[target]
            e = blank(host.feed, "return", order.id, "REQUESTED", later)
            e.returnId = freshReturnId()
            e.items = [EventItem(sku: order.items[0].sku, quantity: 1)]
            e.reason = rng.pick(Catalog.returnReasons)
        default:
            return nil
        }
        e.fault = kind
        e.intended = kind.expected
        return (e, nextFile)
    }

    /// An event the host's feed may not send (default allow lists).
    private func forbiddenEvent(_ host: WorkloadEvent, stage: Stage, time: Int64) -> WorkloadEvent? {
        let order = plan.orders[Int(host.planOrder)]
        switch stage.feed {
        case .carrier:
            var e = blank(.carrier, "order", order.id, "PAID", time)
            e.amount = order.total
            e.paymentRef = order.paymentRef
            return e
        case .warehouse:
            return blank(.warehouse, "order", order.id, "DELIVERED", time)
        case .storefront:
            var e = blank(.storefront, "return", order.id, "APPROVED", time)
            e.returnId = host.entity == "return" ? host.returnId : freshReturnId()
            return e
        case .payments:
            var e = blank(.payments, "order", order.id, "CANCELLED", time)
            e.reason = "Chargeback received from the issuing bank"
            return e
        case .returnsDesk:
            guard host.entity == "return" else { return nil }
            var e = blank(.returnsDesk, "return", order.id, "IN_TRANSIT", time)
            e.returnId = host.returnId
            e.carrier = Catalog.carriers[0].name
            return e
        }
    }

    /// A status change the order state machine forbids, for an order whose state is known at `stage`.
    private func forbiddenOrderTransition(_ stage: Stage, time: Int64) -> WorkloadEvent? {
        let fates: Set<OrderFate>
        let status: String
        switch stage {
        case .picking: (fates, status) = ([.abandoned, .cancelledUnpaid, .cancelledPaid], "PROCESSING_IN_WAREHOUSE")
        case .dispatch: (fates, status) = ([.stopPaid, .abandoned, .cancelledUnpaid, .cancelledPaid], "SHIPPED")
        case .deliveries:
            (fates, status) = ([.stopProcessing, .stopPaid, .abandoned, .cancelledUnpaid, .cancelledPaid], "DELIVERED")
        case .returnRequests: (fates, status) = ([.delivered, .stopShipped, .stopProcessing], "CANCELLED")
        case .returnReceipts: (fates, status) = ([.delivered], "PROCESSING_IN_WAREHOUSE")
        default: return nil
        }
        guard let target = pickOrder(where: { fates.contains($0.fate) }) else { return nil }
        let order = plan.orders[target]
        var e = blank(stage.feed, "order", order.id, status, time)
        if status == "SHIPPED" {
            e.carrier = Catalog.carriers[order.carrier].name
            e.trackingNumber = order.tracking
        }
        if status == "CANCELLED" { e.reason = "Customer asked to cancel after dispatch" }
        return e
    }

    /// A status change the return state machine forbids, for a return whose state is known at `stage`.
    private func forbiddenReturnTransition(_ stage: Stage, time: Int64) -> WorkloadEvent? {
        let fates: Set<ReturnFate>
        let status: String
        switch stage {
        case .returnPickups: (fates, status) = ([.rejected, .stopRequested], "IN_TRANSIT")
        case .returnReceipts: (fates, status) = ([.rejected, .stopRequested, .stopApproved], "RECEIVED")
        case .returnRefunds: (fates, status) = ([.rejected, .stopApproved, .stopInTransit], "COMPLETED")
        default: return nil
        }
        guard !plan.returns.isEmpty else { return nil }
        for _ in 0..<40 {
            let r = rng.int(0...(plan.returns.count - 1))
            let ret = plan.returns[r]
            guard fates.contains(ret.fate) else { continue }
            var e = blank(stage.feed, "return", plan.orders[Int(ret.order)].id, status, time)
            e.returnId = ret.id
            if status == "IN_TRANSIT" {
                e.carrier = Catalog.carriers[ret.carrier].name
                e.trackingNumber = ret.tracking
            }
            return e
        }
        return nil
    }

    /// A random order of the wave satisfying `predicate` (nil when none found quickly).
    private func pickOrder(where predicate: (OrderPlan) -> Bool) -> Int? {
        guard !plan.orders.isEmpty else { return nil }
        for _ in 0..<40 {
            let i = rng.int(0...(plan.orders.count - 1))
            if predicate(plan.orders[i]) { return i }
        }
        // Small waves: look at every order (the first wave's opening orders cover every fate).
        return plan.orders.indices.first { predicate(plan.orders[$0]) }
    }

    /// A new event with a fresh id of `feed`.
    private func blank(_ feed: Feed, _ entity: String, _ orderId: String, _ status: String, _ time: Int64)
        -> WorkloadEvent
    {
        WorkloadEvent(
            feed: feed, eventId: freshEventId(feed), entity: entity, orderId: orderId, status: status, time: time,
            timeStyle: timeStyle([60, 25, 15]))
    }

    /// A return id never used for a real return.
    func freshReturnId() -> String {
        defer { nextReturnNumber += 1 }
        return "RET-" + zeroPadded(nextReturnNumber, 7)
    }

    /// A catalogue SKU that is not among `items`.
    private func otherSku(than items: [EventItem]) -> String {
        while true {
            let sku = rng.pick(Catalog.products).sku
            if !items.contains(where: { $0.sku == sku }) { return sku }
        }
    }

    /// Paise in scientific notation, e.g. 129950 -> `1.29950e3` (same value, refused by the contract).
    private func exponentForm(_ paise: Int64) -> String {
        let whole = String(paise / 100)
        let cents = paise % 100
        let digits = whole + (cents < 10 ? "0" : "") + String(cents)
        let head = digits.prefix(1)
        let tail = digits.dropFirst()
        return head + "." + tail + "e" + String(whole.count - 1)
    }
}
