import CSQLite
import Foundation
import Synchronization

/// Copies the write-ahead log back into the database file on a thread of its own, so that the
/// writer's commits never stop to do it.
///
/// SQLite's own automatic checkpoint runs inside the commit that made the log long enough: the
/// writing thread then copies thousands of pages and waits for their fsync. Here the writer's
/// log hook only wakes this thread, which runs a passive checkpoint on its own connection (it
/// takes no lock a writer waits for, and copies what no reader still needs). The thread starts
/// with the first long log and ends with ``stop()``; after that the next long log starts it again.
/// Should it ever fall far behind, the writer checkpoints itself, as SQLite would.
///
/// Checked `Sendable`: its state lives in a `Mutex`; the thread's connection never leaves it.
final class WALCheckpointer: Sendable {
    private struct State {
        var running = false
        var pending = false
        var stopping = false
        var passes = 0
    }

    let path: String
    /// Log frames (pages) after a commit from which a background pass is asked for.
    let threshold: Int32
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    init(path: String, threshold: Int32 = 2000) {
        self.path = path
        self.threshold = threshold
    }

    /// Background passes done so far (for tests and statistics).
    var passes: Int { state.withLock { $0.passes } }

    /// Told by the writer's log hook that the log holds `frames` frames after a commit.
    func logGrew(to frames: Int32) {
        guard frames >= threshold else { return }
        let start = state.withLock { s -> Bool in
            guard !s.stopping else { return false }
            s.pending = true
            if s.running { return false }
            s.running = true
            return true
        }
        if start {
            let thread = Thread { [self] in loop() }
            thread.name = "ordrecon-checkpoint"
            thread.start()
        }
        wake.signal()
    }

    /// Stops the thread after the pass in hand and waits for it (before a checkpoint of the
    /// writer's own, and before the database closes).
    func stop() {
        let running = state.withLock { s -> Bool in
            s.stopping = true
            return s.running
        }
        if running {
            wake.signal()
            ended.wait()
        }
        state.withLock { s in
            s.stopping = false
            s.pending = false
        }
    }

    private func loop() {
        var db: OpaquePointer?
        let opened = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK
        defer {
            if let db { sqlite3_close_v2(db) }
            state.withLock { $0.running = false }
            ended.signal()
        }
        guard opened, let db else { return }
        while true {
            wake.wait()
            let work = state.withLock { s -> Bool? in
                if s.stopping { return nil }
                defer { s.pending = false }
                return s.pending
            }
            guard let work else { return }
            if work {
                // Passive: copies what it can without waiting; a busy answer just means next time.
                _ = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                state.withLock { $0.passes += 1 }
            }
        }
    }
}

/// The writer's log hook: wakes the checkpointer; checkpoints on the writer itself only when the
/// log has grown to ten times the threshold (the background thread has fallen far behind).
let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
    context, db, _, frames in
    guard let context else { return SQLITE_OK }
    let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
    if frames >= checkpointer.threshold * 10, let db {
        _ = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    } else {
        checkpointer.logGrew(to: frames)
    }
    return SQLITE_OK
}
