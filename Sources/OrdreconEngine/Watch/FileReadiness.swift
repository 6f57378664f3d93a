/// Decides when an inbox file is complete, from what inotify said about it and from what was
/// seen of its size and modification time. Pure: the caller does the I/O and passes the time.
///
/// A file is ready at once when its last event was a rename into the folder. Otherwise (written
/// in place, even when closed: a writer may reopen it to append; polling, rescans, network file
/// systems, hard links) it is ready once its size and modification time have stayed the same for
/// `settle` seconds.
struct FileReadiness {
    /// A file in a feed's inbox folder.
    struct Key: Hashable, Sendable {
        var feed: String
        var name: String
    }

    private struct Entry {
        /// Last observed size and mtime (nil: only known from events so far).
        var size: Int64?
        var mtime: Int64?
        /// When the file was last seen to change (an event, or an observation that differed).
        var stableSince: Double
        /// Closed after writing or moved in, and not written to since.
        var closed: Bool
    }

    /// Seconds a file's size and mtime must stay unchanged for it to be ready without a close event.
    let settle: Double
    private var entries: [Key: Entry] = [:]

    init(settle: Double) {
        self.settle = max(0, settle)
    }

    /// The files being tracked.
    var tracked: [Key] { Array(entries.keys) }

    /// inotify reported IN_MOVED_TO: complete, unless written to again.
    mutating func closed(feed: String, name: String, at time: Double) {
        let key = Key(feed: feed, name: name)
        entries[key, default: Entry(stableSince: time, closed: true)].closed = true
    }

    /// inotify reported IN_MODIFY, IN_CREATE or IN_CLOSE_WRITE: written in place; settle counts from now.
    mutating func modified(feed: String, name: String, at time: Double) {
        let key = Key(feed: feed, name: name)
        var entry = entries[key] ?? Entry(stableSince: time, closed: false)
        entry.closed = false
        entry.stableSince = time
        entries[key] = entry
    }

    /// The file was seen (`stat`) with this size and mtime.
    ///
    /// A first observation of a file known from events keeps the events' time; one of a file not
    /// known yet, or one that differs from the last, starts the settle period now.
    mutating func observe(feed: String, name: String, size: Int64, mtime: Int64, at time: Double) {
        let key = Key(feed: feed, name: name)
        guard var entry = entries[key] else {
            entries[key] = Entry(size: size, mtime: mtime, stableSince: time, closed: false)
            return
        }
        if entry.size != nil, entry.size != size || entry.mtime != mtime {
            entry.stableSince = time
        }
        entry.size = size
        entry.mtime = mtime
        entries[key] = entry
    }

    /// Stops tracking a file (gone, or reported).
    mutating func forget(feed: String, name: String) {
        entries[Key(feed: feed, name: name)] = nil
    }

    /// Whether the file is ready at `time`.
    func isReady(feed: String, name: String, at time: Double) -> Bool {
        guard let entry = entries[Key(feed: feed, name: name)] else { return false }
        return entry.closed || (entry.size != nil && time - entry.stableSince >= settle)
    }

    /// Files that are ready at `time`, or may be once observed again (their settle period is over
    /// but they were not seen since): the caller observes these, then asks ``isReady(feed:name:at:)``.
    func candidates(at time: Double) -> [Key] {
        entries.compactMap { key, entry in
            entry.closed || time - entry.stableSince >= settle ? key : nil
        }
    }

    /// The files ready at `time`.
    func readyFiles(at time: Double) -> [Key] {
        candidates(at: time).filter { isReady(feed: $0.feed, name: $0.name, at: time) }
    }

    /// The earliest time a file not ready yet may become ready by settling (nil: none tracked).
    var nextDeadline: Double? {
        entries.values.lazy.filter { !$0.closed }.map { $0.stableSince + self.settle }.min()
    }
}
