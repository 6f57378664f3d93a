import Foundation
import Testing

@testable import OrdreconEngine

#if canImport(Glibc)
import Glibc
#endif

/// The inbox watcher against real folders: when files are found ready, in which order, how often,
/// and how fast (latencies are printed).
@Suite(.serialized)
struct InboxWatchTests {
    @Test func partThenRenameIsReportedWithinASecond() throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 5)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        let renamed = Background(after: 0.3) { inbox.drop("storefront", "orders.csv", "a,b\n1,2\n") }
        let ready = watch.nextReady(timeout: 3)
        let latency = now() - renamed.time()
        #expect(ready.map(\.name) == ["orders.csv"])
        #expect(ready.first?.size == 8)
        #expect(latency < 1)
        print("latency .part then rename -> ready: \(milliseconds(latency)) ms")
        // A look without waiting takes in what inotify queued meanwhile.
        inbox.drop("storefront", "returns.csv", "c\n")
        Thread.sleep(forTimeInterval: 0.05)
        #expect(watch.nextReady(timeout: 0).map(\.name) == ["returns.csv"])
    }

    @Test func writtenInPlaceIsReportedOnceSettledAfterItsClose() throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 1)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        let closed = Background(after: 0.2) {
            let writer = inbox.open("storefront", "orders.csv")
            writer.append("a,b\n")
            Thread.sleep(forTimeInterval: 0.3)  // open, not closed: not ready
            writer.append("1,2\n")
            return writer.close()
        }
        // A close alone proves nothing (the writer may reopen to append): ready one settle later.
        let (ready, at) = collect(watch, count: 1, within: 5)
        #expect(ready.map(\.name) == ["orders.csv"])
        let latency = (at.first ?? .nan) - closed.time()
        #expect(latency >= 1 && latency < 2, "close -> ready: \(latency) s with settle 1 s")
        print("latency close after writing in place -> ready (settle 1 s): \(milliseconds(latency)) ms")
    }

    @Test func slowWriterHoldingTheFileIsReportedOnlyOnceSettledAfterClose() throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 1)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        let closed = Background(after: 0.1) {
            let writer = inbox.open("storefront", "slow.csv")
            for line in 0..<10 {
                writer.append("line \(line)\n")
                Thread.sleep(forTimeInterval: 0.2)
            }
            return writer.close()
        }
        let (ready, at) = collect(watch, count: 1, within: 6)
        #expect(ready.map(\.name) == ["slow.csv"])
        #expect(ready.first?.size == 70)
        let latency = (at.first ?? .nan) - closed.time()
        #expect(latency >= 0.8 && latency < 2, "close -> ready: \(latency) s with settle 1 s")
        print("latency slow in-place writer, close -> ready (inotify, settle 1 s): \(milliseconds(latency)) ms")
    }

    @Test func slowAppenderIsReportedOnlyOnceSettledWhenPolling() throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], mode: .poll, settle: 0.5)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        let lastWrite = Background(after: 0.1) {
            for line in 0..<10 {
                let writer = inbox.open("storefront", "slow.csv", append: true)  // like `>>`, closed each time
                writer.append("line \(line)\n")
                writer.close()
                if line < 9 { Thread.sleep(forTimeInterval: 0.2) }
            }
            return now()
        }
        let (ready, at) = collect(watch, count: 1, within: 6)
        let latency = (at.first ?? .nan) - lastWrite.time()
        #expect(ready.map(\.name) == ["slow.csv"])
        #expect(ready.first?.size == 70)
        #expect(latency >= 0.5 - 0.01)  // an observation may fall between the last write and its stamp
        #expect(latency < 0.5 + 1.5)
        print("latency slow appender, last write -> ready (poll, settle 0.5 s): \(milliseconds(latency)) ms")
    }

    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func burstOfTwoHundredFilesIsReportedOnceInOrder(mode: InboxWatch.Mode) throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], mode: mode, settle: 0.3)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        let names = (0..<200).map { "orders-\(String(1000 + $0).dropFirst()).csv" }
        let dropped = Background(after: 0.1) {
            names.map { inbox.drop("storefront", $0, "event_id\n\($0)\n") }.last ?? 0
        }
        let (ready, at) = collect(watch, count: 200, within: 10)
        #expect(ready.map(\.name) == names)
        #expect(Set(ready.map(\.name)).count == ready.count)
        #expect(watch.nextReady(timeout: 0.5).isEmpty)
        if let last = at.last {
            print("latency burst of 200 (\(mode)), last rename -> last ready: \(milliseconds(last - dropped.time())) ms")
        }
    }

    @Test func feedFolderCreatedAfterTheStartIsWatched() throws {
        let inbox = try TemporaryInbox(feeds: [])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["late", "racy", "unknown"], settle: 0.3)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        try FileManager.default.createDirectory(atPath: inbox.root + "/late", withIntermediateDirectories: false)
        #expect(watch.nextReady(timeout: 0.3).isEmpty)  // takes in the new folder
        let dropped = Background(after: 0.2) { inbox.drop("late", "a.csv", "x\n") }
        let ready = watch.nextReady(timeout: 3)
        #expect(ready.map(\.name) == ["a.csv"])
        let latency = now() - dropped.time()
        #expect(latency < 1)
        print("latency in a feed folder created after the start: \(milliseconds(latency)) ms")
        // A folder and its first file at once: found by the rescan the new folder triggers.
        try FileManager.default.createDirectory(atPath: inbox.root + "/racy", withIntermediateDirectories: false)
        inbox.drop("racy", "b.csv", "y\n")
        let (racy, _) = collect(watch, count: 1, within: 3)
        #expect(racy.map { $0.feed + "/" + $0.name } == ["racy/b.csv"])
    }

    @Test func feedFolderOrRootRemovedAndCreatedAgainIsWatchedAgain() throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 0.3)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        try FileManager.default.removeItem(atPath: inbox.root + "/storefront")
        #expect(watch.nextReady(timeout: 0.2).isEmpty)
        try FileManager.default.createDirectory(atPath: inbox.root + "/storefront", withIntermediateDirectories: false)
        #expect(watch.nextReady(timeout: 0.2).isEmpty)
        let dropped = Background(after: 0.1) { inbox.drop("storefront", "a.csv", "x\n") }
        #expect(watch.nextReady(timeout: 3).map(\.name) == ["a.csv"])
        #expect(now() - dropped.time() < 1)
        // The whole root: watched again at the next wait (the daemon waits a second at most).
        try FileManager.default.removeItem(atPath: inbox.root)
        #expect(watch.nextReady(timeout: 0.2).isEmpty)
        try FileManager.default.createDirectory(atPath: inbox.root + "/storefront", withIntermediateDirectories: true)
        inbox.drop("storefront", "b.csv", "y\n")
        let (ready, _) = collect(watch, count: 1, within: 4, step: 1)
        #expect(ready.map(\.name) == ["b.csv"])
        let later = Background(after: 0.1) { inbox.drop("storefront", "c.csv", "z\n") }
        #expect(watch.nextReady(timeout: 3).map(\.name) == ["c.csv"])
        #expect(now() - later.time() < 1)
    }

    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func sameNameDroppedAgainAfterTheFirstWasMovedAwayIsReportedAgain(mode: InboxWatch.Mode) throws {
        let inbox = try TemporaryInbox(feeds: ["storefront", "processing"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], mode: mode, settle: 0.3, rescanInterval: 0.4)
        inbox.drop("storefront", "orders.csv", "same\n")
        #expect(collect(watch, count: 1, within: 3).ready.map(\.name) == ["orders.csv"])
        // Still there (not claimed yet): not reported again, rescans or not.
        #expect(watch.nextReady(timeout: 1).isEmpty)
        // Claimed the way the engine does it (link, unlink), then the same name, same bytes again.
        #expect(link(inbox.root + "/storefront/orders.csv", inbox.root + "/processing/orders.csv") == 0)
        #expect(unlink(inbox.root + "/storefront/orders.csv") == 0)
        inbox.drop("storefront", "orders.csv", "same\n")
        #expect(collect(watch, count: 1, within: 3).ready.map(\.name) == ["orders.csv"])
        #expect(watch.nextReady(timeout: 0.5).isEmpty)
    }

    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func wakeEndsABlockedWaitPromptly(mode: InboxWatch.Mode) throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], mode: mode)
        let woken = Background(after: 0.3) {
            let time = now()
            watch.wake()
            return time
        }
        let started = now()
        #expect(watch.nextReady(timeout: 10).isEmpty)
        let latency = now() - woken.time()
        #expect(now() - started < 2)
        #expect(latency < 0.5)
        print("latency wake() -> blocked nextReady returns (\(mode)): \(milliseconds(latency)) ms")
        // A wake that comes first ends the next wait.
        watch.wake()
        let next = now()
        #expect(watch.nextReady(timeout: 10).isEmpty)
        #expect(now() - next < 0.5)
    }

    @Test func overflowMakesTheWatchRescan() throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 0.2, rescanInterval: 3600)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        let scans = watch.scanCount
        inbox.drop("storefront", "lost.csv", "x\n")
        try #require(watch.watcher != nil)
        watch.watcher?.discardQueuedEvents()  // as if the kernel had dropped them
        #expect(watch.nextReady(timeout: 0.6).isEmpty)
        #expect(watch.scanCount == scans)
        watch.watcher?.simulateOverflow()
        let (ready, _) = collect(watch, count: 1, within: 3)
        #expect(ready.map(\.name) == ["lost.csv"])
        #expect(watch.scanCount == scans + 1)
    }

    @Test func realQueueOverflowLosesNoFile() throws {
        let limit = Int((try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? Int.max
        guard limit <= 65536 else { return }  // too many files to provoke it here
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 0.2, rescanInterval: 3600)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        let count = limit / 3 + 100  // created, modified, closed: three events each
        for index in 0..<count { inbox.write("storefront", "f\(index).csv", "x\n") }
        let (ready, _) = collect(watch, count: count, within: 30)
        #expect(ready.count == count)
        #expect(Set(ready.map(\.name)).count == count)
        #expect(watch.scanCount >= 2)
    }

    /// When polling (network file systems, whose clock may differ), even files with old mtimes
    /// settle from when they were first seen.
    @Test func pollingFindsFilesInOrderAndRespectsSettle() throws {
        let inbox = try TemporaryInbox(feeds: ["a", "b"])
        defer { inbox.remove() }
        inbox.write("a", "z.csv", "1\n", mtime: 100)
        inbox.write("b", "a.csv", "2\n", mtime: 100)
        inbox.write("a", "y.csv", "3\n", mtime: 50)
        inbox.write("a", "later.csv.part", "4\n")
        inbox.write("a", ".hidden.csv", "5\n")
        let started = now()
        let watch = try InboxWatch(root: inbox.root, feeds: ["a", "b"], mode: .poll, settle: 0.6)
        let (first, at) = collect(watch, count: 3, within: 5)
        #expect(first.map { $0.feed + "/" + $0.name } == ["a/y.csv", "a/z.csv", "b/a.csv"])
        #expect((at.first ?? 0) - started >= 0.6)
        let written = Background(after: 0.1) {
            inbox.write("b", "new.csv", "6\n")
            return now()
        }
        let (second, when) = collect(watch, count: 1, within: 5)
        let latency = (when.first ?? .nan) - written.time()
        #expect(second.map(\.name) == ["new.csv"])
        #expect(latency >= 0.6 - 0.01)  // an observation may fall between the write and its stamp
        #expect(latency < 0.6 + 1)
        #expect(watch.nextReady(timeout: 1).isEmpty)  // the .part and the hidden file never
        print("latency write -> ready (poll, settle 0.6 s): \(milliseconds(latency)) ms")
    }

    /// A backlog waiting at the start is reported before a file renamed in afterwards, in
    /// processing order; in both modes (with inotify at once: its mtimes are long past).
    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func backlogAtTheStartIsReportedFirstAndInOrder(mode: InboxWatch.Mode) throws {
        let inbox = try TemporaryInbox(feeds: ["a", "b"])
        defer { inbox.remove() }
        for index in 0..<30 {
            inbox.write(index % 2 == 0 ? "a" : "b", "old-\(100 + index).csv", "\(index)\n", mtime: 1_000_000 + 10 * (30 - index))
        }
        let watch = try InboxWatch(root: inbox.root, feeds: ["a", "b"], mode: mode, settle: 5, rescanInterval: 600)
        inbox.drop("a", "new.csv", "new\n", mtime: 2_000_000)
        // With inotify the first look, without waiting, has them all; polling waits the settle time.
        let ready = mode == .inotify ? watch.nextReady(timeout: 0) : collect(watch, count: 31, within: 20).ready
        let expected = (0..<30).reversed().map { ($0 % 2 == 0 ? "a/" : "b/") + "old-\(100 + $0).csv" }
        #expect(ready.map { $0.feed + "/" + $0.name } == expected + ["a/new.csv"])
    }

    /// A file renamed in is ready at once, but not before an older file (in processing order)
    /// still settling: it is held back until that one is ready, then both come in order. A ready
    /// file older than the settling one is not held.
    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func readyFileWaitsForAnOlderFileStillSettling(mode: InboxWatch.Mode) throws {
        let inbox = try TemporaryInbox(feeds: ["a", "b"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["a", "b"], mode: mode, settle: 1.5, rescanInterval: 600)
        #expect(watch.nextReady(timeout: 0).isEmpty)
        inbox.write("b", "settling.csv", "1\n")  // written in place: settles for 1.5 s
        inbox.drop("a", "newer.csv", "2\n", mtime: Int(Date().timeIntervalSince1970) + 60)
        inbox.drop("a", "older.csv", "3\n", mtime: 1_000_000)
        let (ready, at) = collect(watch, count: 3, within: 15)
        #expect(ready.map(\.name) == ["older.csv", "settling.csv", "newer.csv"])
        if mode == .inotify, at.count == 3 {
            // Renamed in: the older one at once, the newer one only with the settled one.
            #expect(at[0] < at[1] && at[1] == at[2])
        }
    }

    /// `rediscover()` (after a pass that failed) reports again the files still in the inbox.
    @Test func rediscoverReportsTheFilesStillThereAgain() throws {
        let inbox = try TemporaryInbox(feeds: ["a"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["a"], settle: 5, rescanInterval: 600)
        inbox.drop("a", "x.csv", "1\n", mtime: 1_000_000)
        inbox.drop("a", "y.csv", "2\n", mtime: 1_000_001)
        #expect(collect(watch, count: 2, within: 5).ready.map(\.name) == ["x.csv", "y.csv"])
        #expect(unlink(inbox.root + "/a/x.csv") == 0)  // taken
        #expect(watch.nextReady(timeout: 0.2).isEmpty)
        watch.rediscover()
        #expect(watch.nextReady(timeout: 0).map(\.name) == ["y.csv"])
    }

    @Test func missingRootIsCreated() throws {
        let inbox = try TemporaryInbox(feeds: [])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root + "/inbox", feeds: ["storefront"])
        #expect(FileManager.default.fileExists(atPath: inbox.root + "/inbox"))
        #expect(watch.nextReady(timeout: 0).isEmpty)
    }
}

/// The readiness rules with a fixed clock, and how one wait's events are summed up.
struct InboxWatchUnitTests {
    @Test func eachNameIsListedByItsLastEvent() {
        var collector = WatchEvents.Collector()
        collector.written("f", "a.csv", complete: false)
        collector.written("f", "a.csv", complete: true)
        collector.written("f", "b.csv", complete: true)
        collector.written("f", "b.csv", complete: false)
        collector.written("f", "c.csv", complete: true)
        collector.removed("f", "c.csv")
        collector.removed("f", "d.csv")
        collector.written("f", "d.csv", complete: true)
        let events = collector.built
        #expect(events.closedOrMovedIn.map(\.name) == ["a.csv", "d.csv"])
        #expect(events.modified.map(\.name) == ["b.csv"])
        #expect(events.removed.map(\.name) == ["c.csv", "d.csv"])
        #expect(!events.isEmpty)
        #expect(WatchEvents().isEmpty)
    }

    @Test func closeOrMoveInIsReadyAtOnceUnlessWrittenAgain() {
        var readiness = FileReadiness(settle: 2)
        readiness.modified(feed: "f", name: "a.csv", at: 10)
        #expect(!readiness.isReady(feed: "f", name: "a.csv", at: 10))
        readiness.closed(feed: "f", name: "a.csv", at: 10.1)
        #expect(readiness.isReady(feed: "f", name: "a.csv", at: 10.1))
        readiness.modified(feed: "f", name: "a.csv", at: 10.2)
        #expect(!readiness.isReady(feed: "f", name: "a.csv", at: 11))
        #expect(readiness.nextDeadline == 12.2)
        readiness.observe(feed: "f", name: "a.csv", size: 10, mtime: 1, at: 12.2)
        #expect(readiness.isReady(feed: "f", name: "a.csv", at: 12.2))
    }

    @Test func appendsEvery200msAreReadyOnlySettleAfterTheLastWrite() {
        var readiness = FileReadiness(settle: 1)
        var size: Int64 = 0
        var lastWrite = 0.0
        var readyAt: Double?
        for step in 0...60 {
            let time = Double(step) * 0.1
            if step % 2 == 0, time <= 2 {
                size += 10
                lastWrite = time
            }
            readiness.observe(feed: "f", name: "slow.csv", size: size, mtime: Int64(lastWrite * 1e9), at: time)
            if readyAt == nil, readiness.readyFiles(at: time).count == 1 { readyAt = time }
        }
        #expect(readyAt != nil)
        #expect((readyAt ?? 0) >= lastWrite + 1)
    }

    @Test func aFileListedTwiceWithAnOldMtimeIsReadyAtOnce() {
        var readiness = FileReadiness(settle: 2)
        readiness.observe(feed: "f", name: "old.csv", size: 5, mtime: 1, age: 3600, at: 100)
        readiness.observe(feed: "f", name: "young.csv", size: 5, mtime: 2, age: 0.5, at: 100)
        // One listing may have missed older names: not ready until a second one saw them too.
        #expect(readiness.readyFiles(at: 100).isEmpty)
        #expect(readiness.awaitsListing)
        #expect(readiness.nextDeadline(after: 100) == nil)
        readiness.observe(feed: "f", name: "old.csv", size: 5, mtime: 1, age: 3600, at: 100.01)
        readiness.observe(feed: "f", name: "young.csv", size: 5, mtime: 2, age: 0.51, at: 100.01)
        #expect(!readiness.awaitsListing)
        #expect(readiness.readyFiles(at: 100.01).map(\.name) == ["old.csv"])
        // Unchanged since its mtime, half a second before it was first seen: 1.5 s more.
        #expect(readiness.nextDeadline(after: 100.01) == 101.5)
        #expect(readiness.isReady(feed: "f", name: "young.csv", at: 101.5))
        // A stat is no listing.
        readiness.observe(feed: "f", name: "stat.csv", size: 1, mtime: 1, age: 3600, listed: false, at: 100)
        #expect(!readiness.isReady(feed: "f", name: "stat.csv", at: 200))
    }

    @Test func firstObservationKeepsTheEventTime() {
        var readiness = FileReadiness(settle: 1)
        readiness.modified(feed: "f", name: "linked.csv", at: 5)
        #expect(readiness.candidates(at: 5.5).isEmpty)
        #expect(readiness.candidates(at: 6).count == 1)
        readiness.observe(feed: "f", name: "linked.csv", size: 3, mtime: 7, at: 6)
        #expect(readiness.isReady(feed: "f", name: "linked.csv", at: 6))
        readiness.forget(feed: "f", name: "linked.csv")
        #expect(readiness.tracked.isEmpty)
        #expect(readiness.nextDeadline == nil)
    }
}

// MARK: - Helpers

private func now() -> Double { SystemClock.monotonicSeconds() }

private func milliseconds(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1000) }

/// Calls `nextReady` (waiting `step` seconds at most each time) until `count` files came or
/// `within` seconds passed.
/// - Returns: the files in the order reported, and when each call returned them.
private func collect(
    _ watch: InboxWatch, count: Int, within seconds: Double, step: Double = .infinity
) -> (ready: [ReadyFile], at: [Double]) {
    let deadline = now() + seconds
    var ready: [ReadyFile] = []
    var at: [Double] = []
    while ready.count < count, now() < deadline {
        let batch = watch.nextReady(timeout: min(step, deadline - now()))
        #expect(batch == batch.sorted(by: ReadyFile.inProcessingOrder))
        ready += batch
        at += Array(repeating: now(), count: batch.count)
    }
    return (ready, at)
}

/// Runs a closure on a thread of its own after a delay; ``time()`` waits for it and returns the
/// time it returned (the moment that matters: a rename, a close, a wake).
private final class Background: @unchecked Sendable {
    // `@unchecked Sendable`: `stamp` is written before `done` is signalled and read after waiting on it.
    private let done = DispatchSemaphore(value: 0)
    private var stamp = 0.0
    private var waited = false

    init(after delay: Double, _ body: @escaping @Sendable () -> Double) {
        Thread.detachNewThread { [self] in
            Thread.sleep(forTimeInterval: delay)
            stamp = body()
            done.signal()
        }
    }

    func time() -> Double {
        if !waited {
            done.wait()
            waited = true
        }
        return stamp
    }
}

/// A temporary inbox root with feed folders, removed by ``remove()``.
private struct TemporaryInbox: Sendable {
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
