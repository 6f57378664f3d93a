/// What happened to one file in a run.
public struct FileSummary: Sendable {
    public var feed: String
    public var name: String
    public var events = 0
    public var applied = 0
    public var duplicate = 0
    public var rejected = 0
    public var rejectedByCode: [String: Int] = [:]
    /// The file's size.
    public var bytes = 0
    public var seconds: Double = 0
    /// Set when the whole file was refused.
    public var failure: Rejection?
    /// Its name under `archive/` or `failed/`.
    public var finalName: String?
    /// The rejection file written for it, if any.
    public var rejectionFile: String?
    /// True when the file was begun by an earlier, interrupted run.
    public var resumed = false

    public var hasRejections: Bool { rejected > 0 || failure != nil }

    public init(feed: String, name: String) {
        self.feed = feed
        self.name = name
    }
}

/// An inbox entry a run could not finish, left where it is for a later run.
public struct UnfinishedFile: Sendable {
    public enum Cause: String, Sendable {
        /// It could not be moved out of the inbox (or into `failed/`); reported on every run.
        case cannotMove = "cannot_move"
        /// Reading it failed part-way (an I/O error); it resumes on the next run.
        case readError = "read_error"
        /// Another process still has it open for writing; it resumes on the next run.
        case stillBeingWritten = "still_being_written"
        /// A feed folder that is not a directory (a symbolic link is not followed).
        case unusableFolder = "unusable_folder"
    }

    public var feed: String
    public var name: String
    public var cause: Cause
    public var message: String

    /// Whether a person must act (everything but a file still being written).
    public var needsAttention: Bool { cause != .stillBeingWritten }

    public init(feed: String, name: String, cause: Cause, message: String) {
        self.feed = feed
        self.name = name
        self.cause = cause
        self.message = message
    }
}

/// What a run did: per file, and in total.
public struct RunSummary: Sendable {
    public init() {}

    public var runId: Int64 = 0
    public var files: [FileSummary] = []
    /// Entries left unfinished (not moved, not readable, still being written), with why.
    public var unfinished: [UnfinishedFile] = []
    public var seconds: Double = 0
    public var refundsRecorded = 0
    public var invoicesRecorded = 0
    /// The run was stopped on request before it finished (the rest is left for the next run).
    public var interrupted = false
    /// The invoice and credit note PDFs written (nil when the run wrote none).
    public var documents: DocumentReport?
    /// What sending pending refunds to the gateway did (nil when the run did not send).
    public var refundDelivery: DispatchReport?
    /// The run report's HTML file (`outbox/reports/<run id>.html`), when one was written.
    public var reportHTML: String?
    /// The run report's JSON file (`outbox/reports/<run id>.json`), when one was written.
    public var reportJSON: String?

    public var events: Int { files.reduce(0) { $0 + $1.events } }
    public var applied: Int { files.reduce(0) { $0 + $1.applied } }
    public var duplicate: Int { files.reduce(0) { $0 + $1.duplicate } }
    public var rejected: Int { files.reduce(0) { $0 + $1.rejected } }
    public var failedFiles: Int { files.filter { $0.failure != nil }.count }

    public var rejectedByCode: [String: Int] {
        var totals: [String: Int] = [:]
        for file in files {
            for (code, count) in file.rejectedByCode { totals[code, default: 0] += count }
            if let failure = file.failure { totals[failure.code.rawValue, default: 0] += 1 }
        }
        return totals
    }

    /// Whether anything was refused (an event or a whole file), or an entry could not be taken
    /// and needs a person.
    public var hasRejections: Bool { files.contains { $0.hasRejections } || unfinished.contains { $0.needsAttention } }

    /// The summary as JSON.
    public var json: JSONValue {
        func codes(_ counts: [String: Int]) -> JSONValue {
            .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })
        }
        let fileValues: [JSONValue] = files.map { file in
            var fields: [(String, JSONValue)] = [
                ("feed", .string(file.feed)), ("file", .string(file.name)),
                ("events", .int(Int64(file.events))), ("applied", .int(Int64(file.applied))),
                ("duplicate", .int(Int64(file.duplicate))), ("rejected", .int(Int64(file.rejected))),
                ("rejected_by_code", codes(file.rejectedByCode)),
                ("seconds", .string(JSONText.seconds(file.seconds))), ("resumed", .bool(file.resumed)),
            ]
            if let failure = file.failure {
                fields.append(
                    (
                        "file_rejected",
                        .object([("code", .string(failure.code.rawValue)), ("message", .string(failure.message))])
                    ))
            }
            fields.append(("final_name", .optional(file.finalName)))
            fields.append(("rejection_file", .optional(file.rejectionFile)))
            return .object(fields)
        }
        return .object([
            ("run_id", .int(runId)),
            ("files", .array(fileValues)),
            (
                "total",
                .object([
                    ("files", .int(Int64(files.count))), ("failed_files", .int(Int64(failedFiles))),
                    ("events", .int(Int64(events))), ("applied", .int(Int64(applied))),
                    ("duplicate", .int(Int64(duplicate))), ("rejected", .int(Int64(rejected))),
                    ("rejected_by_code", codes(rejectedByCode)),
                    ("invoices_recorded", .int(Int64(invoicesRecorded))),
                    ("refunds_recorded", .int(Int64(refundsRecorded))),
                    ("seconds", .string(JSONText.seconds(seconds))),
                ])
            ),
            (
                "unfinished",
                .array(
                    unfinished.map { entry in
                        .object([
                            ("feed", .string(entry.feed)), ("file", .string(entry.name)),
                            ("cause", .string(entry.cause.rawValue)), ("message", .string(entry.message)),
                        ])
                    })
            ),
            ("interrupted", .bool(interrupted)),
            ("documents", documents?.json ?? .null),
            ("refund_delivery", refundDelivery?.json ?? .null),
            (
                "report",
                reportHTML == nil && reportJSON == nil
                    ? .null : .object([("html", .optional(reportHTML)), ("json", .optional(reportJSON))])
            ),
        ])
    }
}
