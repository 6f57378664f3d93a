/// Decides when an inbox file is complete, from what inotify said about it and from what was
/// seen of its size and modification time. Pure: the caller does the I/O and passes the time.
///
/// A file is ready at once when its last event was a rename into the folder. Otherwise (written
/// in place, even when closed: a writer may reopen it to append; polling, rescans, network file
/// systems, hard links) it is ready once its size and modification time have stayed the same for
/// `settle` seconds. A file first found by listing its folder counts as unchanged for the age the
/// caller gives (the age of its mtime, where that clock can be trusted), so a backlog whose mtimes
/// are already `settle` old is ready at once.
///
/// A file found by listing is only *confirmed* once a second listing, started after the first
/// had ended, saw it too (or an event told of it): a listing may miss a name added while it ran
/// and still return one added after it, so only then is every file renamed in before it known.
/// An unconfirmed file is never ready.
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
        /// Known from an event, or seen by two listings.
        var confirmed: Bool
        /// Listings that saw it.
        var listings = 0
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
        var entry = entries[key] ?? Entry(stableSince: time, closed: true, confirmed: true)
        entry.closed = true
        entry.confirmed = true
        entries[key] = entry
    }

    /// inotify reported IN_MODIFY, IN_CREATE or IN_CLOSE_WRITE: written in place; settle counts from now.
    mutating func modified(feed: String, name: String, at time: Double) {
        let key = Key(feed: feed, name: name)
        var entry = entries[key] ?? Entry(stableSince: time, closed: false, confirmed: true)
        entry.closed = false
        entry.confirmed = true
        entry.stableSince = time
        entries[key] = entry
    }

    /// The file was seen with this size and mtime, by a listing of its folder (`listed`) or by a
    /// `stat` of a file already tracked.
    ///
    /// A file not known yet counts as unchanged for `age` seconds (now minus its mtime, 0 when in
    /// the future); a first observation of a file known from events keeps the events' time; one
    /// that differs from the last starts the settle period now.
    mutating func observe(
        feed: String, name: String, size: Int64, mtime: Int64, age: Double = 0, listed: Bool = true, at time: Double
    ) {
        let key = Key(feed: feed, name: name)
        var entry = entries[key] ?? Entry(stableSince: time - max(0, age), closed: false, confirmed: false)
        if entry.size != nil, entry.size != size || entry.mtime != mtime {
            entry.stableSince = time
        }
        entry.size = size
        entry.mtime = mtime
        if listed {
            entry.listings += 1
            if entry.listings >= 2 { entry.confirmed = true }
        }
        entries[key] = entry
    }

    /// Stops tracking a file (gone, or reported).
    mutating func forget(feed: String, name: String) {
        entries[Key(feed: feed, name: name)] = nil
    }

    /// Whether the file is ready at `time`.
    func isReady(feed: String, name: String, at time: Double) -> Bool {
        guard let entry = entries[Key(feed: feed, name: name)], entry.confirmed else { return false }
        return entry.closed || (entry.size != nil && time - entry.stableSince >= settle)
    }

    /// The size and mtime last observed, if any.
    func observed(feed: String, name: String) -> (size: Int64, mtime: Int64)? {
        guard let entry = entries[Key(feed: feed, name: name)], let size = entry.size, let mtime = entry.mtime else {
            return nil
        }
        return (size, mtime)
    }

    /// Whether some file awaits a listing to be confirmed.
    var awaitsListing: Bool { entries.values.contains { !$0.confirmed } }

    /// Files that are ready at `time`, or may be once observed again (their settle period is over
    /// but they were not seen since): the caller observes these, then asks ``isReady(feed:name:at:)``.
    func candidates(at time: Double) -> [Key] {
        entries.compactMap { key, entry in
            entry.confirmed && (entry.closed || time - entry.stableSince >= settle) ? key : nil
        }
    }

    /// The files ready at `time`.
    func readyFiles(at time: Double) -> [Key] {
        candidates(at: time).filter { isReady(feed: $0.feed, name: $0.name, at: time) }
    }

    /// The earliest time a file not ready yet may become ready by settling (nil: none tracked).
    var nextDeadline: Double? {
        entries.values.lazy.filter { $0.confirmed && !$0.closed }.map { $0.stableSince + self.settle }.min()
    }

    /// The earliest time after `time` at which a file may become ready by settling (files already
    /// settled but held back behind an older one do not count).
    func nextDeadline(after time: Double) -> Double? {
        entries.values.lazy.filter { $0.confirmed && !$0.closed }.map { $0.stableSince + self.settle }.filter {
            $0 > time
        }.min()
    }
}
