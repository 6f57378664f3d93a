import Logging

/// A watcher's reports: the inbox files (`feed`, `name`) found ready since it was last asked.
public typealias ReadyFiles = () -> [(feed: String, name: String)]

/// The files one pass of the engine takes, in processing order (mtime, feed, name).
///
/// Without a watcher it is every ready file of one scan of the inbox (`run`). With one, it is the
/// files the watcher reported, asked again before each file: a file reported meanwhile joins the
/// queue in its place, so it is taken before any newer one still waiting.
struct PassQueue {
    private struct Key: Hashable {
        var feed: String
        var name: String
    }

    let root: String
    let feeds: [String]
    let ready: ReadyFiles?
    private var files: [InboxFile] = []
    private var position = 0
    private var wanted: Set<Key> = []
    private var started = false
    /// Feed folders the last listing could not read as folders (symbolic links are not followed).
    private(set) var unusableFolders: [String] = []

    init(root: String, feeds: [String], ready: ReadyFiles?) {
        self.root = root
        self.feeds = feeds
        self.ready = ready
    }

    /// The files after the last one taken, as the queue holds them now, and their size.
    var upcoming: (files: Int, bytes: Int64) {
        let rest = files[min(position, files.count)...]
        return (rest.count, rest.reduce(0) { $0 + $1.info.size })
    }

    /// The next file to take, or nil when none is left.
    mutating func next(logger: Logger, runId: Int64) throws -> InboxFile? {
        let first = !started
        started = true
        if let ready {
            let reported = ready()
            if !reported.isEmpty {
                wanted.formUnion(reported.map { Key(feed: $0.feed, name: $0.name) })
                // Listed again, so that every wanted file is in its place; files gone are dropped.
                let listing = try InboxScanner.scanReportingFolders(root: root, feeds: feeds)
                unusableFolders = listing.unusableFolders
                files = listing.files.filter { wanted.contains(Key(feed: $0.feed, name: $0.name)) }
                wanted = Set(files.map { Key(feed: $0.feed, name: $0.name) })
                position = 0
                if !first { logger.debug("\(reported.count) more file(s) ready", metadata: ["run.id": "\(runId)"]) }
            }
        } else if first {
            let listing = try InboxScanner.scanReportingFolders(root: root, feeds: feeds)
            unusableFolders = listing.unusableFolders
            files = listing.files
        }
        if first, !files.isEmpty {
            logger.info("inbox has \(files.count) ready file(s)", metadata: ["run.id": "\(runId)"])
        }
        guard position < files.count else { return nil }
        let file = files[position]
        position += 1
        wanted.remove(Key(feed: file.feed, name: file.name))
        return file
    }
}
