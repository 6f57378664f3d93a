import Foundation
import OrdreconCore
import Testing

/// A ReconciliationState in memory, for judging without a database.
final class MemoryState: ReconciliationState {
    var applied: [String: UInt64] = [:]
    var orders: [String: OrderSnapshot] = [:]
    var returns: [String: ReturnSnapshot] = [:]
    var lines: [String: [OrderLine]] = [:]
    var returnItemsByReturn: [String: [String: Int64]] = [:]

    /// An order O1 delivered at t=1000 ms with 2 x A at 50.00 and 1 x B at 20.00, paid 120.00.
    static func deliveredOrder() -> MemoryState {
        let state = MemoryState()
        state.orders["O1"] = OrderSnapshot(
            orderId: "O1", status: .delivered, lastTransitionAt: Timestamp(milliseconds: 1_000),
            total: Money(paise: 12_000), paid: Money(paise: 12_000), paymentRef: "P1",
            deliveredAt: Timestamp(milliseconds: 1_000))
        state.lines["O1"] = [
            OrderLine(sku: "A", quantity: 2, unitPrice: Money(paise: 5_000)),
            OrderLine(sku: "B", quantity: 1, unitPrice: Money(paise: 2_000)),
        ]
        return state
    }

    func appliedContentHash(feed: String, eventId: String) throws -> UInt64? { applied[feed + "|" + eventId] }
    func order(_ orderId: String) throws -> OrderSnapshot? { orders[orderId] }
    func returnSnapshot(_ returnId: String) throws -> ReturnSnapshot? { returns[returnId] }
    func orderLines(_ orderId: String) throws -> [OrderLine] { lines[orderId] ?? [] }
    func heldReturnQuantities(orderId: String, excluding returnId: String) throws -> [String: Int64] {
        var held: [String: Int64] = [:]
        for (id, r) in returns where r.orderId == orderId && id != returnId && r.status != .rejected {
            for (sku, q) in returnItemsByReturn[id] ?? [:] { held[sku, default: 0] += q }
        }
        return held
    }
    func returnItems(_ returnId: String) throws -> [String: Int64] { returnItemsByReturn[returnId] ?? [:] }
}

enum Fixture {
    static let zone = TimeZone(identifier: "Asia/Kolkata")!
    static let judge = Judge(zone: zone, returnWindowDays: 30)
    static let allowAll: Set<String> = Set(
        OrderStatus.allCases.map { "order:\($0.rawValue)" } + ReturnStatus.allCases.map { "return:\($0.rawValue)" })

    /// A raw event with the always-required fields set.
    static func raw(
        entity: String, status: String, extra: [EventField: String] = [:], items: [[String: String]] = []
    ) -> RawEvent {
        var raw = RawEvent(line: 2)
        raw[.eventId] = RawValue("E1")
        raw[.entity] = RawValue(entity)
        raw[.orderId] = RawValue("O1")
        raw[.status] = RawValue(status)
        raw[.occurredAt] = RawValue("2026-01-01T10:00:00+05:30")
        for (field, value) in extra { raw[field] = RawValue(value) }
        raw.items = items.map { dict in
            var item = RawItem()
            for (key, value) in dict { item[ItemField(name: key)!] = RawValue(value) }
            return item
        }
        return raw
    }

    static func event(
        entity: String, status: String, extra: [EventField: String] = [:], items: [[String: String]] = []
    ) throws -> FeedEvent {
        try EventValidator(feed: "test", zone: zone).validate(
            raw(entity: entity, status: status, extra: extra, items: items)
        ).get()
    }
}

extension Verdict {
    var code: ReasonCode? {
        if case .rejected(let r) = self { return r.code }
        return nil
    }

    var message: String {
        switch self {
        case .rejected(let r): r.message
        case .duplicate(let m): m
        case .applied: ""
        }
    }
}
