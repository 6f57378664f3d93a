import Foundation
import OrdreconCore
@testable import OrdreconStore
import Testing

/// Two connections to one SQLite file, as the daemon's ingestion and dispatch workers have: they
/// write at the same time, one holding read snapshots and long transactions, and neither fails;
/// a one-shot wait gives up after its limit with a clear error, and a stop ends a wait.
@Suite(.serialized)
struct BusyStoreTests {
    let zone = TimeZone(identifier: "Asia/Kolkata")!

    func t(_ ms: Int64) -> Timestamp { Timestamp(milliseconds: ms) }

    /// Ingestion-like work on one connection (orders through judge and store in transactions, a
    /// read left open before each autocommit-style write, a transaction held for 300 ms now and
    /// then, passive checkpoints) beside dispatch-like work on another (refund attempts begun and
    /// finished, reads of due refunds) and a third connection holding read transactions open.
    @Test func twoConnectionsWritingAtOnceNeverFail() throws {
        let h = try StoreTests.Harness(zone: zone)
        try h.order("O1", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"], items: [[.sku: "A", .quantity: "2", .unitPrice: "50"]])
        try h.order("O1", "PAID", "2026-01-01T11:00:00+05:30", [.amount: "100", .paymentRef: "P"])
        try h.order("O1", "CANCELLED", "2026-01-01T12:00:00+05:30", [.reason: "changed mind"])
        let dispatch = try Store(path: h.store.path)
        let reader = try Store(readingAt: h.store.path)
        let orders = 150
        let attempts = 400

        let ingest = Worker("ingest") {
            for n in 2...orders {
                try h.order("O\(n)", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"], items: [[.sku: "A", .quantity: "1", .unitPrice: "10"]])
                // A statement stepped once and left open keeps this connection's snapshot, as
                // `file(id:)` does before the engine marks a file finalized.
                _ = try h.store.file(id: h.fileId)
                Thread.sleep(forTimeInterval: 0.001)
                try h.store.markFileFinalized(h.fileId, finalName: "f-\(n).csv")
                let run = try h.store.startRun(command: "watch", pid: 1, at: t(Int64(n)))
                try h.store.finishRun(run, at: t(Int64(n)), summaryJSON: "{}")
                if n % 25 == 0 {
                    try h.store.begin(durable: false)
                    _ = try h.store.registerFile(
                        feed: "all", name: "long-\(n).csv", format: "csv", size: 0, mtimeNanoseconds: 0, inode: Int64(n), runId: run, at: t(0))
                    Thread.sleep(forTimeInterval: 0.3)
                    try h.store.commit()
                }
                h.store.checkpoint(truncate: false)
            }
        }
        let refunds = Worker("dispatch") {
            for n in 1...attempts {
                _ = try dispatch.dueRefunds(at: t(Int64(n)), limit: 10)
                guard let attempt = try dispatch.beginRefundAttempt("RF.O1.C", runId: nil, at: t(Int64(n))) else {
                    throw StoreError(code: 0, message: "refund no longer pending")
                }
                try dispatch.finishRefundAttempt(
                    "RF.O1.C", attempt: attempt, at: t(Int64(n)), durationMilliseconds: 1, httpStatus: 503, transport: nil,
                    message: "HTTP 503", end: .retry(reason: "HTTP 503", notBefore: nil))
            }
        }
        let reading = Worker("reader") {
            for _ in 0..<100 {
                _ = try reader.refundCounts()
                _ = try reader.refunds(limit: 5)
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        for worker in [ingest, refunds, reading] {
            let error = worker.finish()
            #expect(error == nil, "\(worker.name) failed: \(String(describing: error))")
        }
        #expect(try reader.refundAttempts("RF.O1.C").count == attempts)
        #expect(try reader.refunds().first?.attempts == attempts)
        let check = try Store(path: h.store.path)
        #expect(try check.unfinalizedFiles().count == orders / 25)  // the long ones, never finalized
        #expect(try check.order("O\(orders)") != nil)
    }

    /// While another connection holds the write lock, a one-shot step waits its limit, then fails
    /// with an error that says "database busy" and changed nothing; once the lock is free it works.
    @Test func aOneShotStepGivesUpAfterItsLimitWithAClearError() throws {
        let h = try StoreTests.Harness(zone: zone)
        let other = try Store(path: h.store.path)
        other.busyPolicy = BusyPolicy(limit: 0.5, sliceMilliseconds: 100)
        let runsBefore = try other.db.scalarInt("SELECT COUNT(*) FROM runs")
        try h.store.begin(durable: false)
        let started = Date()
        let error = storeError { _ = try other.startRun(command: "run", pid: 1, at: t(0)) }
        #expect(error?.isBusy == true)
        #expect(error?.description.contains("database busy: another connection kept it locked for") == true, "\(String(describing: error))")
        #expect(Date().timeIntervalSince(started) >= 0.5)
        h.store.rollback()
        #expect(try other.db.scalarInt("SELECT COUNT(*) FROM runs") == runsBefore)
        _ = try other.startRun(command: "run", pid: 1, at: t(0))
        #expect(try other.db.scalarInt("SELECT COUNT(*) FROM runs") == (runsBefore ?? 0) + 1)
    }

    /// A wait without end is reported now and then, and ends when told to stop.
    @Test func aWaitWithoutEndIsReportedAndEndsOnStop() throws {
        let h = try StoreTests.Harness(zone: zone)
        let other = try Store(path: h.store.path)
        let stop = Flag()
        let reports = Reports()
        other.busyPolicy = BusyPolicy(
            limit: nil, sliceMilliseconds: 50, reportEvery: 0.2, shouldStop: { stop.isSet },
            report: { waited, _ in reports.add(waited) })
        try h.store.begin(durable: false)
        let stopper = Worker("stopper") {
            // Stops once the wait was reported twice (or after 30 s, so that the test ends).
            let deadline = Date(timeIntervalSinceNow: 30)
            while reports.count < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            stop.set()
        }
        let error = storeError { try other.begin() }
        #expect(error?.isBusy == true)
        #expect(error?.description.contains("because ordrecon is stopping") == true, "\(String(describing: error))")
        #expect(stopper.finish() == nil)
        #expect(reports.count >= 2)
        h.store.rollback()
        try other.begin()
        other.rollback()
    }
}

/// What `body` threw, if it was a ``StoreError``.
private func storeError(_ body: () throws -> Void) -> StoreError? {
    do {
        try body()
        return nil
    } catch {
        return error as? StoreError
    }
}

/// Runs `body` on a thread of its own; ``finish()`` waits for it and returns what it threw.
///
/// `@unchecked Sendable`: `error` is written by the thread before `done` is signalled and read
/// after waiting for it; the stores the bodies use are each used by one thread at a time.
private final class Worker: @unchecked Sendable {
    let name: String
    private let done = DispatchSemaphore(value: 0)
    private var error: (any Error)?

    init(_ name: String, _ body: @escaping () throws -> Void) {
        self.name = name
        let run = UncheckedBody(body)
        Thread.detachNewThread { [self] in
            do { try run.body() } catch { self.error = error }
            done.signal()
        }
    }

    func finish() -> (any Error)? {
        done.wait()
        return error
    }
}

/// A closure handed to another thread (the test makes sure only that thread uses what it captures).
private struct UncheckedBody: @unchecked Sendable {
    let body: () throws -> Void
    init(_ body: @escaping () throws -> Void) { self.body = body }
}

/// A flag set once, read from any thread.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// The waits reported, from any thread.
private final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Double] = []
    var count: Int { lock.withLock { waits.count } }
    func add(_ waited: Double) { lock.withLock { waits.append(waited) } }
}
