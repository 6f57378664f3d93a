import Foundation
import OrdreconCore
import Synchronization

/// Finds the inbox files that are ready to be processed, as soon as they are, for a daemon:
/// each file once (until it leaves the inbox), in the inbox contract's processing order.
///
/// In `.inotify` mode a file is ready when it is closed after writing or renamed into its feed
/// folder; files seen by a rescan (at the start, every `rescanInterval`, after the kernel dropped
/// events) and files created without a close (hard links) are ready once their size and mtime
/// have not changed for `settle` seconds. In `.poll` mode (network file systems) the inbox is
/// scanned every `min(settle, 1) / 2` seconds and only the settle rule applies.
///
/// A file is told apart from an earlier one of the same name by its inode, size and mtime, so a
/// name dropped again after the first file was moved away is reported again.
///
/// Files waiting at the start and files found by a rescan keep the contract's order with the
/// rest: a ready file is held back while an older one (in processing order) is still settling or
/// not confirmed by a second listing (see ``FileReadiness``). In `.inotify` mode a file first
/// listed counts as unchanged since its mtime, so a backlog whose mtimes are `settle` old is ready
/// at once; in `.poll` mode, meant for network file systems whose clock may differ from this
/// machine's, its settle time starts when it is first seen.
///
/// Checked `Sendable`: the state lives in a `Mutex`, held for the whole of
/// ``nextReady(timeout:)``; ``wake()`` only writes to the wake-up pipe, which needs no lock.
public final class InboxWatch: Sendable {
    /// How changes in the inbox are noticed.
    public enum Mode: Sendable {
        /// Kernel notifications (Linux inotify), with periodic rescans as a safety net.
        case inotify
        /// Scans only, for file systems where inotify does not see other machines' writes.
        case poll
    }

    /// A file's identity: a new file under an old name differs in at least one of these.
    fileprivate struct Identity: Hashable {
        var inode: Int64
        var size: Int64
        var mtime: Int64

        init(_ info: FileInfo) {
            inode = info.inode
            size = info.size
            mtime = info.mtimeNanoseconds
        }
    }

    let root: String
    let feeds: [String]
    /// The inotify watcher (nil in `.poll` mode).
    let watcher: InboxWatcher?
    private let waker: Waker
    private let state: Mutex<State>

    /// What the watch knows of the inbox.
    fileprivate struct State {
        let root: String
        let feeds: [String]
        let watcher: InboxWatcher?
        let waker: Waker
        let scanInterval: Double
        var readiness: FileReadiness
        var reported: [FileReadiness.Key: InboxWatch.Identity] = [:]
        /// Where entries whose names are not shown as they are (not UTF-8, control bytes) really are.
        var locations: [FileReadiness.Key: RawPath] = [:]
        var nextScan = 0.0
        var rescanRequested = true
        /// How many full scans were made (tests).
        var scanCount = 0
    }

    /// How many full scans were made (tests).
    var scanCount: Int { state.withLock { $0.scanCount } }

    /// Starts watching `root/<feed>` for every feed (creating `root` when it is missing).
    /// - Parameters:
    ///   - mode: inotify, or polling for network file systems.
    ///   - settle: seconds a file's size and mtime must stay unchanged when no close was seen.
    ///   - rescanInterval: seconds between full scans in `.inotify` mode.
    /// - Throws: ``FileSystemError`` when the root cannot be created or inotify cannot be set up.
    public init(
        root: String, feeds: [String], mode: Mode = .inotify, settle: Double = 2, rescanInterval: Double = 30
    ) throws(FileSystemError) {
        self.root = root
        self.feeds = feeds
        try FileSystem.makeDirectories(root)
        let scanInterval: Double
        switch mode {
        case .inotify:
            let watcher = try InboxWatcher(root: root, feeds: feeds)
            self.watcher = watcher
            waker = watcher.waker
            scanInterval = max(0.05, rescanInterval)
        case .poll:
            watcher = nil
            waker = try Waker()
            scanInterval = max(0.05, min(settle, 1) / 2)
        }
        state = Mutex(
            State(
                root: root, feeds: feeds, watcher: watcher, waker: waker, scanInterval: scanInterval,
                readiness: FileReadiness(settle: settle)))
    }

    /// Ends a ``nextReady(timeout:)`` in progress on another thread promptly (with no files), or
    /// the next one if none is in progress.
    public func wake() { waker.wake() }

    /// Forgets what was reported and what was seen, and looks at the whole inbox again on the next
    /// ``nextReady(timeout:)``: files reported but not taken (a pass that failed) are reported again.
    public func rediscover() {
        state.withLock { state in
            state.readiness = FileReadiness(settle: state.readiness.settle)
            state.reported = [:]
            state.rescanRequested = true
        }
    }

    /// Waits up to `timeout` seconds (0: just looks) for files to become ready.
    /// - Returns: the files ready now, not returned before, in processing order (mtime, feed,
    ///   name); empty when the time is up or ``wake()`` was called.
    public func nextReady(timeout: Double) -> [ReadyFile] {
        state.withLock { $0.nextReady(timeout: timeout) }
    }
}

extension InboxWatch.State {
    mutating func nextReady(timeout: Double) -> [ReadyFile] {
        let deadline = SystemClock.monotonicSeconds() + max(0, timeout)
        var wait = 0.0
        while true {
            // What happened (blocking up to `wait`), then a look at the files it concerns.
            if let watcher {
                let events = watcher.wait(timeout: wait)
                apply(events, at: SystemClock.monotonicSeconds())
                if events.woken { return [] }
            } else if waker.wait(timeout: wait).woken {
                return []
            }
            var now = SystemClock.monotonicSeconds()
            if rescanRequested || now >= nextScan {
                rescan(at: now)
                // A file listed may have been renamed in after older ones the listing missed;
                // their events are queued by now.
                if let watcher {
                    let events = watcher.wait(timeout: 0)
                    apply(events, at: SystemClock.monotonicSeconds())
                    if events.woken { return [] }
                }
                now = SystemClock.monotonicSeconds()
            }
            let ready = collectReady(at: now)
            if !ready.isEmpty || now >= deadline { return ready }
            wait = min(deadline, nextScan) - now
            if let settled = readiness.nextDeadline(after: now) { wait = min(wait, settled - now) }
            wait = rescanRequested ? 0 : max(0, wait)
        }
    }

    /// Takes in what inotify reported.
    mutating func apply(_ events: WatchEvents, at time: Double) {
        for (feed, name) in events.removed {
            readiness.forget(feed: feed, name: name)
            reported[FileReadiness.Key(feed: feed, name: name)] = nil
        }
        if events.overflowed {
            // Events were lost, a write after a close among them maybe: trust only what settles.
            readiness = FileReadiness(settle: readiness.settle)
            rescanRequested = true
            return
        }
        if events.foldersChanged { rescanRequested = true }
        for (feed, name) in events.modified { readiness.modified(feed: feed, name: name, at: time) }
        for (feed, name) in events.closedOrMovedIn { readiness.closed(feed: feed, name: name, at: time) }
    }

    /// Lists the whole inbox: observes every file not reported yet, forgets the ones gone. When
    /// the listing found files not confirmed yet, lists once more at once to confirm them.
    mutating func rescan(at time: Double) {
        scanCount += 1
        rescanRequested = false
        nextScan = time + scanInterval
        _ = watcher?.refreshWatches()
        guard list(at: time) else { return }  // try again next time
        if readiness.awaitsListing { _ = list(at: SystemClock.monotonicSeconds()) }
        // Files first seen by the second listing are confirmed by the next one (in inotify mode
        // their events usually do it first).
        if readiness.awaitsListing { nextScan = min(nextScan, time + 0.1) }
    }

    /// One listing of every feed folder. - Returns: false when it failed.
    mutating func list(at time: Double) -> Bool {
        guard let files = try? InboxScanner.scan(root: root, feeds: feeds) else { return false }
        // The mtime comes from the file system's clock: trusted only on a local one (inotify mode).
        let wall = watcher == nil ? nil : Double(SystemClock.now().milliseconds) / 1000
        var present: Set<FileReadiness.Key> = []
        for file in files {
            let key = FileReadiness.Key(feed: file.feed, name: file.name)
            present.insert(key)
            if !file.nameIsVerbatim { locations[key] = file.location }
            if reported[key] == InboxWatch.Identity(file.info) { continue }
            readiness.observe(
                feed: file.feed, name: file.name, size: file.info.size, mtime: file.info.mtimeNanoseconds,
                age: wall.map { $0 - Double(file.info.mtimeNanoseconds) / 1e9 } ?? 0, at: time)
        }
        for key in readiness.tracked where !present.contains(key) { readiness.forget(feed: key.feed, name: key.name) }
        reported = reported.filter { present.contains($0.key) }
        locations = locations.filter { present.contains($0.key) }
        return true
    }

    /// The files ready at `time` and not reported yet, in processing order, up to the oldest file
    /// still settling; marks them reported.
    mutating func collectReady(at time: Double) -> [ReadyFile] {
        var ready: [ReadyFile] = []
        var identities: [FileReadiness.Key: InboxWatch.Identity] = [:]
        for key in readiness.candidates(at: time) {
            let path = root + "/" + key.feed + "/" + key.name
            guard let info = entryInfo(key) else {
                readiness.forget(feed: key.feed, name: key.name)
                continue
            }
            readiness.observe(
                feed: key.feed, name: key.name, size: info.size, mtime: info.mtimeNanoseconds, listed: false, at: time)
            guard readiness.isReady(feed: key.feed, name: key.name, at: time) else { continue }
            identities[key] = InboxWatch.Identity(info)
            ready.append(
                ReadyFile(
                    feed: key.feed, name: key.name, path: path, size: info.size, mtimeNanoseconds: info.mtimeNanoseconds
                ))
        }
        guard !ready.isEmpty else { return [] }
        ready.sort(by: ReadyFile.inProcessingOrder)
        if let barrier = oldestUnready(
            at: time, besides: Set(ready.map { FileReadiness.Key(feed: $0.feed, name: $0.name) }))
        {
            ready = Array(ready.prefix { ReadyFile.inProcessingOrder($0, barrier) })
        }
        var reporting: [ReadyFile] = []
        for file in ready {
            let key = FileReadiness.Key(feed: file.feed, name: file.name)
            readiness.forget(feed: key.feed, name: key.name)
            let identity = identities[key]
            if reported[key] == identity { continue }
            reported[key] = identity
            reporting.append(file)
        }
        return reporting
    }

    /// The first, in processing order, of the tracked files that are not ready (still settling,
    /// or not confirmed by a listing), other than `ready`: no file after it may be reported yet.
    mutating func oldestUnready(at time: Double, besides ready: Set<FileReadiness.Key>) -> ReadyFile? {
        var oldest: ReadyFile?
        for key in readiness.tracked where !ready.contains(key) {
            let path = root + "/" + key.feed + "/" + key.name
            var seen = readiness.observed(feed: key.feed, name: key.name)
            if seen == nil {  // known from events only
                guard let info = entryInfo(key) else {
                    readiness.forget(feed: key.feed, name: key.name)
                    continue
                }
                readiness.observe(
                    feed: key.feed, name: key.name, size: info.size, mtime: info.mtimeNanoseconds, listed: false,
                    at: time)
                seen = (info.size, info.mtimeNanoseconds)
            }
            guard let seen else { continue }
            let file = ReadyFile(
                feed: key.feed, name: key.name, path: path, size: seen.size, mtimeNanoseconds: seen.mtime)
            if oldest.map({ ReadyFile.inProcessingOrder(file, $0) }) ?? true { oldest = file }
        }
        return oldest
    }

    /// The entry behind a key, of any kind (the engine fails what is not a regular file): by its
    /// shown name, or, for a name that is not shown as it is (not UTF-8, control bytes), by the
    /// bytes the last listing found; such a name only heard of from inotify asks for a listing.
    mutating func entryInfo(_ key: FileReadiness.Key) -> FileInfo? {
        if let location = locations[key] { return FileSystem.info(location) }
        if let info = FileSystem.info(root + "/" + key.feed + "/" + key.name) { return info }
        if key.name.contains("\\x") { rescanRequested = true }
        return nil
    }
}
