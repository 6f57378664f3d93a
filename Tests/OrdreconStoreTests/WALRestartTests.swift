import Foundation
import OrdreconCore
import OrdreconTestSupport
import Testing

@testable import OrdreconStore

/// A read left stepped inside a transaction (the engine reads each file's record back after its
/// last event, in the open batch) must not outlive the commit: it would keep the connection's
/// snapshot, the commit's checkpoint could not finish, and SQLite would never start the WAL over.
@Suite struct WALRestartTests {
    @Test func theWALStartsOverAfterACommitWithAReadLeftOpen() throws {
        let directory = NSTemporaryDirectory() + "ordrecon-wal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/wal.sqlite"
        let store = try Store(path: path)
        let fileId = try store.transaction {
            try store.registerFile(
                feed: "f", name: "a.csv", format: "csv", size: 0, mtimeNanoseconds: 0, inode: 0, runId: 1,
                at: Timestamp(milliseconds: 0)
            ).id
        }
        try store.db.execute("CREATE TABLE scratch (x BLOB)")
        func bigBatch() throws {
            try store.begin(durable: false)
            _ = try store.file(id: fileId)  // stepped, not reset: a read left open
            // More than the 4,000 pages after which the commit checkpoints.
            for _ in 0..<4_500 { try store.db.execute("INSERT INTO scratch VALUES (randomblob(8000))") }
            _ = try store.file(id: fileId)
            try store.commit()
        }
        func walSize() -> Int {
            (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        }
        try bigBatch()
        let afterFirst = walSize()
        #expect(afterFirst > 4_000 * 8192)
        try bigBatch()
        try bigBatch()
        // Started over each time: the file is reused from its start, not grown by each batch.
        #expect(
            walSize() < afterFirst + afterFirst / 4,
            "WAL \(walSize()) bytes after three batches, \(afterFirst) after one")
    }
}
