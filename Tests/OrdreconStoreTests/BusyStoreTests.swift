import Foundation
import OrdreconCore
import OrdreconTestSupport
import Synchronization
import Testing

@testable import OrdreconStore

/// Two connections to one SQLite file, as the daemon's ingestion and dispatch workers have: they
/// write at the same time, one holding read snapshots and long transactions, and neither fails;
/// a one-shot wait gives up after its limit with a clear error, and a stop ends a wait. Each
/// connection is used on a thread of its own (handed over, not shared); the test waits for them
/// without holding a thread of the cooperative pool.
@Suite
struct BusyStoreTests {
    let zone = TimeZone(identifier: "Asia/Kolkata")!

    func t(_ ms: Int64) -> Timestamp { Timestamp(milliseconds: ms) }

    /// Ingestion-like work on one connection (orders through judge and store in transactions, a
    /// read left open before each autocommit-style write, a transaction held for 300 ms now and
    /// then, passive checkpoints) beside dispatch-like work on another (refund attempts begun and
    /// finished, reads of due refunds) and a third connection holding read transactions open.
    @Test func twoConnectionsWritingAtOnceNeverFail() async throws {
        let h = try StoreTests.Harness(zone: zone)
        try h.order(
            "O1", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"],
            items: [[.sku: "A", .quantity: "2", .unitPrice: "50"]])
        try h.order("O1", "PAID", "2026-01-01T11:00:00+05:30", [.amount: "100", .paymentRef: "P"])
        try h.order("O1", "CANCELLED", "2026-01-01T12:00:00+05:30", [.reason: "changed mind"])
        let path = h.sqlitePath
        let dispatch = try Store(path: path)
        let reader = try Store(readingAt: path)
        let orders = 150
        let attempts = 400

        // Each connection goes to its worker's thread (the harness with the ingestion one).
        let ingest = Worker("ingest") {
            for n in 2...orders {
                try h.order(
                    "O\(n)", "PENDING_PAYMENT", "2026-01-01T10:00:00+05:30", [.customerId: "C"],
                    items: [[.sku: "A", .quantity: "1", .unitPrice: "10"]])
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
                        feed: "all", name: "long-\(n).csv", format: "csv", size: 0, mtimeNanoseconds: 0,
                        inode: Int64(n), runId: run, at: t(0))
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
                    "RF.O1.C", attempt: attempt, at: t(Int64(n)), durationMilliseconds: 1, httpStatus: 503,
                    transport: nil,
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
            let error = await worker.finish()
            #expect(error == nil, "\(worker.name) failed: \(error ?? "")")
        }
        let check = try Store(path: path)
        #expect(try check.refundAttempts("RF.O1.C").count == attempts)
        #expect(try check.refunds().first?.attempts == attempts)
        #expect(try check.unfinalizedFiles().count == orders / 25)  // the long ones, never finalized
        #expect(try check.order("O\(orders)") != nil)
    }

    /// While another connection holds the write lock, a one-shot step waits its limit, then fails
    /// with an error that says "database busy" and changed nothing; once the lock is free it works.
    @Test func aOneShotStepGivesUpAfterItsLimitWithAClearError() async throws {
        let h = try StoreTests.Harness(zone: zone)
        let other = try Store(path: h.sqlitePath)
        other.busyPolicy = BusyPolicy(limit: 0.5, sliceMilliseconds: 100)
        let runsBefore = try other.db.scalarInt("SELECT COUNT(*) FROM runs")
        try h.store.begin(durable: false)
        // The waiting connection on a thread of its own (it blocks for its limit).
        let (error, waited, other2) = try await onOwnThreadHandingOver({ () -> (StoreError?, Double, Int64?) in
            let started = Date()
            let error = storeError { _ = try other.startRun(command: "run", pid: 1, at: Timestamp(milliseconds: 0)) }
            return (error, Date().timeIntervalSince(started), try? other.db.scalarInt("SELECT COUNT(*) FROM runs"))
        })
        #expect(error?.isBusy == true)
        #expect(
            error?.description.contains("database busy: another connection kept it locked for") == true,
            "\(String(describing: error))")
        #expect(waited >= 0.5)
        h.store.rollback()
        #expect(other2 == nil || other2 == runsBefore)
        let again = try Store(path: h.sqlitePath)
        #expect(try again.db.scalarInt("SELECT COUNT(*) FROM runs") == runsBefore)
        _ = try again.startRun(command: "run", pid: 1, at: t(0))
        #expect(try again.db.scalarInt("SELECT COUNT(*) FROM runs") == (runsBefore ?? 0) + 1)
    }

    /// A wait without end is reported now and then, and ends when told to stop (here: once it
    /// was reported twice, from the report itself).
    @Test func aWaitWithoutEndIsReportedAndEndsOnStop() async throws {
        let h = try StoreTests.Harness(zone: zone)
        let other = try Store(path: h.sqlitePath)
        let stop = Atomic<Bool>(false)
        let reports = Reports()
        other.busyPolicy = BusyPolicy(
            limit: nil, sliceMilliseconds: 50, reportEvery: 0.2, shouldStop: { stop.load(ordering: .acquiring) },
            report: { waited, _ in if reports.add(waited) >= 2 { stop.store(true, ordering: .releasing) } })
        try h.store.begin(durable: false)
        let error = try await onOwnThreadHandingOver({ () -> StoreError? in
            defer { other.rollback() }
            return storeError { try other.begin() }
        })
        #expect(error?.isBusy == true)
        #expect(error?.description.contains("because ordrecon is stopping") == true, "\(String(describing: error))")
        #expect(reports.count >= 2)
        h.store.rollback()
        let again = try Store(path: h.sqlitePath)
        try again.begin()
        again.rollback()
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

/// Runs `body` on a thread of its own from the start; ``finish()`` suspends until it ends and
/// returns what it threw. `body` may use values that are not `Sendable` (a connection): the test
/// hands them over (`sending`) and does not use them again.
private final class Worker: Sendable {
    let name: String
    private let state = Mutex(State())

    private struct State {
        var ended = false
        var error: String?
        var waiter: CheckedContinuation<String?, Never>?
    }

    init(_ name: String, _ body: sending @escaping () throws -> Void) {
        self.name = name
        let handoff = Handoff(body)
        Thread { [self] in
            var failure: String?
            do { try handoff.take()?() } catch { failure = "\(error)" }
            let waiter = self.state.withLock {
                $0.ended = true
                $0.error = failure
                return $0.waiter.take()
            }
            waiter?.resume(returning: failure)
        }.start()
    }

    /// Suspends until the body ended. - Returns: what it threw, as text.
    func finish() async -> String? {
        await withCheckedContinuation { continuation in
            let now: String?? = state.withLock {
                if $0.ended { return .some($0.error) }
                $0.waiter = continuation
                return .none
            }
            if case .some(let error) = now { continuation.resume(returning: error) }
        }
    }
}

/// The waits reported, from any thread.
private final class Reports: Sendable {
    private let waits = Mutex<[Double]>([])
    var count: Int { waits.withLock { $0.count } }
    /// Adds one. - Returns: how many there are now.
    func add(_ waited: Double) -> Int {
        waits.withLock {
            $0.append(waited)
            return $0.count
        }
    }
}
