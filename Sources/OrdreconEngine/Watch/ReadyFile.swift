/// An inbox file that is complete and may be processed.
public struct ReadyFile: Sendable, Hashable {
    /// The feed (the inbox folder's name).
    public var feed: String
    /// The file's name in the feed's folder.
    public var name: String
    /// The file's path (`root/feed/name`).
    public var path: String
    /// The size in bytes when it was found ready.
    public var size: Int64
    /// The modification time, in nanoseconds since 1970, when it was found ready.
    public var mtimeNanoseconds: Int64

    /// A ready file as found (tests and callers that build their own).
    public init(feed: String, name: String, path: String, size: Int64, mtimeNanoseconds: Int64) {
        self.feed = feed
        self.name = name
        self.path = path
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
    }

    /// Processing order of the inbox contract: modification time, then feed, then name.
    static func inProcessingOrder(_ a: ReadyFile, _ b: ReadyFile) -> Bool {
        if a.mtimeNanoseconds != b.mtimeNanoseconds { return a.mtimeNanoseconds < b.mtimeNanoseconds }
        if a.feed != b.feed { return a.feed < b.feed }
        return a.name < b.name
    }
}
