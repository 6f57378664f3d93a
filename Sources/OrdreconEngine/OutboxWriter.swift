import Foundation
import OrdreconStore

/// Writes refund request files (`outbox/refunds/<refund_id>.json`) on a thread of its own, so
/// that creating thousands of small files never holds up the events. The refunds are already
/// committed when they are handed over; files a crash kept from being written are written
/// by the next run's repair pass (``RunEngine/writeMissingRefundFiles()``).
final class OutboxWriter: @unchecked Sendable {
    // Every mutable property is guarded by `condition`; that is what makes the class Sendable.
    private let condition = NSCondition()
    private var queue: [[RecordedRefund]] = []
    private var closed = false
    private var exited = false
    private var failure: (any Error)?
    private let directory: String

    /// Starts the writer thread for files in `directory`.
    init(directory: String) {
        self.directory = directory
        let thread = Thread { [self] in self.loop() }
        thread.name = "ordrecon-outbox"
        thread.start()
    }

    /// Queues the files of refunds that were just committed.
    func write(_ refunds: [RecordedRefund]) {
        guard !refunds.isEmpty else { return }
        condition.lock()
        queue.append(refunds)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every queued file is written and flushed, and stops the thread.
    /// - Throws: the first error a write met (the refunds stay pending; the next run retries).
    func finish() throws {
        condition.lock()
        closed = true
        condition.broadcast()
        while !exited { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                exited = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue.removeFirst()
            let failed = failure != nil
            condition.unlock()
            if failed { continue }  // drain the queue; the next run writes what is missing
            do {
                for refund in batch {
                    try AtomicFile.write(refund.body + "\n", to: directory + "/" + refund.refundId + ".json", durability: .deferred)
                }
                FileSystem.syncFileSystem(of: directory)
            } catch {
                condition.lock()
                failure = error
                condition.unlock()
            }
        }
    }
}
