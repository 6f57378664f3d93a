import Foundation
import OrdreconTestSupport
import Testing

@testable import OrdreconEngine

#if canImport(Glibc)
    import Glibc
#endif

/// The inbox watcher against real folders: when files are found ready, in which order, how often,
/// and how fast (latencies are printed). Every wait of the watcher runs on a thread of its own
/// (it blocks in poll(2)); a partner's action that must come while the watcher waits starts once
/// that thread waits (``whileWaiting(_:then:)``). The rules themselves are in InboxWatchUnitTests.
@Suite
struct InboxWatchTests {
    /// Reported on the rename, without the settle time (5 s here) a file written in place waits.
    @Test func partThenRenameIsReportedAtOnce() async throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 5)
        #expect(await watch.ready(within: 0).isEmpty)
        let (waited, renamed) = await whileWaiting({ stamped(watch.nextReady(timeout: 30)) }) {
            inbox.drop("storefront", "orders.csv", "a,b\n1,2\n")
        }
        let latency = waited.at - renamed
        #expect(waited.value.map(\.name) == ["orders.csv"])
        #expect(waited.value.first?.size == 8)
        #expect(latency < 4, "rename -> ready: \(latency) s with settle 5 s")
        print("latency .part then rename -> ready: \(milliseconds(latency)) ms")
        // A look without waiting takes in what inotify queued meanwhile (queued by the rename itself).
        inbox.drop("storefront", "returns.csv", "c\n")
        #expect(await watch.ready(within: 0).map(\.name) == ["returns.csv"])
    }

    @Test func writtenInPlaceIsReportedOnceSettledAfterItsClose() async throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 1)
        #expect(await watch.ready(within: 0).isEmpty)
        let (collected, closed) = await whileWaiting({ collectBlocking(watch, count: 1, within: 30) }) {
            let writer = inbox.open("storefront", "orders.csv")
            writer.append("a,b\n")
            Thread.sleep(forTimeInterval: 0.3)  // the partner keeps it open a while: not ready
            writer.append("1,2\n")
            return writer.close()
        }
        // A close alone proves nothing (the writer may reopen to append): ready one settle later,
        // not before (the upper bound only says it did come).
        let (ready, at) = checked(collected)
        #expect(ready.map(\.name) == ["orders.csv"])
        let latency = (at.first ?? .nan) - closed
        #expect(latency >= 1 && latency < 10, "close -> ready: \(latency) s with settle 1 s")
        print("latency close after writing in place -> ready (settle 1 s): \(milliseconds(latency)) ms")
    }

    @Test func slowWriterHoldingTheFileIsReportedOnlyOnceSettledAfterClose() async throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 1)
        #expect(await watch.ready(within: 0).isEmpty)
        let (collected, closed) = await whileWaiting({ collectBlocking(watch, count: 1, within: 30) }) {
            let writer = inbox.open("storefront", "slow.csv")
            for line in 0..<10 {
                writer.append("line \(line)\n")
                Thread.sleep(forTimeInterval: 0.2)  // the partner's pace (on the partner's thread)
            }
            return writer.close()
        }
        let (ready, at) = checked(collected)
        #expect(ready.map(\.name) == ["slow.csv"])
        #expect(ready.first?.size == 70)
        let latency = (at.first ?? .nan) - closed
        #expect(latency >= 0.8 && latency < 10, "close -> ready: \(latency) s with settle 1 s")
        print("latency slow in-place writer, close -> ready (inotify, settle 1 s): \(milliseconds(latency)) ms")
    }

    @Test func slowAppenderIsReportedOnlyOnceSettledWhenPolling() async throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], mode: .poll, settle: 0.5)
        #expect(await watch.ready(within: 0).isEmpty)
        let (collected, lastWrite) = await whileWaiting({ collectBlocking(watch, count: 1, within: 30) }) {
            for line in 0..<10 {
                let writer = inbox.open("storefront", "slow.csv", append: true)  // like `>>`, closed each time
                writer.append("line \(line)\n")
                writer.close()
                if line < 9 { Thread.sleep(forTimeInterval: 0.2) }  // the partner's pace (on the partner's thread)
            }
            return now()
        }
        let (ready, at) = checked(collected)
        let latency = (at.first ?? .nan) - lastWrite
        #expect(ready.map(\.name) == ["slow.csv"])
        #expect(ready.first?.size == 70)
        #expect(latency >= 0.5 - 0.01)  // an observation may fall between the last write and its stamp
        #expect(latency < 10)  // it did come (settle 0.5 s)
        print("latency slow appender, last write -> ready (poll, settle 0.5 s): \(milliseconds(latency)) ms")
    }

    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func burstOfTwoHundredFilesIsReportedOnceInOrder(mode: InboxWatch.Mode) async throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], mode: mode, settle: 0.3)
        #expect(await watch.ready(within: 0).isEmpty)
        let names = (0..<200).map { "orders-\(String(1000 + $0).dropFirst()).csv" }
        let (collected, dropped) = await whileWaiting({ collectBlocking(watch, count: 200, within: 60) }) {
            names.map { inbox.drop("storefront", $0, "event_id\n\($0)\n") }.last ?? 0
        }
        let (ready, at) = checked(collected)
        #expect(ready.map(\.name) == names)
        #expect(Set(ready.map(\.name)).count == ready.count)
        #expect(await watch.ready(within: 0.5).isEmpty)
        if let last = at.last {
            print("latency burst of 200 (\(mode)), last rename -> last ready: \(milliseconds(last - dropped)) ms")
        }
    }

    @Test func feedFolderCreatedAfterTheStartIsWatched() async throws {
        let inbox = try TemporaryInbox(feeds: [])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["late", "racy", "unknown"], settle: 0.3)
        #expect(await watch.ready(within: 0).isEmpty)
        try FileManager.default.createDirectory(atPath: inbox.root + "/late", withIntermediateDirectories: false)
        #expect(await watch.ready(within: 0.3).isEmpty)  // takes in the new folder
        let (waited, dropped) = await whileWaiting({ stamped(watch.nextReady(timeout: 30)) }) {
            inbox.drop("late", "a.csv", "x\n")
        }
        #expect(waited.value.map(\.name) == ["a.csv"])
        let latency = waited.at - dropped
        #expect(latency < 5, "rename -> ready: \(latency) s")  // on its event, not a rescan (600 s away)
        print("latency in a feed folder created after the start: \(milliseconds(latency)) ms")
        // A folder and its first file at once: found by the rescan the new folder triggers.
        try FileManager.default.createDirectory(atPath: inbox.root + "/racy", withIntermediateDirectories: false)
        inbox.drop("racy", "b.csv", "y\n")
        let (racy, _) = await collect(watch, count: 1, within: 3)
        #expect(racy.map { $0.feed + "/" + $0.name } == ["racy/b.csv"])
    }

    @Test func feedFolderOrRootRemovedAndCreatedAgainIsWatchedAgain() async throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 0.3)
        #expect(await watch.ready(within: 0).isEmpty)
        try FileManager.default.removeItem(atPath: inbox.root + "/storefront")
        #expect(await watch.ready(within: 0.2).isEmpty)
        try FileManager.default.createDirectory(atPath: inbox.root + "/storefront", withIntermediateDirectories: false)
        #expect(await watch.ready(within: 0.2).isEmpty)
        let (first, dropped) = await whileWaiting({ stamped(watch.nextReady(timeout: 30)) }) {
            inbox.drop("storefront", "a.csv", "x\n")
        }
        #expect(first.value.map(\.name) == ["a.csv"])
        #expect(first.at - dropped < 5)
        // The whole root: watched again at the next wait (the daemon waits a second at most).
        try FileManager.default.removeItem(atPath: inbox.root)
        #expect(await watch.ready(within: 0.2).isEmpty)
        try FileManager.default.createDirectory(atPath: inbox.root + "/storefront", withIntermediateDirectories: true)
        inbox.drop("storefront", "b.csv", "y\n")
        let (ready, _) = await collect(watch, count: 1, within: 4, step: 1)
        #expect(ready.map(\.name) == ["b.csv"])
        let (last, later) = await whileWaiting({ stamped(watch.nextReady(timeout: 30)) }) {
            inbox.drop("storefront", "c.csv", "z\n")
        }
        #expect(last.value.map(\.name) == ["c.csv"])
        #expect(last.at - later < 5)
    }

    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func sameNameDroppedAgainAfterTheFirstWasMovedAwayIsReportedAgain(mode: InboxWatch.Mode) async throws {
        let inbox = try TemporaryInbox(feeds: ["storefront", "processing"])
        defer { inbox.remove() }
        let watch = try InboxWatch(
            root: inbox.root, feeds: ["storefront"], mode: mode, settle: 0.3, rescanInterval: 0.4)
        inbox.drop("storefront", "orders.csv", "same\n")
        #expect(await collect(watch, count: 1, within: 3).ready.map(\.name) == ["orders.csv"])
        // Still there (not claimed yet): not reported again, rescans or not.
        #expect(await watch.ready(within: 1).isEmpty)
        // Claimed the way the engine does it (link, unlink), then the same name, same bytes again.
        #expect(link(inbox.root + "/storefront/orders.csv", inbox.root + "/processing/orders.csv") == 0)
        #expect(unlink(inbox.root + "/storefront/orders.csv") == 0)
        inbox.drop("storefront", "orders.csv", "same\n")
        #expect(await collect(watch, count: 1, within: 3).ready.map(\.name) == ["orders.csv"])
        #expect(await watch.ready(within: 0.5).isEmpty)
    }

    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func wakeEndsABlockedWaitPromptly(mode: InboxWatch.Mode) async throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], mode: mode)
        // A wait of 60 s, woken while it waits: it returns at once (5 s allowed on a busy machine).
        let (waited, woken) = await whileWaiting({ stamped(watch.nextReady(timeout: 60)) }) {
            let time = now()
            watch.wake()
            return time
        }
        let latency = waited.at - woken
        #expect(waited.value.isEmpty)
        #expect(latency < 5, "wake -> return: \(latency) s")
        print("latency wake() -> blocked nextReady returns (\(mode)): \(milliseconds(latency)) ms")
        // A wake that comes first ends the next wait.
        watch.wake()
        let next = now()
        let again = await onOwnThread { stamped(watch.nextReady(timeout: 60)) }
        #expect(again.value.isEmpty)
        #expect(again.at - next < 5)
    }

    @Test func overflowMakesTheWatchRescan() async throws {
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 0.2, rescanInterval: 3600)
        #expect(await watch.ready(within: 0).isEmpty)
        let scans = watch.scanCount
        inbox.drop("storefront", "lost.csv", "x\n")
        try #require(watch.watcher != nil)
        watch.watcher?.discardQueuedEvents()  // as if the kernel had dropped them
        #expect(await watch.ready(within: 0.6).isEmpty)
        #expect(watch.scanCount == scans)
        watch.watcher?.simulateOverflow()
        let (ready, _) = await collect(watch, count: 1, within: 3)
        #expect(ready.map(\.name) == ["lost.csv"])
        #expect(watch.scanCount == scans + 1)
    }

    @Test func realQueueOverflowLosesNoFile() async throws {
        let limit =
            Int(
                (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? Int.max
        guard limit <= 65536 else { return }  // too many files to provoke it here
        let inbox = try TemporaryInbox(feeds: ["storefront"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["storefront"], settle: 0.2, rescanInterval: 3600)
        #expect(await watch.ready(within: 0).isEmpty)
        let count = limit / 3 + 100  // created, modified, closed: three events each
        for index in 0..<count { inbox.write("storefront", "f\(index).csv", "x\n") }
        let (ready, _) = await collect(watch, count: count, within: 30)
        #expect(ready.count == count)
        #expect(Set(ready.map(\.name)).count == count)
        #expect(watch.scanCount >= 2)
    }

    /// When polling (network file systems, whose clock may differ), even files with old mtimes
    /// settle from when they were first seen.
    @Test func pollingFindsFilesInOrderAndRespectsSettle() async throws {
        let inbox = try TemporaryInbox(feeds: ["a", "b"])
        defer { inbox.remove() }
        inbox.write("a", "z.csv", "1\n", mtime: 100)
        inbox.write("b", "a.csv", "2\n", mtime: 100)
        inbox.write("a", "y.csv", "3\n", mtime: 50)
        inbox.write("a", "later.csv.part", "4\n")
        inbox.write("a", ".hidden.csv", "5\n")
        let started = now()
        let watch = try InboxWatch(root: inbox.root, feeds: ["a", "b"], mode: .poll, settle: 0.6)
        let (first, at) = await collect(watch, count: 3, within: 5)
        #expect(first.map { $0.feed + "/" + $0.name } == ["a/y.csv", "a/z.csv", "b/a.csv"])
        #expect((at.first ?? 0) - started >= 0.6)
        let (collected, written) = await whileWaiting({ collectBlocking(watch, count: 1, within: 30) }) {
            inbox.write("b", "new.csv", "6\n")
            return now()
        }
        let (second, when) = checked(collected)
        let latency = (when.first ?? .nan) - written
        #expect(second.map(\.name) == ["new.csv"])
        #expect(latency >= 0.6 - 0.01)  // an observation may fall between the write and its stamp
        #expect(latency < 10)  // it did come (settle 0.6 s)
        #expect(await watch.ready(within: 1).isEmpty)  // the .part and the hidden file never
        print("latency write -> ready (poll, settle 0.6 s): \(milliseconds(latency)) ms")
    }

    /// A backlog waiting at the start is reported before a file renamed in afterwards, in
    /// processing order; in both modes (with inotify at once: its mtimes are long past).
    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func backlogAtTheStartIsReportedFirstAndInOrder(mode: InboxWatch.Mode) async throws {
        let inbox = try TemporaryInbox(feeds: ["a", "b"])
        defer { inbox.remove() }
        for index in 0..<30 {
            inbox.write(
                index % 2 == 0 ? "a" : "b", "old-\(100 + index).csv", "\(index)\n", mtime: 1_000_000 + 10 * (30 - index)
            )
        }
        let watch = try InboxWatch(root: inbox.root, feeds: ["a", "b"], mode: mode, settle: 5, rescanInterval: 600)
        inbox.drop("a", "new.csv", "new\n", mtime: 2_000_000)
        // With inotify the first look, without waiting, has them all; polling waits the settle time.
        let ready = mode == .inotify ? await watch.ready(within: 0) : await collect(watch, count: 31, within: 20).ready
        let expected = (0..<30).reversed().map { ($0 % 2 == 0 ? "a/" : "b/") + "old-\(100 + $0).csv" }
        #expect(ready.map { $0.feed + "/" + $0.name } == expected + ["a/new.csv"])
    }

    /// A file renamed in is ready at once, but not before an older file (in processing order)
    /// still settling: it is held back until that one is ready, then both come in order. A ready
    /// file older than the settling one is not held.
    @Test(arguments: [InboxWatch.Mode.inotify, .poll])
    func readyFileWaitsForAnOlderFileStillSettling(mode: InboxWatch.Mode) async throws {
        let inbox = try TemporaryInbox(feeds: ["a", "b"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["a", "b"], mode: mode, settle: 1.5, rescanInterval: 600)
        #expect(await watch.ready(within: 0).isEmpty)
        inbox.write("b", "settling.csv", "1\n")  // written in place: settles for 1.5 s
        inbox.drop("a", "newer.csv", "2\n", mtime: Int(Date().timeIntervalSince1970) + 60)
        inbox.drop("a", "older.csv", "3\n", mtime: 1_000_000)
        let (ready, at) = await collect(watch, count: 3, within: 15)
        #expect(ready.map(\.name) == ["older.csv", "settling.csv", "newer.csv"])
        if mode == .inotify, at.count == 3 {
            // Renamed in: the older one at once, the newer one only with the settled one.
            #expect(at[0] < at[1] && at[1] == at[2])
        }
    }

    /// `rediscover()` (after a pass that failed) reports again the files still in the inbox.
    @Test func rediscoverReportsTheFilesStillThereAgain() async throws {
        let inbox = try TemporaryInbox(feeds: ["a"])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root, feeds: ["a"], settle: 5, rescanInterval: 600)
        inbox.drop("a", "x.csv", "1\n", mtime: 1_000_000)
        inbox.drop("a", "y.csv", "2\n", mtime: 1_000_001)
        #expect(await collect(watch, count: 2, within: 5).ready.map(\.name) == ["x.csv", "y.csv"])
        #expect(unlink(inbox.root + "/a/x.csv") == 0)  // taken
        #expect(await watch.ready(within: 0.2).isEmpty)
        watch.rediscover()
        #expect(await watch.ready(within: 0).map(\.name) == ["y.csv"])
    }

    @Test func missingRootIsCreated() async throws {
        let inbox = try TemporaryInbox(feeds: [])
        defer { inbox.remove() }
        let watch = try InboxWatch(root: inbox.root + "/inbox", feeds: ["storefront"])
        #expect(FileManager.default.fileExists(atPath: inbox.root + "/inbox"))
        #expect(await watch.ready(within: 0).isEmpty)
    }
}
