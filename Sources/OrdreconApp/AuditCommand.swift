import ArgumentParser
import Foundation
import OrdreconCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Search the audit log: one record per event, in order of recording.",
        discussion: """
            Filters combine (all must match). At most --limit records are shown; the output says \
            when more match. CSV cells that a spreadsheet would read as a formula get a leading '.
            """)

    @OptionGroup var options: ConfigOptions
    @OptionGroup var window: TimeWindowOptions

    @Option(name: .long, help: "Only events of this order id (its returns' events included).")
    var order: String?

    @Option(name: .customLong("return"), help: "Only events of this return id.")
    var returnId: String?

    @Option(name: .customLong("event"), help: "Only events with this event_id.")
    var eventId: String?

    @Option(name: .long, help: "Only this input file (its name as dropped, or as archived).")
    var file: String?

    @Option(name: .long, help: "Only this outcome: applied, duplicate or rejected.")
    var outcome: String?

    @Option(name: .long, help: "Only this feed.")
    var feed: String?

    @Option(name: .long, help: "Only this reason code.")
    var code: String?

    @Option(name: .long, help: "Show at most this many records.")
    var limit: Int = 1000

    @Flag(name: .long, help: "Print JSON (same as --format json).")
    var json = false

    @Option(name: .long, help: "table, csv or json.")
    var format: ReviewFormat?

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        if json, let format, format != .json {
            throw ValidationError("--json and --format \(format.rawValue) contradict each other")
        }
    }

    func run() throws {
        let configuration = try options.load()
        let zone = configuration.timeZone
        var filter = AuditFilter()
        try window.apply(to: &filter, zone: zone)
        filter.orderId = order
        filter.returnId = returnId
        filter.eventId = eventId
        filter.fileName = file
        filter.feed = feed
        filter.reasonCode = try ReviewStore.reasonCode(code)
        if let outcome {
            guard let known = Outcome(rawValue: outcome.lowercased()) else {
                throw ValidationError(
                    "--outcome \"\(outcome)\" is not an outcome; one of: "
                        + Outcome.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.outcome = known.rawValue
        }
        let store = try ReviewStore.open(configuration)
        let page = try ReviewStore.query { () throws(StoreError) in try store.auditRecords(filter, limit: limit) }
        switch json ? .json : (format ?? .table) {
        case .table:
            Console.print(AuditView.text(page, zone: zone, limit: limit))
        case .csv:
            CSVOutput.write(AuditView.csv(page.records, zone: zone))
            if page.isTruncated { printError(AuditView.truncationNote(page, limit: limit)) }
        case .json:
            Console.print(AuditView.json(page, zone: zone, limit: limit).text(indent: 2))
        }
    }
}

/// Renders audit records.
enum AuditView {
    static func truncationNote(_ page: AuditPage, limit: Int) -> String {
        "Showing the first \(page.records.count) of \(page.totalMatching) matching records; narrow the search or raise --limit (now \(limit))."
    }

    static func text(_ page: AuditPage, zone: TimeZone, limit: Int) -> String {
        guard !page.records.isEmpty else { return "No audit records match." }
        var out = Table.render(
            [
                [
                    "RECORDED AT", "FEED", "FILE", "LINE", "EVENT ID", "ENTITY", "ENTITY ID", "STATUS", "OUTCOME",
                    "CODE", "MESSAGE",
                ]
            ]
                + page.records.map { r in
                    [
                        r.recordedAt.iso8601(in: zone), TerminalText.cell(r.feed), TerminalText.cell(r.fileName),
                        r.line.map(String.init) ?? "-", TerminalText.cell(r.eventId), TerminalText.cell(r.entity),
                        TerminalText.cell(r.entityId), TerminalText.cell(r.status), r.outcome, r.reasonCode ?? "",
                        TerminalText.cell(r.message),
                    ]
                })
        out += "\n\n" + (page.isTruncated ? truncationNote(page, limit: limit) : "\(page.records.count) record(s).")
        return out
    }

    static let csvHeader = [
        "audit_id", "recorded_at", "feed", "file", "line", "event_id", "entity", "entity_id", "order_id", "return_id",
        "status", "occurred_at", "actor", "outcome", "reason_code", "message",
    ]

    static func csv(_ records: [AuditRecord], zone: TimeZone) -> String {
        CSVOutput.document(
            header: csvHeader,
            rows: records.map { r in
                [
                    "\(r.id)", r.recordedAt.iso8601(in: zone), r.feed, r.fileName, r.line.map(String.init) ?? "",
                    r.eventId ?? "",
                    r.entity ?? "", r.entityId ?? "", r.orderId ?? "", r.returnId ?? "", r.status ?? "",
                    r.occurredAt.map { $0.iso8601(in: zone) } ?? "", r.actor, r.outcome, r.reasonCode ?? "",
                    r.message ?? "",
                ]
            })
    }

    static func json(_ page: AuditPage, zone: TimeZone, limit: Int) -> JSONValue {
        .object([
            ("count", .int(Int64(page.records.count))),
            ("total_matching", .int(Int64(page.totalMatching))),
            ("limit", .int(Int64(limit))),
            ("truncated", .bool(page.isTruncated)),
            (
                "records",
                .array(
                    page.records.map { r in
                        .object([
                            ("audit_id", .int(r.id)), ("recorded_at", .string(r.recordedAt.iso8601(in: zone))),
                            ("feed", .string(r.feed)), ("file", .string(r.fileName)),
                            ("line", .optional(r.line.map(Int64.init))),
                            ("event_id", .optional(r.eventId)), ("entity", .optional(r.entity)),
                            ("entity_id", .optional(r.entityId)),
                            ("order_id", .optional(r.orderId)), ("return_id", .optional(r.returnId)),
                            ("status", .optional(r.status)),
                            ("occurred_at", .optional(r.occurredAt.map { $0.iso8601(in: zone) })),
                            ("actor", .string(r.actor)),
                            ("outcome", .string(r.outcome)), ("reason_code", .optional(r.reasonCode)),
                            ("message", .optional(r.message)),
                        ])
                    })
            ),
        ])
    }
}
