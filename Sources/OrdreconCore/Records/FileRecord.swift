/// What the database knows of one input file.
public struct FileRecord: Sendable, Hashable {
    public enum State: String, Sendable {
        /// Claimed; events are being applied (resume at `resumeOffset` after a crash).
        case processing
        /// Every event has its audit record; the file still has to be archived.
        case done
        /// Rejected as a whole; it still has to be moved to `failed/`.
        case failed
    }

    public var id: Int64
    public var feed: String
    public var name: String
    public var format: String
    public var size: Int64
    public var mtimeNanoseconds: Int64
    public var state: State
    public var finalized: Bool
    public var resumeOffset: Int64
    public var resumeLine: Int
    public var csvHeader: String?
    public var jsonShape: String?
    public var events: Int
    public var applied: Int
    public var duplicate: Int
    public var rejected: Int
    public var failureCode: String?
    public var failureReason: String?
    public var finalName: String?
    public var busyMilliseconds: Int64
    /// The file's inode when claimed: tells a resumed file from a new one of the same name.
    public var inode: Int64

    public init(
        id: Int64, feed: String, name: String, format: String, size: Int64, mtimeNanoseconds: Int64, state: State,
        finalized: Bool, resumeOffset: Int64, resumeLine: Int, csvHeader: String?, jsonShape: String?, events: Int,
        applied: Int, duplicate: Int, rejected: Int, failureCode: String?, failureReason: String?, finalName: String?,
        busyMilliseconds: Int64, inode: Int64
    ) {
        self.id = id
        self.feed = feed
        self.name = name
        self.format = format
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.state = state
        self.finalized = finalized
        self.resumeOffset = resumeOffset
        self.resumeLine = resumeLine
        self.csvHeader = csvHeader
        self.jsonShape = jsonShape
        self.events = events
        self.applied = applied
        self.duplicate = duplicate
        self.rejected = rejected
        self.failureCode = failureCode
        self.failureReason = failureReason
        self.finalName = finalName
        self.busyMilliseconds = busyMilliseconds
        self.inode = inode
    }
}

/// Outcome counts to add to a file's totals with a batch.
public struct OutcomeCounts: Sendable, Hashable {
    public var events = 0
    public var applied = 0
    public var duplicate = 0
    public var rejected = 0

    public init() {}

    public mutating func add(_ outcome: Outcome) {
        events += 1
        switch outcome {
        case .applied: applied += 1
        case .duplicate: duplicate += 1
        case .rejected: rejected += 1
        }
    }
}
