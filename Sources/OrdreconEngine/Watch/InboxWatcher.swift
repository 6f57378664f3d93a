import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watches an inbox root and its configured feed folders with inotify (Linux), including feed
/// folders created after the start.
///
/// Names ``InboxScanner`` ignores (hidden, `.part`, `.tmp`…) are not reported; a rename from such
/// a name to the real one arrives as the real name, closed or moved in.
///
/// Checked `Sendable`: the descriptor and the watch table live in a `Mutex` (held for the whole
/// of a wait); ``wake()`` only writes to the wake-up pipe, which needs no lock.
public final class InboxWatcher: Sendable {
    static let rootMask = UInt32(IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
    static let feedMask = UInt32(
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF
            | IN_MOVE_SELF | IN_ONLYDIR)

    let root: String
    let feeds: [String]
    let waker: Waker
    private let state: Mutex<Inner>

    /// The descriptor, the watch table and the read buffer.
    fileprivate struct Inner: ~Copyable {
        let root: String
        let feeds: [String]
        var fd: Int32
        var rootWatch: Int32?
        var feedByWatch: [Int32: String] = [:]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var overflowForTesting = false

        deinit { if fd >= 0 { Glibc.close(fd) } }

        /// Stops watching.
        mutating func close() {
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
            rootWatch = nil
            feedByWatch = [:]
        }
    }

    /// Starts watching `root` and the folders of `feeds` under it. A missing root or feed folder is
    /// watched once it appears.
    /// - Throws: ``FileSystemError`` when inotify cannot be set up (limits on instances or watches,
    ///   permissions, `root` not a directory).
    public init(root: String, feeds: [String]) throws(FileSystemError) {
        self.root = root
        self.feeds = feeds
        waker = try Waker()
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw FileSystemError(operation: "start inotify for", path: root, errno: errno) }
        var inner = Inner(root: root, feeds: feeds, fd: fd)  // closes the descriptor when thrown away
        if let error = inner.addMissingWatches().error { throw error }
        state = Mutex(inner)
    }

    /// Stops watching. Call it once no wait is in progress (or after ``wake()``); dropping the
    /// watcher does it too.
    public func close() {
        state.withLock { $0.close() }
    }

    /// Ends a wait in progress on another thread, or the next wait if none is in progress.
    public func wake() { waker.wake() }

    /// Waits up to `timeout` seconds for events (returning at once when some are queued, or when
    /// woken), and reads all that are queued.
    public func wait(timeout: Double) -> WatchEvents {
        let waker = self.waker
        return state.withLock { inner in
            var batch = WatchEvents.Collector()
            guard inner.fd >= 0 else { return batch.built }
            if inner.rootWatch == nil, inner.addMissingWatches().added { batch.events.foldersChanged = true }
            if inner.overflowForTesting {
                inner.overflowForTesting = false
                batch.events.overflowed = true
            }
            inner.readQueued(into: &batch)
            // Always looks at the wake-up pipe, so a stream of events cannot hold a wake back.
            let (woken, readable) = waker.wait(timeout: batch.isEmpty ? timeout : 0, with: inner.fd)
            batch.events.woken = woken
            if readable { inner.readQueued(into: &batch) }
            return batch.built
        }
    }

    /// Watches the root and the existing feed folders not watched yet.
    /// - Returns: whether a watch was added (the caller should rescan).
    func refreshWatches() -> Bool {
        state.withLock { $0.fd >= 0 && $0.addMissingWatches().added }
    }

    /// Makes the next wait report an overflow, as if the kernel had dropped events (tests).
    func simulateOverflow() {
        state.withLock { $0.overflowForTesting = true }
    }

    /// Reads and drops the queued events, as if the kernel had lost them (tests).
    func discardQueuedEvents() {
        state.withLock { inner in
            var batch = WatchEvents.Collector()
            inner.readQueued(into: &batch)
        }
    }
}

extension InboxWatcher.Inner {
    // MARK: - Watches

    /// Watches the root and the existing feed folders not watched yet (a missing folder is no error).
    /// - Returns: whether a watch was added, and the first failure (the others were still tried).
    mutating func addMissingWatches() -> (added: Bool, error: FileSystemError?) {
        var added = false
        if rootWatch == nil {
            let wd = inotify_add_watch(fd, root, InboxWatcher.rootMask)
            if wd < 0 {
                let error = FileSystemError(operation: "watch (inotify)", path: root, errno: errno)
                return (false, error.errno == ENOENT ? nil : error)
            }
            rootWatch = wd
            added = true
        }
        var firstError: FileSystemError?
        let watched = Set(feedByWatch.values)
        for feed in feeds where !watched.contains(feed) {
            do {
                if try addFeedWatch(feed) { added = true }
            } catch {
                firstError = firstError ?? error
            }
        }
        return (added, firstError)
    }

    mutating func addFeedWatch(_ feed: String) throws(FileSystemError) -> Bool {
        let path = root + "/" + feed
        let wd = inotify_add_watch(fd, path, InboxWatcher.feedMask)
        if wd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return false }
            throw FileSystemError(operation: "watch (inotify)", path: path, errno: errno)
        }
        feedByWatch[wd] = feed
        return true
    }

    // MARK: - Events

    mutating func readQueued(into batch: inout WatchEvents.Collector) {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }  // EAGAIN: nothing more queued
            for event in Self.parse(buffer, count: count) {
                handle(wd: event.wd, mask: event.mask, name: event.name, into: &batch)
            }
        }
    }

    /// The `struct inotify_event`s in the first `count` bytes: wd, mask, cookie, len, then `len`
    /// bytes of NUL-padded name.
    static func parse(_ buffer: [UInt8], count: Int) -> [(wd: Int32, mask: UInt32, name: String)] {
        buffer.withUnsafeBytes { bytes in
            var events: [(wd: Int32, mask: UInt32, name: String)] = []
            var offset = 0
            while offset + 16 <= count {
                let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let name = bytes[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
                events.append(
                    (
                        bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                        bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                        FileNames.display(Array(name))
                    ))
                offset += 16 + length
            }
            return events
        }
    }

    mutating func handle(wd: Int32, mask: UInt32, name: String, into batch: inout WatchEvents.Collector) {
        func has(_ flag: Int32) -> Bool { mask & UInt32(flag) != 0 }
        if has(IN_Q_OVERFLOW) {
            batch.events.overflowed = true
            return
        }
        if wd == rootWatch {
            handleRoot(wd: wd, mask: mask, name: name, into: &batch)
            return
        }
        guard let feed = feedByWatch[wd] else { return }  // a watch already removed
        if has(IN_IGNORED) {
            feedByWatch[wd] = nil
            batch.events.foldersChanged = true
        } else if has(IN_MOVE_SELF) {
            // The watch follows the folder to wherever it went: no longer this feed's folder.
            inotify_rm_watch(fd, wd)
            feedByWatch[wd] = nil
            batch.events.foldersChanged = true
        } else if has(IN_DELETE_SELF) {
            batch.events.foldersChanged = true  // IN_IGNORED follows
        } else if name.isEmpty || InboxScanner.isIgnored(name) {
            return
        } else if has(IN_ISDIR) {
            // A folder dropped into a feed folder is moved to failed/ like any other entry that is
            // not a regular file: it needs no settling.
            if has(IN_CREATE) || has(IN_MOVED_TO) { batch.written(feed, name, complete: true) }
            if has(IN_DELETE) || has(IN_MOVED_FROM) { batch.removed(feed, name) }
        } else if has(IN_DELETE) || has(IN_MOVED_FROM) {
            batch.removed(feed, name)
        } else if has(IN_MOVED_TO) {
            // Renamed into the folder: partners write under a temporary name, so it is whole.
            batch.written(feed, name, complete: true)
        } else if has(IN_CLOSE_WRITE) || has(IN_MODIFY) || has(IN_CREATE) {
            // Written in place: a close proves nothing (a writer may reopen and append), so the
            // file must then stay unchanged for the settle time.
            batch.written(feed, name, complete: false)
        }
    }

    mutating func handleRoot(wd: Int32, mask: UInt32, name: String, into batch: inout WatchEvents.Collector) {
        func has(_ flag: Int32) -> Bool { mask & UInt32(flag) != 0 }
        if has(IN_IGNORED) || has(IN_MOVE_SELF) {
            // The root went away (or moved, and the watches follow it): start again when it is back.
            for feedWatch in feedByWatch.keys { inotify_rm_watch(fd, feedWatch) }
            if has(IN_MOVE_SELF) { inotify_rm_watch(fd, wd) }
            feedByWatch = [:]
            rootWatch = nil
            batch.events.foldersChanged = true
        } else if has(IN_ISDIR), has(IN_CREATE) || has(IN_MOVED_TO), feeds.contains(name) {
            if (try? addFeedWatch(name)) == true { batch.events.foldersChanged = true }  // else: rescans only
        }
    }
}
