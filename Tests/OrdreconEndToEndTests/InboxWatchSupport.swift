import Foundation
import OrdreconCore
import OrdreconTestSupport
import Synchronization
import Testing

@testable import OrdreconEngine

#if canImport(Glibc)
    import Glibc
#endif

// Helpers of InboxWatchTests: waits of the watcher on threads of their own, a temporary inbox.

func now() -> Double { SystemClock.monotonicSeconds() }

func milliseconds(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1000) }

extension InboxWatch {
    /// ``nextReady(timeout:)`` on a thread of its own (it blocks in poll(2) up to `timeout`).
    func ready(within timeout: Double) async -> [ReadyFile] {
        await onOwnThread { self.nextReady(timeout: timeout) }
    }
}

/// A value and when (``now()``) it was there.
struct Stamped<Value: Sendable>: Sendable {
    var value: Value
    var at: Double
}

/// `value`, stamped with the time now: for a wait on a thread of its own, when it returned.
func stamped<Value: Sendable>(_ value: Value) -> Stamped<Value> { Stamped(value: value, at: now()) }

/// What ``collectBlocking(_:count:within:step:)`` saw: each call's files, and when it returned them.
struct Collected: Sendable {
    var batches: [[ReadyFile]] = []
    var at: [Double] = []
}

/// Calls `nextReady` (waiting `step` seconds at most each time) until `count` files came or
/// `within` seconds passed. Blocks: for a thread of its own.
func collectBlocking(_ watch: InboxWatch, count: Int, within seconds: Double, step: Double = .infinity) -> Collected {
    let deadline = now() + seconds
    var collected = Collected()
    var total = 0
    while total < count, now() < deadline {
        let batch = watch.nextReady(timeout: min(step, deadline - now()))
        collected.batches.append(batch)
        collected.at += Array(repeating: now(), count: batch.count)
        total += batch.count
    }
    return collected
}

/// Every call's files in processing order (checked), and all of them with their times.
func checked(_ collected: Collected, sourceLocation: SourceLocation = #_sourceLocation) -> (
    ready: [ReadyFile], at: [Double]
) {
    for batch in collected.batches {
        #expect(batch == batch.sorted(by: ReadyFile.inProcessingOrder), sourceLocation: sourceLocation)
    }
    return (collected.batches.flatMap { $0 }, collected.at)
}

/// ``collectBlocking(_:count:within:step:)`` on a thread of its own, its batches checked.
func collect(
    _ watch: InboxWatch, count: Int, within seconds: Double, step: Double = .infinity,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> (ready: [ReadyFile], at: [Double]) {
    checked(
        await onOwnThread { collectBlocking(watch, count: count, within: seconds, step: step) },
        sourceLocation: sourceLocation)
}

/// Runs `waiting` (calls of `nextReady`) on a thread of its own and, once that thread waits in
/// poll(2), `action` on another: the partner acts while the watcher waits, whatever the load of
/// the machine or of the cooperative pool (neither side needs the pool until both are done).
/// - Returns: what `waiting` returned, and what `action` returned.
func whileWaiting<Waited: Sendable, Acted: Sendable>(
    _ waiting: @escaping @Sendable () -> Waited, then action: @escaping @Sendable () -> Acted
) async -> (Waited, Acted) {
    let thread = WaitingThread()
    let waited = ThreadTask {
        thread.started()
        defer { thread.ended() }
        return waiting()
    }
    let acted = ThreadTask {
        // Looks every millisecond (nothing announces a thread's wait), for a minute at most.
        let deadline = now() + 60
        while !thread.isWaitingInPoll, now() < deadline { usleep(1000) }
        return action()
    }
    return (await waited.value, await acted.value)
}

/// The thread of a wait: its id (from `/proc/thread-self`), and whether it blocks in poll(2) now.
final class WaitingThread: Sendable {
    private let id = Atomic<Int32>(0)
    private let over = Atomic<Bool>(false)

    /// Called on the thread, first.
    func started() {
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
        id.store(Int32(link.split(separator: "/").last ?? "") ?? -1, ordering: .releasing)
    }

    func ended() { over.store(true, ordering: .releasing) }

    /// The thread blocks in poll(2) or ppoll(2) (its `syscall` in /proc: 7 or 271 on x86-64, or a
    /// poll in its `wchan`); true as well once the wait is over (nothing to wait for then).
    var isWaitingInPoll: Bool {
        if over.load(ordering: .acquiring) { return true }
        let tid = id.load(ordering: .acquiring)
        guard tid > 0 else { return tid < 0 }  // not started yet; -1: no /proc/thread-self, do not wait
        let task = "/proc/self/task/\(tid)/"
        let syscall = (try? String(contentsOfFile: task + "syscall", encoding: .utf8))?.split(separator: " ").first
        let wchan = (try? String(contentsOfFile: task + "wchan", encoding: .utf8)) ?? ""
        return syscall == "7" || syscall == "271" || wchan.contains("poll")
    }
}

/// A temporary inbox root with feed folders, removed by ``remove()``.
struct TemporaryInbox: Sendable {
    let root: String

    init(feeds: [String]) throws {
        root = NSTemporaryDirectory() + "ordrecon-watch-" + UUID().uuidString
        for feed in [""] + feeds {
            try FileManager.default.createDirectory(atPath: root + "/" + feed, withIntermediateDirectories: true)
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// A file written in place: open, write, close (optionally with a fixed mtime, seconds since 1970).
    func write(_ feed: String, _ name: String, _ text: String, mtime: Int? = nil) {
        let writer = open(feed, name)
        writer.append(text)
        writer.close()
        if let mtime {
            let times = [timespec(tv_sec: mtime, tv_nsec: 0), timespec(tv_sec: mtime, tv_nsec: 0)]
            _ = utimensat(AT_FDCWD, root + "/" + feed + "/" + name, times, 0)
        }
    }

    /// A file the way partners should deliver it: written as `name.part`, then renamed.
    /// - Returns: the time just before the rename.
    @discardableResult
    func drop(_ feed: String, _ name: String, _ text: String, mtime: Int? = nil) -> Double {
        write(feed, name + ".part", text, mtime: mtime)
        let time = now()
        _ = rename(root + "/" + feed + "/" + name + ".part", root + "/" + feed + "/" + name)
        return time
    }

    func open(_ feed: String, _ name: String, append: Bool = false) -> Writer {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
        return Writer(fd: Glibc.open(root + "/" + feed + "/" + name, flags, 0o644))
    }

    struct Writer {
        let fd: Int32

        func append(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        }

        /// - Returns: the time just before the close.
        @discardableResult
        func close() -> Double {
            let time = now()
            _ = Glibc.close(fd)
            return time
        }
    }
}
