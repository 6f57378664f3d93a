public import Foundation

/// Decides each validated event against the current state, in the contract's check order
/// (steps 3–10; steps 1–3 without state are the ``EventValidator``'s).
public struct Judge: Sendable {
    /// The zone in which dates are shown in messages and financial years are counted.
    public var zone: TimeZone
    /// Days after delivery in which a return may be requested.
    public var returnWindowDays: Int
    /// GST rate of items whose event gave none; fixed into each invoice when it is issued.
    public var defaultGSTRateBasisPoints: Int

    public init(zone: TimeZone, returnWindowDays: Int, defaultGSTRateBasisPoints: Int = 1800) {
        self.zone = zone
        self.returnWindowDays = returnWindowDays
        self.defaultGSTRateBasisPoints = defaultGSTRateBasisPoints
    }

    /// Judges `event` sent by a feed whose permissions are `allowed` (`entity:STATUS` entries).
    ///
    /// - Parameter deferEventIdCheck: skip step 4 (the lookup of an earlier applied event with
    ///   this id). The caller then must settle it: when the verdict is `applied`, by inserting
    ///   the audit record under the unique index of applied event ids, and on a conflict
    ///   calling ``eventIdVerdict(for:appliedContentHash:)``; otherwise when
    ///   ``Verdict/dependsOnEventIdCheck`` is true, by that call with a lookup. This saves a
    ///   query per applied event and gives the same outcome as the contract's order.
    /// - Throws: only what `state` throws (storage errors); refusals are verdicts.
    public func judge(
        _ event: FeedEvent, allowed: Set<String>, state: some ReconciliationState, deferEventIdCheck: Bool = false
    ) throws -> Verdict {
        try judge(event, allowed: FeedPermissions(allowed), state: state, deferEventIdCheck: deferEventIdCheck)
    }

    /// Judges `event` sent by a feed with the given permissions (see the other overload).
    public func judge(
        _ event: FeedEvent, allowed: FeedPermissions, state: some ReconciliationState, deferEventIdCheck: Bool = false
    ) throws -> Verdict {
        // Step 3 (needs state): a return id that belongs to another order.
        var existingReturn: ReturnSnapshot?
        if let returnId = event.returnId {
            existingReturn = try state.returnSnapshot(returnId)
            if let existing = existingReturn, existing.orderId != event.orderId {
                return .rejected(
                    Rejection(
                        .invalidValue,
                        "return_id \(quoted(returnId)) belongs to another order, not \(quoted(event.orderId))"))
            }
        }

        // Step 4: the same event id applied before by this feed.
        if !deferEventIdCheck,
            let verdict = eventIdVerdict(
                for: event, appliedContentHash: try state.appliedContentHash(feed: event.feed, eventId: event.eventId))
        {
            return verdict
        }

        // Step 5: feed permissions.
        guard allowed.contains(event.status) else {
            let permission = "\(event.entity.rawValue):\(event.status.name)"
            return .rejected(
                Rejection(
                    .feedNotAllowed,
                    "feed \(event.feed) may not send \(permission) (it may send: \(allowed.names.joined(separator: ", ")))"
                ))
        }

        // Step 6: existence (the order before the return).
        let order = try state.order(event.orderId)
        switch event.status {
        case .order(let target):
            return try judgeOrder(event, target: target, order: order, state: state)
        case .return(let target):
            guard let order else {
                return .rejected(
                    Rejection(
                        .unknownOrder,
                        "order \(quoted(event.orderId)) is unknown (its PENDING_PAYMENT event must be applied first)"))
            }
            return try judgeReturn(event, target: target, order: order, existing: existingReturn, state: state)
        }
    }

    /// Step 4 alone: `duplicate` or `event_id_conflict` when the feed applied this event id
    /// before (its content hash is `appliedContentHash`), nil when it did not.
    public func eventIdVerdict(for event: FeedEvent, appliedContentHash hash: UInt64?) -> Verdict? {
        guard let hash else { return nil }
        if hash == event.contentHash {
            return .duplicate(
                "event \(quoted(event.eventId)) was already applied by feed \(event.feed) with the same content")
        }
        return .rejected(
            Rejection(
                .eventIdConflict,
                "event_id \(quoted(event.eventId)) was already applied by feed \(event.feed) with different content (use a new event_id for a new event)"
            ))
    }

    private func judgeOrder(
        _ event: FeedEvent, target: OrderStatus, order: OrderSnapshot?, state: some ReconciliationState
    ) throws -> Verdict {
        if target == .creating {
            if order != nil {
                return .rejected(
                    Rejection(
                        .orderExists,
                        "order \(quoted(event.orderId)) already exists (PENDING_PAYMENT creates an order once)"))
            }
            let total = event.items.reduce(Money.zero) { $0 + ($1.unitPrice ?? .zero) * $1.quantity }
            return .applied(.createOrder(total: total), [])
        }
        guard let order else {
            return .rejected(
                Rejection(
                    .unknownOrder,
                    "order \(quoted(event.orderId)) is unknown (its PENDING_PAYMENT event must be applied first)"))
        }
        // Step 7: already there.
        if order.status == target {
            return .duplicate("order \(quoted(order.orderId)) is already \(target.rawValue)")
        }
        // Step 8: the state machine.
        guard order.status.allows(target) else {
            return .rejected(
                Rejection(
                    .invalidTransition,
                    transitionMessage(
                        entity: "order", from: order.status.rawValue, to: target.rawValue,
                        next: order.status.allowedNext.map(\.rawValue))))
        }
        // Step 9: time order.
        if event.occurredAt < order.lastTransitionAt {
            return .rejected(
                Rejection(
                    .outOfOrder,
                    "occurred_at \(event.occurredAt.iso8601(in: zone)) is earlier than the order's last transition (\(order.status.rawValue) at \(order.lastTransitionAt.iso8601(in: zone)))"
                ))
        }
        // Step 10: business checks and side effects.
        var effects: [SideEffect] = []
        switch target {
        case .paid:
            let amount = event.amount ?? .zero
            if amount != order.total {
                return .rejected(
                    Rejection(
                        .amountMismatch,
                        "paid amount \(amount.decimalText) differs from the order total \(order.total.decimalText) INR")
                )
            }
        case .shipped:
            let fy = event.occurredAt.civil(in: zone).financialYearStart
            effects.append(
                .issueInvoice(
                    InvoiceRequest(
                        orderId: order.orderId, issuedAt: event.occurredAt, total: order.total, financialYearStart: fy,
                        defaultGSTRateBasisPoints: defaultGSTRateBasisPoints)))
        case .cancelled where order.status == .paid:
            if let paid = order.paid, paid > .zero {
                effects.append(
                    .requestRefund(
                        RefundRequest(
                            refundId: RefundRequest.cancellationId(orderId: order.orderId), kind: .cancellation,
                            orderId: order.orderId, returnId: nil, amount: paid, paymentRef: order.paymentRef ?? "")))
            }
        default:
            break
        }
        return .applied(.moveOrder(from: order.status, to: target), effects)
    }

    private func judgeReturn(
        _ event: FeedEvent, target: ReturnStatus, order: OrderSnapshot, existing: ReturnSnapshot?,
        state: some ReconciliationState
    ) throws -> Verdict {
        let returnId = event.returnId ?? ""
        if target == .creating {
            if existing != nil {
                return .rejected(
                    Rejection(
                        .returnExists, "return \(quoted(returnId)) already exists (REQUESTED creates a return once)"))
            }
            // Step 8: only delivered orders can be returned.
            guard order.status == .delivered, let deliveredAt = order.deliveredAt else {
                return .rejected(
                    Rejection(
                        .orderNotDelivered,
                        "order \(quoted(order.orderId)) is \(order.status.rawValue); a return may be requested only once it is DELIVERED"
                    ))
            }
            // Step 9.
            if event.occurredAt < deliveredAt {
                return .rejected(
                    Rejection(
                        .outOfOrder,
                        "occurred_at \(event.occurredAt.iso8601(in: zone)) is earlier than the order's delivery at \(deliveredAt.iso8601(in: zone))"
                    ))
            }
            // Step 10.
            let lines = try state.orderLines(order.orderId)
            var ordered: [String: Int64] = [:]
            for line in lines { ordered[line.sku, default: 0] += line.quantity }
            for item in event.items where ordered[item.sku] == nil {
                return .rejected(
                    Rejection(
                        .unknownSku,
                        "sku \(quoted(item.sku)) is not in order \(quoted(order.orderId)) (its SKUs: \(ordered.keys.sorted().joined(separator: ", ")))"
                    ))
            }
            let held = try state.heldReturnQuantities(orderId: order.orderId, excluding: returnId)
            for item in event.items {
                let available = ordered[item.sku, default: 0] - held[item.sku, default: 0]
                if item.quantity > available {
                    return .rejected(
                        Rejection(
                            .quantityExceeded,
                            "sku \(quoted(item.sku)): \(item.quantity) requested but only \(available) can be returned (\(ordered[item.sku, default: 0]) delivered, \(held[item.sku, default: 0]) in other returns)"
                        ))
                }
            }
            let closes = deliveredAt.adding(days: returnWindowDays)
            if event.occurredAt > closes {
                return .rejected(
                    Rejection(
                        .returnWindowClosed,
                        "requested at \(event.occurredAt.iso8601(in: zone)), after the \(returnWindowDays)-day return window closed at \(closes.iso8601(in: zone))"
                    ))
            }
            return .applied(.createReturn, [])
        }
        guard let existing else {
            return .rejected(
                Rejection(
                    .unknownReturn, "return \(quoted(returnId)) is unknown (its REQUESTED event must be applied first)")
            )
        }
        if existing.status == target {
            return .duplicate("return \(quoted(returnId)) is already \(target.rawValue)")
        }
        guard existing.status.allows(target) else {
            return .rejected(
                Rejection(
                    .invalidTransition,
                    transitionMessage(
                        entity: "return", from: existing.status.rawValue, to: target.rawValue,
                        next: existing.status.allowedNext.map(\.rawValue))))
        }
        if event.occurredAt < existing.lastTransitionAt {
            return .rejected(
                Rejection(
                    .outOfOrder,
                    "occurred_at \(event.occurredAt.iso8601(in: zone)) is earlier than the return's last transition (\(existing.status.rawValue) at \(existing.lastTransitionAt.iso8601(in: zone)))"
                ))
        }
        var effects: [SideEffect] = []
        if target == .completed {
            let prices = Dictionary(
                try state.orderLines(order.orderId).map { ($0.sku, $0.unitPrice) }, uniquingKeysWith: { a, _ in a })
            let amount = try state.returnItems(returnId).reduce(Money.zero) { sum, item in
                sum + (prices[item.key] ?? .zero) * item.value
            }
            if amount > .zero {
                effects.append(
                    .requestRefund(
                        RefundRequest(
                            refundId: RefundRequest.returnId(orderId: order.orderId, returnId: returnId), kind: .return,
                            orderId: order.orderId, returnId: returnId, amount: amount,
                            paymentRef: order.paymentRef ?? "")))
                effects.append(
                    .issueCreditNote(
                        CreditNoteRequest(
                            orderId: order.orderId, returnId: returnId, issuedAt: event.occurredAt, total: amount,
                            financialYearStart: event.occurredAt.civil(in: zone).financialYearStart)))
            }
        }
        return .applied(.moveReturn(from: existing.status, to: target), effects)
    }

    private func transitionMessage(entity: String, from: String, to: String, next: [String]) -> String {
        if next.isEmpty {
            return "status \(to) is not allowed from \(from) (the \(entity) is \(from), which is final)"
        }
        return "status \(to) is not allowed from \(from) (allowed next: \(next.joined(separator: ", ")))"
    }
}
