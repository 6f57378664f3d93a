// The audit log as the review commands and the run reports read it.

/// What to select from the audit log. Every filter that is nil (or false) selects everything.
public struct AuditFilter: Sendable, Hashable {
    /// Recorded at or after this instant.
    public var since: Timestamp?
    /// Recorded strictly before this instant (callers turn an inclusive bound into this).
    public var until: Timestamp?
    public var feed: String?
    public var reasonCode: String?
    /// The input file's name as dropped (or its name in archive/ / failed/ when that differs).
    public var fileName: String?
    public var orderId: String?
    public var returnId: String?
    public var eventId: String?
    public var outcome: String?
    /// Rejections only: leave out those resolved by a later applied event.
    public var openOnly = false

    public init() {}
}

/// One audit record, for listings.
public struct AuditRecord: Sendable, Hashable {
    public var id: Int64
    public var feed: String
    public var fileName: String
    public var line: Int?
    public var eventId: String?
    public var entity: String?
    /// The return id for returns, else the order id.
    public var entityId: String?
    public var orderId: String?
    public var returnId: String?
    public var status: String?
    public var occurredAt: Timestamp?
    public var actor: String
    public var outcome: String
    public var reasonCode: String?
    public var message: String?
    public var recordedAt: Timestamp

    public init(
        id: Int64, feed: String, fileName: String, line: Int?, eventId: String?, entity: String?, entityId: String?,
        orderId: String?, returnId: String?, status: String?, occurredAt: Timestamp?, actor: String, outcome: String,
        reasonCode: String?, message: String?, recordedAt: Timestamp
    ) {
        self.id = id
        self.feed = feed
        self.fileName = fileName
        self.line = line
        self.eventId = eventId
        self.entity = entity
        self.entityId = entityId
        self.orderId = orderId
        self.returnId = returnId
        self.status = status
        self.occurredAt = occurredAt
        self.actor = actor
        self.outcome = outcome
        self.reasonCode = reasonCode
        self.message = message
        self.recordedAt = recordedAt
    }
}

/// A rejected event and whether a later applied event of the same feed and `event_id` fixed it.
public struct RejectionRecord: Sendable, Hashable {
    public var record: AuditRecord
    /// The applied audit record that resolved it, when there is one.
    public var resolvedBy: Resolution?

    public struct Resolution: Sendable, Hashable {
        public var auditId: Int64
        public var fileName: String
        public var line: Int?
        public var recordedAt: Timestamp

        public init(auditId: Int64, fileName: String, line: Int?, recordedAt: Timestamp) {
            self.auditId = auditId
            self.fileName = fileName
            self.line = line
            self.recordedAt = recordedAt
        }
    }

    public init(record: AuditRecord, resolvedBy: Resolution?) {
        self.record = record
        self.resolvedBy = resolvedBy
    }

    public var isResolved: Bool { resolvedBy != nil }
}

/// A page of audit records and how many matched in all.
public struct AuditPage: Sendable {
    public var records: [AuditRecord]
    /// All matching records (equal to `records.count` unless the limit cut the list).
    public var totalMatching: Int
    public var isTruncated: Bool { totalMatching > records.count }

    public init(records: [AuditRecord], totalMatching: Int) {
        self.records = records
        self.totalMatching = totalMatching
    }
}

/// One rejected event (or whole-file rejection) of a run, as the run report shows it.
public struct RunRejectionRow: Sendable, Hashable {
    public var code: String
    public var feed: String
    /// The name the file had in the inbox.
    public var fileName: String
    /// Its name under `archive/` or `failed/` (nil while the file is not finalized).
    public var finalName: String?
    public var line: Int?
    public var eventId: String?
    public var entity: String?
    /// The order id, or the return id for returns.
    public var entityId: String?
    public var message: String

    public init(
        code: String, feed: String, fileName: String, finalName: String?, line: Int?, eventId: String?,
        entity: String?, entityId: String?, message: String
    ) {
        self.code = code
        self.feed = feed
        self.fileName = fileName
        self.finalName = finalName
        self.line = line
        self.eventId = eventId
        self.entity = entity
        self.entityId = entityId
        self.message = message
    }
}
