public import OrdreconCore

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
