import Foundation

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
/// `@unchecked Sendable`: the state is only used under `lock`, held for the whole of
/// ``nextReady(timeout:)``; ``wake()`` only writes to the wake-up pipe, which needs no lock.
public final class InboxWatch: @unchecked Sendable {
    /// How changes in the inbox are noticed.
    public enum Mode: Sendable {
        /// Kernel notifications (Linux inotify), with periodic rescans as a safety net.
        case inotify
        /// Scans only, for file systems where inotify does not see other machines' writes.
        case poll
    }

    /// A file's identity: a new file under an old name differs in at least one of these.
    private struct Identity: Hashable {
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
    private let scanInterval: Double
    private let lock = NSLock()
    private var readiness: FileReadiness
    private var reported: [FileReadiness.Key: Identity] = [:]
    private var nextScan = 0.0
    private var rescanRequested = true
    /// How many full scans were made (tests).
    private(set) var scanCount = 0

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
        readiness = FileReadiness(settle: settle)
    }

    /// Ends a ``nextReady(timeout:)`` in progress on another thread promptly (with no files), or
    /// the next one if none is in progress.
    public func wake() { waker.wake() }

    /// Waits up to `timeout` seconds (0: just looks) for files to become ready.
    /// - Returns: the files ready now, not returned before, in processing order (mtime, feed,
    ///   name); empty when the time is up or ``wake()`` was called.
    public func nextReady(timeout: Double) -> [ReadyFile] {
        lock.lock()
        defer { lock.unlock() }
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
            let now = SystemClock.monotonicSeconds()
            if rescanRequested || now >= nextScan { rescan(at: now) }
            let ready = collectReady(at: now)
            if !ready.isEmpty || now >= deadline { return ready }
            wait = min(deadline, nextScan) - now
            if let settled = readiness.nextDeadline { wait = min(wait, settled - now) }
            wait = max(0, wait)
        }
    }

    /// Takes in what inotify reported.
    private func apply(_ events: WatchEvents, at time: Double) {
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

    /// Lists the whole inbox: observes every file not reported yet, forgets the ones gone.
    private func rescan(at time: Double) {
        scanCount += 1
        rescanRequested = false
        nextScan = time + scanInterval
        _ = watcher?.refreshWatches()
        guard let files = try? InboxScanner.scan(root: root, feeds: feeds) else { return }  // try again next time
        var present: Set<FileReadiness.Key> = []
        for file in files {
            let key = FileReadiness.Key(feed: file.feed, name: file.name)
            present.insert(key)
            if reported[key] == Identity(file.info) { continue }
            readiness.observe(feed: file.feed, name: file.name, size: file.info.size, mtime: file.info.mtimeNanoseconds, at: time)
        }
        for key in readiness.tracked where !present.contains(key) { readiness.forget(feed: key.feed, name: key.name) }
        reported = reported.filter { present.contains($0.key) }
    }

    /// The files ready at `time` and not reported yet, in processing order; marks them reported.
    private func collectReady(at time: Double) -> [ReadyFile] {
        var ready: [ReadyFile] = []
        for key in readiness.candidates(at: time) {
            let path = root + "/" + key.feed + "/" + key.name
            guard let info = FileSystem.info(path), info.isRegularFile else {
                readiness.forget(feed: key.feed, name: key.name)
                continue
            }
            readiness.observe(feed: key.feed, name: key.name, size: info.size, mtime: info.mtimeNanoseconds, at: time)
            guard readiness.isReady(feed: key.feed, name: key.name, at: time) else { continue }
            readiness.forget(feed: key.feed, name: key.name)
            let identity = Identity(info)
            if reported[key] == identity { continue }
            reported[key] = identity
            ready.append(
                ReadyFile(feed: key.feed, name: key.name, path: path, size: info.size, mtimeNanoseconds: info.mtimeNanoseconds))
        }
        return ready.sorted(by: ReadyFile.inProcessingOrder)
    }
}
