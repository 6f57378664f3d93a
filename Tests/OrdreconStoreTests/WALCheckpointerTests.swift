import Foundation
import OrdreconTestSupport
import Testing

@testable import OrdreconStore

/// The write-ahead log is copied back into the database file by a thread of its own, not by the
/// commit that made it long.
@Suite struct WALCheckpointerTests {
    @Test func aLongLogIsCheckpointedInTheBackground() async throws {
        let directory = NSTemporaryDirectory() + "ordrecon-wal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try Store(path: directory + "/wal.sqlite")
        let checkpointer = try #require(store.checkpointer)
        #expect(checkpointer.passes == 0)
        // One commit of more pages than the threshold (8 KiB pages).
        try store.db.execute("CREATE TABLE scratch (x BLOB)")
        try store.begin(durable: false)
        for _ in 0..<Int(checkpointer.threshold) + 200 {
            try store.db.execute("INSERT INTO scratch VALUES (randomblob(8000))")
        }
        try store.commit()
        // The commit returned without copying the log; the background pass does it.
        let deadline = Date().addingTimeInterval(20)
        while checkpointer.passes == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(checkpointer.passes >= 1)
        // Nothing is left to copy: a checkpoint now finds every frame already in the database file.
        let pass = try store.db.statement(dynamic: "PRAGMA wal_checkpoint(PASSIVE)")
        #expect(try pass.step())
        let (logFrames, copied) = (pass.int64(1), pass.int64(2))
        pass.reset()
        #expect(logFrames > Int64(checkpointer.threshold) && copied == logFrames, "\(logFrames) \(copied)")
        // Stopping waits for the thread; the store's own checkpoint then empties the log.
        store.checkpoint(truncate: true)
        let size =
            (try? FileManager.default.attributesOfItem(atPath: directory + "/wal.sqlite-wal")[.size] as? Int) ?? 0
        #expect(size == 0)
    }
}
