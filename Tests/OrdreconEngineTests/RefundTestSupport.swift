import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import OrdreconGateway
import OrdreconStore
import OrdreconTestSupport
import Testing

/// A store in a temporary folder with `count` paid and cancelled orders `O1`…: pending refunds
/// `RF.O1.C`… of 99.00 each, recorded at `recordedAt`, in this order.
final class RefundHarness {
    let directory: String
    let store: Store
    var path: String { directory + "/test.sqlite" }

    init(refunds count: Int, recordedAt: Timestamp) throws {
        directory = NSTemporaryDirectory() + "ordrecon-refunds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try Store(path: directory + "/test.sqlite")
        self.store = store
        let zone = TimeZone(identifier: "Asia/Kolkata")!
        let judge = Judge(zone: zone, returnWindowDays: 30)
        let validator = EventValidator(feed: "all", zone: zone)
        let allowed = Set(OrderStatus.allCases.map { "order:\($0.rawValue)" })
        let fileId = try store.transaction {
            try store.registerFile(
                feed: "all", name: "f.csv", format: "csv", size: 0, mtimeNanoseconds: 0, inode: 0, runId: 1,
                at: recordedAt
            ).id
        }
        var line = 1
        func send(_ fields: [EventField: String], items: [[ItemField: String]] = []) throws {
            var raw = RawEvent(line: line)
            line += 1
            for (field, value) in fields { raw[field] = RawValue(value) }
            raw.items = items.map { values in
                var item = RawItem()
                for (field, value) in values { item[field] = RawValue(value) }
                return item
            }
            let event = try validator.validate(raw).get()
            try store.transaction {
                let verdict = try judge.judge(event, allowed: allowed, state: store)
                guard case .applied(let change, let effects) = verdict else {
                    throw TestError("not applied: \(verdict)")
                }
                let auditId = try #require(
                    try store.recordAppliedAudit(
                        event, runId: 1, fileId: fileId, line: raw.line, recordedAt: recordedAt))
                _ = try store.apply(event, change: change, effects: effects, auditId: auditId, at: recordedAt)
            }
        }
        for n in 1...max(1, count) {
            let base: [EventField: String] = [.entity: "order", .orderId: "O\(n)"]
            try send(
                base.merging([
                    .eventId: "S\(n)", .status: "PENDING_PAYMENT", .occurredAt: "2026-01-01T10:00:00+05:30",
                    .customerId: "C\(n)",
                ]) { $1 },
                items: [[.sku: "A", .quantity: "1", .unitPrice: "99.00"]])
            try send(
                base.merging([
                    .eventId: "P\(n)", .status: "PAID", .occurredAt: "2026-01-01T10:05:00+05:30", .amount: "99.00",
                    .paymentRef: "PAY-\(n)",
                ]) { $1 })
            try send(
                base.merging([
                    .eventId: "X\(n)", .status: "CANCELLED", .occurredAt: "2026-01-01T11:00:00+05:30", .reason: "asked",
                ]) { $1 })
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// A dispatcher over this store (a connection of its own), sending with libcurl to `url`.
    func dispatcher(
        url: String, clock: any MonotonicClock, concurrency: Int = 8, maxAttempts: Int = 5, rate: Int = 0,
        backoffInitial: Int = 20, backoffMax: Int = 200, giveUpHours: Int = 72, timeoutMilliseconds: Int = 5000
    ) throws -> RefundDispatcher {
        let client = try CurlMultiClient(
            settings: HTTPClientSettings(
                connectTimeoutMilliseconds: 1000, totalTimeoutMilliseconds: timeoutMilliseconds),
            maxConnections: concurrency)
        return try dispatcher(
            client: client, url: url, clock: clock, concurrency: concurrency, maxAttempts: maxAttempts, rate: rate,
            backoffInitial: backoffInitial, backoffMax: backoffMax, giveUpHours: giveUpHours)
    }

    /// A dispatcher over this store (a connection of its own), sending through `client`.
    func dispatcher(
        client: any ConcurrentHTTPClient, url: String = "http://gateway.test", clock: any MonotonicClock,
        concurrency: Int = 8,
        maxAttempts: Int = 5, rate: Int = 0, backoffInitial: Int = 20, backoffMax: Int = 200, giveUpHours: Int = 72
    ) throws -> RefundDispatcher {
        let options = RefundDispatcher.Options(
            url: url + "/refunds", maxAttempts: maxAttempts,
            backoff: Backoff(initialMilliseconds: backoffInitial, maxMilliseconds: backoffMax),
            concurrency: concurrency,
            maxRequestsPerSecond: rate, giveUpAfterMilliseconds: Int64(giveUpHours) * 3_600_000)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return RefundDispatcher(
            store: try Store(path: path), client: client, options: options, token: "test-token", logger: logger,
            clock: clock,
            random: SplitMix64(seed: 7))
    }

    /// Each refund's attempts as `outcome:status-or-error`, e.g. `["retry:503", "sent:201"]`.
    func attempts(_ refundId: String) throws -> [String] {
        try store.refundAttempts(refundId).map {
            "\($0.outcome):\($0.httpStatus.map(String.init) ?? $0.errorKind ?? "-")"
        }
    }

    func status(_ refundId: String) throws -> String? {
        try store.refunds().first { $0.refundId == refundId }?.status.rawValue
    }
}
