import Foundation
import OrdreconCore
import Testing

@testable import OrdreconWorkload

@Suite("Workload realism")
struct WorkloadRealismTests {
    @Test("files mix the shapes partners really send")
    func shapes() throws {
        try TempRoot.with(WorkloadOptions(orders: 400, seed: 1)) { root, _, _ in
            var continuationEmpty = false
            var continuationRepeated = false
            var quotedSpecial = false
            var jsonArray = false
            var jsonWrapped = false
            var amountNumber = false
            var amountString = false
            var integerId = false
            var styles: Set<String> = []
            for file in try inboxFiles(root) {
                let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
                let text = String(decoding: data, as: UTF8.self)
                if text.contains("+05:30\"") || text.contains("+05:30,") { styles.insert("offset") }
                if text.contains("Z\"") || text.contains("Z,") { styles.insert("utc") }
                if text.range(of: #"T\d\d:\d\d:\d\d["\r\n,]"#, options: .regularExpression) != nil {
                    styles.insert("local")
                }
                switch file.ext {
                case "csv":
                    guard let records = parseCSV(data), let header = records.first,
                        let id = header.firstIndex(of: "event_id"), let order = header.firstIndex(of: "order_id")
                    else { continue }
                    for (a, b) in zip(records.dropFirst(), records.dropFirst(2))
                    where a.count == b.count && a[id] == b[id] {
                        if b[order].isEmpty { continuationEmpty = true }
                        if b[order] == a[order] { continuationRepeated = true }
                    }
                    if text.contains("\"\"")
                        || text.range(of: "\"[^\"\n]*\n[^\"\n]*\"", options: .regularExpression) != nil
                    {
                        quotedSpecial = true
                    }
                case "json":
                    if text.hasPrefix("[") { jsonArray = true }
                    if text.hasPrefix("{\"events\"") { jsonWrapped = true }
                    if text.range(of: #""amount": ?\d"#, options: .regularExpression) != nil { amountNumber = true }
                    if text.range(of: #""amount": ?"\d"#, options: .regularExpression) != nil { amountString = true }
                    if text.range(of: #""(customer_id|event_id|tracking_number)": ?\d"#, options: .regularExpression)
                        != nil
                    {
                        integerId = true
                    }
                default:
                    break
                }
            }
            #expect(continuationEmpty && continuationRepeated)
            #expect(quotedSpecial)
            #expect(jsonArray && jsonWrapped)
            #expect(amountNumber && amountString)
            #expect(integerId)
            #expect(styles == ["offset", "utc", "local"])
        }
    }

    @Test("times of each order only move forward, and returns stay within the window")
    func plannedTimes() {
        var rng = SplitMix64(seed: 42)
        var next = 1
        let plan = WavePlanner.plan(
            wave: 0, firstOrder: 1, count: 2000, start: 1_772_335_800, nextReturnNumber: &next, rng: &rng)
        for order in plan.orders {
            var times = [order.created]
            if order.fate.isPaid { times.append(order.paid) }
            if order.fate.isCancelled { times.append(order.cancelled) }
            if order.fate.reachesProcessing { times.append(order.processing) }
            if order.fate.reachesShipped { times.append(order.shipped) }
            if order.fate == .delivered { times.append(order.delivered) }
            #expect(times == times.sorted() && Set(times).count == times.count, "\(order.id)")
            for r in order.returns {
                let ret = plan.returns[Int(r)]
                #expect(ret.requested > order.delivered && ret.requested - order.delivered <= 25 * 86_400)
                var quantities: [String: Int] = [:]
                for other in order.returns {
                    for item in plan.returns[Int(other)].items { quantities[item.sku, default: 0] += item.quantity }
                }
                for item in order.items { #expect(quantities[item.sku, default: 0] <= item.quantity) }
            }
        }
        #expect(plan.returns.count > 200)
        #expect(Set(plan.orders.map(\.fate.rawValue)).count == 7)
        #expect(Set(plan.returns.map(\.fate.rawValue)).count == 6)
    }
}

@Suite("Oracle check order")
struct OracleTests {
    private func event(_ feed: Feed, _ id: String, _ entity: String, _ order: String, _ status: String, _ time: Int64)
        -> WorkloadEvent
    {
        WorkloadEvent(
            feed: feed, eventId: id, entity: entity, orderId: order, status: status, time: time, timeStyle: .utc)
    }

    @Test("the first applicable rule wins, as in the contract's table")
    func order() {
        var oracle = Oracle()
        var created = event(.storefront, "SF-1", "order", "ORD-1", "PENDING_PAYMENT", 1000)
        created.customerId = "42"
        created.items = [EventItem(sku: "A", quantity: 2, unitPrice: 10_000)]
        #expect(oracle.judge(created) == .applied)
        #expect(oracle.judge(created) == .duplicate)  // same id, same content

        var paid = event(.carrier, "1", "order", "ORD-9", "PAID", 2000)
        paid.amount = 1
        paid.paymentRef = "pay_x"
        #expect(oracle.judge(paid) == .rejected(.feedNotAllowed))  // before unknown_order and amount
        paid = event(.payments, "PG-1", "order", "ORD-1", "PAID", 500)
        paid.amount = 1
        #expect(oracle.judge(paid) == .rejected(.missingField))  // no payment_ref
        paid.paymentRef = "pay_x"
        paid.currency = "USD"
        #expect(oracle.judge(paid) == .rejected(.invalidValue))
        paid.currency = nil
        #expect(oracle.judge(paid) == .rejected(.outOfOrder))  // before amount_mismatch
        paid.time = 2000
        #expect(oracle.judge(paid) == .rejected(.amountMismatch))
        paid.amount = 20_000
        #expect(oracle.judge(paid) == .applied)  // same event id, corrected
        var conflict = paid
        conflict.paymentRef = "pay_y"
        #expect(oracle.judge(conflict) == .rejected(.eventIdConflict))

        var request = event(.storefront, "SF-2", "return", "ORD-1", "REQUESTED", 3000)
        request.returnId = "RET-1"
        request.items = [EventItem(sku: "B", quantity: 5)]
        #expect(oracle.judge(request) == .rejected(.orderNotDelivered))  // before unknown_sku
        var shipped = event(.warehouse, "WH-1", "order", "ORD-1", "SHIPPED", 4000)
        #expect(oracle.judge(shipped) == .rejected(.invalidTransition))
        shipped.status = "PROCESSING_IN_WAREHOUSE"
        #expect(oracle.judge(shipped) == .applied)
        var again = shipped
        again.eventId = "WH-2"
        #expect(oracle.judge(again) == .duplicate)  // already in that status
        var cancel = event(.storefront, "SF-3", "order", "ORD-1", "CANCELLED", 5000)
        cancel.reason = "too late"
        #expect(oracle.judge(cancel) == .rejected(.invalidTransition))
        #expect(oracle.summary.applied == 3)
        #expect(oracle.summary.events == 14)
    }
}
