import Foundation
import OrdreconCore
import Testing

/// Every (from, to) pair of both state machines against the contract's diagram.
struct TransitionTableTests {
    static let allowedOrder: Set<String> = [
        "PENDING_PAYMENT>PAID", "PAID>PROCESSING_IN_WAREHOUSE", "PROCESSING_IN_WAREHOUSE>SHIPPED",
        "SHIPPED>DELIVERED", "PENDING_PAYMENT>CANCELLED", "PAID>CANCELLED",
    ]
    static let allowedReturn: Set<String> = [
        "REQUESTED>APPROVED", "APPROVED>IN_TRANSIT", "IN_TRANSIT>RECEIVED", "RECEIVED>COMPLETED", "REQUESTED>REJECTED",
    ]

    static var orderPairs: [(OrderStatus, OrderStatus)] {
        OrderStatus.allCases.flatMap { from in OrderStatus.allCases.map { (from, $0) } }
    }
    static var returnPairs: [(ReturnStatus, ReturnStatus)] {
        ReturnStatus.allCases.flatMap { from in ReturnStatus.allCases.map { (from, $0) } }
    }

    @Test(arguments: orderPairs)
    func orderMachine(from: OrderStatus, to: OrderStatus) {
        #expect(from.allows(to) == Self.allowedOrder.contains("\(from.rawValue)>\(to.rawValue)"))
    }

    @Test(arguments: returnPairs)
    func returnMachine(from: ReturnStatus, to: ReturnStatus) {
        #expect(from.allows(to) == Self.allowedReturn.contains("\(from.rawValue)>\(to.rawValue)"))
    }

    /// The judge's verdict for every order pair: applied when allowed, duplicate when the same,
    /// `invalid_transition` otherwise (creating status: `order_exists`).
    @Test(arguments: orderPairs)
    func judgeOrderPair(from: OrderStatus, to: OrderStatus) throws {
        let state = MemoryState()
        state.orders["O1"] = OrderSnapshot(
            orderId: "O1", status: from, lastTransitionAt: Timestamp(milliseconds: 1_000), total: Money(paise: 5000),
            paid: Money(paise: 5000), paymentRef: "P1",
            deliveredAt: from == .delivered ? Timestamp(milliseconds: 1_000) : nil)
        var event = try Fixture.event(
            entity: "order", status: to.rawValue,
            extra: [
                .amount: "50.00", .paymentRef: "P1", .reason: "r", .customerId: "C1",
            ], items: [["sku": "A", "quantity": "1", "unit_price": "50"]])
        event.occurredAt = Timestamp(milliseconds: 2_000)
        let verdict = try Fixture.judge.judge(event, allowed: Fixture.allowAll, state: state)
        if to == .pendingPayment {
            #expect(verdict == .rejected(Rejection(.orderExists, verdict.message)))
        } else if from == to {
            #expect(verdict.outcome == .duplicate)
        } else if from.allows(to) {
            guard case .applied(.moveOrder(let f, let t), _) = verdict else {
                Issue.record("expected applied, got \(verdict)")
                return
            }
            #expect(f == from && t == to)
        } else {
            #expect(verdict.code == .invalidTransition)
            #expect(verdict.message.contains("status \(to.rawValue) is not allowed from \(from.rawValue)"))
        }
    }

    @Test(arguments: returnPairs)
    func judgeReturnPair(from: ReturnStatus, to: ReturnStatus) throws {
        let state = MemoryState.deliveredOrder()
        state.returns["R1"] = ReturnSnapshot(
            returnId: "R1", orderId: "O1", status: from, lastTransitionAt: Timestamp(milliseconds: 1_500))
        state.returnItemsByReturn["R1"] = ["A": 1]
        var event = try Fixture.event(
            entity: "return", status: to.rawValue, extra: [.returnId: "R1", .reason: "r"],
            items: [["sku": "A", "quantity": "1"]])
        event.occurredAt = Timestamp(milliseconds: 2_000)
        let verdict = try Fixture.judge.judge(event, allowed: Fixture.allowAll, state: state)
        if to == .requested {
            #expect(verdict.code == .returnExists)
        } else if from == to {
            #expect(verdict.outcome == .duplicate)
        } else if from.allows(to) {
            guard case .applied(.moveReturn(let f, let t), let effects) = verdict else {
                Issue.record("expected applied, got \(verdict)")
                return
            }
            #expect(f == from && t == to)
            #expect(effects.isEmpty == (to != .completed))
        } else {
            #expect(verdict.code == .invalidTransition)
        }
    }

    @Test func allowedNextMessage() throws {
        let state = MemoryState()
        state.orders["O1"] = OrderSnapshot(
            orderId: "O1", status: .paid, lastTransitionAt: Timestamp(milliseconds: 0), total: .zero)
        let event = try Fixture.event(entity: "order", status: "DELIVERED")
        let verdict = try Fixture.judge.judge(event, allowed: Fixture.allowAll, state: state)
        #expect(
            verdict.message
                == "status DELIVERED is not allowed from PAID (allowed next: PROCESSING_IN_WAREHOUSE, CANCELLED)")
    }
}
