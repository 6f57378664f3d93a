import Logging
import OrdreconCore

/// The run's open batch: one write transaction that holds the events of up to `batch_size`
/// events, over as many files as it takes.
///
/// A file of a few hundred events used to cost its own commits (registration, events, done),
/// and each commit writes every page it touched again: for events of orders spread over days,
/// one page of the audit log's index by order per event. One transaction over several files
/// writes each such page once for all of them. What stays the same: a file is archived only once
/// the transaction that marks it done is on disk (batches are durable), and files are processed
/// strictly in order. A failure of one file's own reading keeps what was read of it before the
/// failure (its position is saved after the last event read whole, in the same transaction);
/// a database failure undoes the batch, and its files, still claimed, are resumed first by the
/// next run.
struct OpenBatch {
    /// Events recorded in the open transaction.
    var events = 0
    /// Files marked done in the open transaction, to archive once it commits.
    var held: [HeldFile] = []
    /// Refunds recorded in the open transaction, for the outbox once it commits.
    var refunds: [RecordedRefund] = []
    var invoices = 0
}

/// A file whose events are all recorded in the open batch.
struct HeldFile {
    var file: InboxFile
    var path: String
    var recordId: Int64
    var summary: FileSummary
    var started: Double
    /// Its own time: from its claim to its `done` mark.
    var seconds: Double
}

extension RunEngine {
    /// Starts the run's write transaction unless one is open. It is durable: the files done in
    /// it leave the processing folder once it commits.
    func openBatch() throws {
        if !store.isInTransaction { try store.begin(durable: true) }
    }

    /// Commits the open batch, then hands its refunds to the outbox writer and archives the files
    /// done in it. A file that cannot be moved is reported and left claimed, as
    /// ``processIsolated(_:at:record:)`` does; the others go on.
    func commitBatch() throws {
        if store.isInTransaction { try store.commit() }
        let done = batch
        batch = OpenBatch()
        outbox?.write(done.refunds)
        summary.refundsRecorded += done.refunds.count
        summary.invoicesRecorded += done.invoices
        guard !done.held.isEmpty else { return }
        // Their `finalized` marks share one small transaction (not durable: a record whose file
        // has left the processing folder is marked finalized by the next run anyway).
        try store.begin(durable: false)
        do {
            for held in done.held {
                do {
                    guard let record = try store.file(id: held.recordId) else {
                        throw EngineError("file \(held.recordId) vanished from the database after its commit")
                    }
                    var fileSummary = held.summary
                    try finishDone(
                        held.file, path: held.path, record: record, summary: &fileSummary, started: held.started,
                        seconds: held.seconds)
                } catch let error as FileSystemError {
                    reportUnfinished(held.file, recordId: held.recordId, error)
                }
            }
            try store.commit()
        } catch {
            store.rollback()
            throw error
        }
    }

    /// Gives up the open batch after a failure that ends the run: nothing of it is written, and
    /// its files stay claimed for the next run, which resumes them first.
    func abandonBatch() {
        store.rollback()
        batch = OpenBatch()
    }
}
