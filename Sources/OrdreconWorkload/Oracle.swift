import Foundation
import OrdreconCore

/// An independent model of the contract's judging rules (section 4) over the generator's own
/// events: it decides the outcome of every written event, in processing order, and keeps the
/// expected totals.
///
/// The generator states what it means each event to become; the oracle must agree, so a
/// placement mistake fails loudly instead of producing a wrong `expected.json`.
struct Oracle {
    struct OrderState {
        var status: OrderStatus
        var lastTime: Int64
        var deliveredAt: Int64?
        var items: [EventItem]
        var total: Int64
        var paid: Int64 = 0
        var returns: [String] = []
        /// Whether the order's invoice will be listed as incomplete (see ``invoiceIsIncomplete``).
        var invoiceIncomplete = false
    }

    struct ReturnState {
        var orderId: String
        var status: ReturnStatus
        var lastTime: Int64
        var items: [EventItem]
    }

    private(set) var orders: [String: OrderState] = [:]
    private(set) var returns: [String: ReturnState] = [:]
    private var appliedIds: [[String: Int]] = Array(repeating: [:], count: Feed.allCases.count)
    private(set) var summary: WorkloadSummary
    /// Whether applied event ids are kept to tell duplicates and conflicts. A workload without
    /// faults never sends an id twice (the generator numbers them), and the spread lifecycle turns
    /// this off so that memory holds only the open orders.
    var remembersEventIds = true
    /// Orders in the model that are not DELIVERED or CANCELLED (PENDING_PAYMENT, PAID,
    /// PROCESSING_IN_WAREHOUSE, SHIPPED): open orders, until retired or the wave ends.
    private(set) var openOrders = 0
    /// The most orders open at once so far.
    private(set) var peakOpenOrders = 0
    let windowSeconds: Int64 = 30 * 86_400
    private let zone = TimeZone(secondsFromGMT: 19_800)!

    init() {
        summary = WorkloadSummary.empty(
            orderStatuses: OrderStatus.allCases.map(\.rawValue),
            returnStatuses: ReturnStatus.allCases.map(\.rawValue))
    }

    /// Judges `event` as ordrecon must, applies it to the model, and counts it.
    mutating func judge(_ event: WorkloadEvent) -> Outcome {
        let outcome = decide(event)
        summary.events += 1
        switch outcome {
        case .applied: summary.applied += 1
        case .duplicate: summary.duplicate += 1
        case .rejected(let code): summary.rejectedByCode[code.rawValue, default: 0] += 1
        }
        return outcome
    }

    /// Counts a file rejected as a whole.
    mutating func rejectFile(_ code: ReasonCode) {
        summary.badFiles += 1
        summary.rejectedByCode[code.rawValue, default: 0] += 1
    }

    mutating func countFile() {
        summary.files += 1
    }

    /// Adds the final statuses of this wave's entities to the totals and forgets them.
    mutating func endWave() {
        for state in orders.values { summary.ordersByStatus[state.status.rawValue, default: 0] += 1 }
        for state in returns.values { summary.returnsByStatus[state.status.rawValue, default: 0] += 1 }
        orders.removeAll(keepingCapacity: true)
        returns.removeAll(keepingCapacity: true)
        for i in appliedIds.indices { appliedIds[i].removeAll(keepingCapacity: true) }
        openOrders = 0
    }

    /// Adds the final status of `orderId` and of its returns to the totals and forgets them: no
    /// event of theirs comes any more (the spread lifecycle, after an order's last event).
    mutating func retire(_ orderId: String) {
        guard let state = orders.removeValue(forKey: orderId) else { return }
        summary.ordersByStatus[state.status.rawValue, default: 0] += 1
        if state.status.isOpen { openOrders -= 1 }
        for rid in state.returns {
            if let ret = returns.removeValue(forKey: rid) {
                summary.returnsByStatus[ret.status.rawValue, default: 0] += 1
            }
        }
    }

    /// How many of `sku` other non-rejected returns of `orderId` hold, and how many were ordered.
    func returnable(sku: String, orderId: String, excluding returnId: String?) -> Int {
        guard let order = orders[orderId], let ordered = order.items.first(where: { $0.sku == sku }) else { return 0 }
        var held = 0
        for rid in order.returns where rid != returnId {
            guard let r = returns[rid], r.status.holdsItems else { continue }
            for item in r.items where item.sku == sku { held += item.quantity }
        }
        return ordered.quantity - held
    }

    // MARK: - The rules

    private mutating func decide(_ e: WorkloadEvent) -> Outcome {
        // 1. malformed
        if e.renderFault != .none { return .rejected(.malformed) }

        // 2. missing_field
        if e.eventId.isEmpty || e.entity.isEmpty || e.orderId.isEmpty || e.status.isEmpty || e.timeText == "" {
            return .rejected(.missingField)
        }
        let entity = Entity(caseInsensitive: e.entity)
        var orderStatus: OrderStatus?
        var returnStatus: ReturnStatus?
        switch entity {
        case .order: orderStatus = OrderStatus(caseInsensitive: e.status)
        case .return: returnStatus = ReturnStatus(caseInsensitive: e.status)
        case nil: break
        }
        if entity == .return, isEmpty(e.returnId) { return .rejected(.missingField) }
        if orderStatus == .cancelled || returnStatus == .rejected, isEmpty(e.reason) { return .rejected(.missingField) }
        if orderStatus == .paid, (e.amount == nil && isEmpty(e.amountText)) || isEmpty(e.paymentRef) {
            return .rejected(.missingField)
        }
        let takesItems = orderStatus == .pendingPayment || returnStatus == .requested
        if orderStatus == .pendingPayment, isEmpty(e.customerId) { return .rejected(.missingField) }
        if takesItems {
            if e.items.isEmpty { return .rejected(.missingField) }
            for item in e.items {
                if item.sku.isEmpty || item.quantityText == "" { return .rejected(.missingField) }
                if orderStatus == .pendingPayment, item.unitPrice == nil, isEmpty(item.unitPriceText) {
                    return .rejected(.missingField)
                }
            }
        }

        // 3. invalid_value
        guard let entity, orderStatus != nil || returnStatus != nil else { return .rejected(.invalidValue) }
        var time = e.time
        if let text = e.timeText {
            guard let parsed = try? Timestamp(iso8601: text, zone: zone) else { return .rejected(.invalidValue) }
            time = parsed.milliseconds / 1000
        }
        if let currency = e.currency, currency.uppercased() != "INR" { return .rejected(.invalidValue) }
        var amount = e.amount
        if let text = e.amountText {
            guard let money = try? Money(parsing: text) else { return .rejected(.invalidValue) }
            amount = money.paise
        }
        var items: [EventItem] = []
        if takesItems {
            var seen = Set<String>()
            for var item in e.items {
                if let text = item.quantityText {
                    guard let quantity = Int(text) else { return .rejected(.invalidValue) }
                    item.quantity = quantity
                }
                if item.quantity <= 0 { return .rejected(.invalidValue) }
                if orderStatus == .pendingPayment, let text = item.unitPriceText {
                    guard let money = try? Money(parsing: text) else { return .rejected(.invalidValue) }
                    item.unitPrice = money.paise
                }
                if !seen.insert(item.sku).inserted { return .rejected(.invalidValue) }
                // The model needs no descriptions (and keeps no texts it does not need).
                item.productName = nil
                items.append(item)
            }
        }
        let returnId = entity == .return ? e.returnId : nil
        if let returnId, let existing = returns[returnId], existing.orderId != e.orderId {
            return .rejected(.invalidValue)
        }

        // 4. event_id_conflict (or duplicate content)
        let content = contentHash(e, entity: entity, time: time, amount: amount, items: items)
        if let previous = appliedIds[e.feed.rawValue][e.eventId] {
            return previous == content ? .duplicate : .rejected(.eventIdConflict)
        }

        // 5. feed_not_allowed
        let statusName = (orderStatus?.rawValue ?? returnStatus?.rawValue)!
        if !e.feed.allows(entity: entity.rawValue, status: statusName) { return .rejected(.feedNotAllowed) }

        let outcome: Outcome
        if let orderStatus {
            outcome = decideOrder(e, status: orderStatus, time: time, amount: amount, items: items)
        } else {
            outcome = decideReturn(e, returnId: returnId!, status: returnStatus!, time: time, items: items)
        }
        if outcome == .applied, remembersEventIds { appliedIds[e.feed.rawValue][e.eventId] = content }
        return outcome
    }

    private mutating func decideOrder(
        _ e: WorkloadEvent, status: OrderStatus, time: Int64, amount: Int64?, items: [EventItem]
    ) -> Outcome {
        // 6. existence
        guard var order = orders[e.orderId] else {
            guard status == .pendingPayment else { return .rejected(.unknownOrder) }
            let total = items.reduce(Int64(0)) { $0 + $1.unitPrice! * Int64($1.quantity) }
            orders[e.orderId] = OrderState(
                status: .pendingPayment, lastTime: time, items: items, total: total,
                invoiceIncomplete: invoiceIsIncomplete(e, items: items, total: total))
            openOrders += 1
            peakOpenOrders = max(peakOpenOrders, openOrders)
            return .applied
        }
        if status == .pendingPayment { return .rejected(.orderExists) }
        // 7. repeated status
        if order.status == status { return .duplicate }
        // 8. transition
        if !order.status.allows(status) { return .rejected(.invalidTransition) }
        // 9. time
        if time < order.lastTime { return .rejected(.outOfOrder) }
        // 10. amount
        if status == .paid, amount != order.total { return .rejected(.amountMismatch) }

        let previous = order.status
        if previous.isOpen, !status.isOpen { openOrders -= 1 }
        order.status = status
        order.lastTime = time
        switch status {
        case .paid: order.paid = amount!
        case .shipped:
            summary.invoices += 1
            if order.invoiceIncomplete { summary.invoicesIncomplete += 1 }
        case .delivered: order.deliveredAt = time
        case .cancelled where previous == .paid:
            summary.refunds += 1
            summary.refundPaiseTotal += order.paid
        default: break
        }
        orders[e.orderId] = order
        return .applied
    }

    private mutating func decideReturn(
        _ e: WorkloadEvent, returnId: String, status: ReturnStatus, time: Int64, items: [EventItem]
    ) -> Outcome {
        // 6. existence: the order first, then the return
        guard var order = orders[e.orderId] else { return .rejected(.unknownOrder) }
        guard var ret = returns[returnId] else {
            guard status == .requested else { return .rejected(.unknownReturn) }
            // 8. only for a delivered order
            guard order.status == .delivered, let deliveredAt = order.deliveredAt else {
                return .rejected(.orderNotDelivered)
            }
            // 9. not before the delivery
            if time < deliveredAt { return .rejected(.outOfOrder) }
            // 10. SKUs, quantities, window
            for item in items where !order.items.contains(where: { $0.sku == item.sku }) {
                return .rejected(.unknownSku)
            }
            for item in items where item.quantity > returnable(sku: item.sku, orderId: e.orderId, excluding: returnId) {
                return .rejected(.quantityExceeded)
            }
            if time - deliveredAt > windowSeconds { return .rejected(.returnWindowClosed) }
            returns[returnId] = ReturnState(orderId: e.orderId, status: .requested, lastTime: time, items: items)
            order.returns.append(returnId)
            orders[e.orderId] = order
            return .applied
        }
        if status == .requested { return .rejected(.returnExists) }
        // 7. repeated status
        if ret.status == status { return .duplicate }
        // 8. transition
        if !ret.status.allows(status) { return .rejected(.invalidTransition) }
        // 9. time
        if time < ret.lastTime { return .rejected(.outOfOrder) }

        ret.status = status
        ret.lastTime = time
        if status == .completed {
            var refund: Int64 = 0
            for item in ret.items {
                let price = order.items.first(where: { $0.sku == item.sku })!.unitPrice!
                refund += price * Int64(item.quantity)
            }
            summary.refunds += 1
            summary.refundPaiseTotal += refund
        }
        returns[returnId] = ret
        return .applied
    }

    private func contentHash(
        _ e: WorkloadEvent, entity: Entity, time: Int64, amount: Int64?, items: [EventItem]
    ) -> Int {
        var hasher = Hasher()
        hasher.combine(entity.rawValue)
        hasher.combine(e.status.uppercased())
        hasher.combine(e.orderId)
        hasher.combine(e.returnId)
        hasher.combine(time)
        hasher.combine(e.actor ?? e.feed.name)
        hasher.combine(e.reason)
        hasher.combine(e.customerId)
        hasher.combine(e.shipToState)
        hasher.combine(e.customerName)
        hasher.combine(e.billingAddress)
        hasher.combine(e.billingState)
        hasher.combine(e.customerGstin)
        hasher.combine(amount)
        hasher.combine(e.paymentRef)
        hasher.combine(e.carrier)
        hasher.combine(e.trackingNumber)
        for item in items {
            hasher.combine(item.sku)
            hasher.combine(item.quantity)
            hasher.combine(item.unitPrice)
            hasher.combine(item.hsn)
            hasher.combine(item.gstRate)
        }
        for item in e.items { hasher.combine(item.productName) }
        return hasher.finalize()
    }

    /// Whether the invoice of an order created by `e` is incomplete (contract section 8): a line
    /// without an HSN code once the catalog has filled the blanks (the event's code wins), or a
    /// total of ₹50,000 or more to a buyer without a GSTIN and without all of name, billing
    /// address and billing state.
    func invoiceIsIncomplete(_ e: WorkloadEvent, items: [EventItem], total: Int64) -> Bool {
        for item in items where isEmpty(item.hsn) && CatalogFile.hsnBySku[item.sku] == nil { return true }
        guard total >= BuyerPlanner.namedBuyerThreshold, isEmpty(e.customerGstin) else { return false }
        return isEmpty(e.customerName) || isEmpty(e.billingAddress) || isEmpty(e.billingState)
    }

    private func isEmpty(_ text: String?) -> Bool {
        text?.isEmpty ?? true
    }
}

extension OrderStatus {
    /// Neither DELIVERED nor CANCELLED.
    fileprivate var isOpen: Bool { self != .delivered && self != .cancelled }
}
