import Dispatch
import OrdreconCore
import Synchronization

/// Writes refund request files (`outbox/refunds/<refund_id>.json`) off the engine's thread, on
/// a serial queue of its own, so that creating thousands of small files never holds up the
/// events. The refunds are already committed when they are handed over; files a crash kept
/// from being written are written by the next run's repair pass
/// (``RunEngine/writeMissingRefundFiles()``).
///
/// Checked `Sendable`: the only mutable state, the first failure, lives in a `Mutex`; the
/// queue runs one batch at a time, in the order they were handed over.
final class OutboxWriter: Sendable {
    private let directory: String
    private let queue = DispatchQueue(label: "ordrecon-outbox")
    private let failure = Mutex<(any Error)?>(nil)

    init(directory: String) {
        self.directory = directory
    }

    /// Queues the files of refunds that were just committed.
    func write(_ refunds: [RecordedRefund]) {
        guard !refunds.isEmpty else { return }
        queue.async { [self] in
            // After a failure the rest is left for the next run, which writes what is missing.
            guard failure.withLock({ $0 == nil }) else { return }
            do {
                for refund in refunds {
                    try AtomicFile.write(
                        refund.body + "\n", to: directory + "/" + refund.refundId + ".json", durability: .deferred)
                }
                FileSystem.syncFileSystem(of: directory)
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Waits until every queued file is written and flushed.
    /// - Throws: the first error a write met (the refunds stay pending; the next run retries).
    func finish() throws {
        queue.sync {}
        if let failure = failure.withLock({ $0 }) { throw failure }
    }
}
