import ArgumentParser
import Foundation
import OrdreconCore

/// Output formats of the review commands.
enum ReviewFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// `--since` / `--until`: a time window on when events were recorded.
struct TimeWindowOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only events recorded at or after this time: an ISO 8601 time, or a date YYYY-MM-DD (its start); without an offset read in the configured zone.",
            valueName: "time"))
    var since: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only events recorded at or before this time; a date YYYY-MM-DD includes that whole day.",
            valueName: "time"))
    var until: String?

    /// Sets `filter.since` (inclusive) and `filter.until` (exclusive) from the options.
    func apply(to filter: inout AuditFilter, zone: TimeZone) throws {
        if let since { filter.since = try TimeWindowOptions.bound(since, option: "--since", zone: zone, upper: false) }
        if let until { filter.until = try TimeWindowOptions.bound(until, option: "--until", zone: zone, upper: true) }
    }

    /// A date's start (or, for an upper bound, the next day's start), or a time (an upper bound
    /// includes it: one millisecond later, exclusive).
    static func bound(_ text: String, option: String, zone: TimeZone, upper: Bool) throws -> Timestamp {
        let text = text.trimmingCharacters(in: .whitespaces)
        do {
            if isDate(text) {
                let start = try Timestamp(iso8601: text + "T00:00", zone: zone)
                guard upper else { return start }
                // 36 hours later is always on the next calendar day, whatever the zone's shifts.
                let nextDay = Timestamp(milliseconds: start.milliseconds + 36 * 3_600_000).civil(in: zone).dateText
                return try Timestamp(iso8601: nextDay + "T00:00", zone: zone)
            }
            let time = try Timestamp(iso8601: text, zone: zone)
            return upper ? Timestamp(milliseconds: time.milliseconds + 1) : time
        } catch {
            throw ValidationError(
                "\(option) \"\(text)\" \(error.description); expected a date YYYY-MM-DD or \(Timestamp.expectedForm)")
        }
    }

    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return false }
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 7 {
                if b != UInt8(ascii: "-") { return false }
            } else if !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
                return false
            }
        }
        return true
    }
}

/// Opening the database for the review commands.
enum ReviewStore {
    /// The store, read-only; fails with 66 when there is no database yet, 78 when it is refused
    /// (``DatabaseGate``: written by a newer ordrecon, missing while the workspace has history,
    /// or a PostgreSQL server that cannot be reached).
    static func open(_ configuration: Configuration) throws -> any StateStore {
        try DatabaseGate.checkHistory(configuration.engineSettings)
        do {
            return try configuration.engineSettings.stores.openForReading()
        } catch {
            try DatabaseGate.refuseNewerSchema(error)
            throw CommandFailure.internal("\(error)")
        }
    }

    /// Runs a query, turning a store error into a failure (exit 70; 75 when the database stayed busy).
    static func query<T>(_ body: () throws(StoreError) -> T) throws(CommandFailure) -> T {
        do {
            return try body()
        } catch  where error.isBusy {
            throw CommandFailure.busy("the database stayed busy: \(error); try again later")
        } catch {
            throw CommandFailure.internal("\(error)")
        }
    }

    /// A reason code given on the command line, checked against the known codes.
    static func reasonCode(_ text: String?) throws -> String? {
        guard let text else { return nil }
        let code = text.lowercased()
        guard ReasonCode(rawValue: code) != nil else {
            throw ValidationError(
                "--code \"\(text)\" is not a reason code; one of: "
                    + ReasonCode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return code
    }
}

struct RejectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejections",
        abstract: "The review queue: rejected events, counted by reason code, open or resolved.",
        discussion: """
            A rejection is resolved when the same feed later applied an event with the same event_id \
            (for example the corrected .rejected.csv dropped back into the inbox). The table shows the \
            counts per reason code first, then the rows in order of recording. CSV cells that a \
            spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) get a leading '.
            """)

    @OptionGroup var options: ConfigOptions
    @OptionGroup var window: TimeWindowOptions

    @Option(name: .long, help: "Only this feed.")
    var feed: String?

    @Option(name: .long, help: "Only this reason code (e.g. unknown_order).")
    var code: String?

    @Option(name: .long, help: "Only this input file (its name as dropped, or as archived).")
    var file: String?

    @Option(name: .long, help: "Only events of this order id.")
    var order: String?

    @Flag(name: .long, help: "Hide resolved rejections.")
    var open = false

    @Option(name: .long, help: "table, csv or json.")
    var format: ReviewFormat = .table

    func run() throws {
        let configuration = try options.load()
        let zone = configuration.timeZone
        var filter = AuditFilter()
        try window.apply(to: &filter, zone: zone)
        filter.feed = feed
        filter.reasonCode = try ReviewStore.reasonCode(code)
        filter.fileName = file
        filter.orderId = order
        filter.openOnly = open
        let store = try ReviewStore.open(configuration)
        let rows = try ReviewStore.query { () throws(StoreError) in try store.rejections(filter) }
        switch format {
        case .table: Console.print(RejectionsView.text(rows, zone: zone, openOnly: open))
        case .csv: CSVOutput.write(RejectionsView.csv(rows, zone: zone))
        case .json: Console.print(RejectionsView.json(rows, zone: zone).text(indent: 2))
        }
    }
}

/// Renders the review queue.
enum RejectionsView {
    struct Count {
        var code: String
        var open = 0
        var resolved = 0
        var total: Int { open + resolved }
    }

    /// Counts per reason code, in the contract's check order (unknown codes last, by name).
    static func counts(_ rows: [RejectionRecord]) -> [Count] {
        var byCode: [String: Count] = [:]
        for row in rows {
            let code = row.record.reasonCode ?? ""
            if row.isResolved {
                byCode[code, default: Count(code: code)].resolved += 1
            } else {
                byCode[code, default: Count(code: code)].open += 1
            }
        }
        return byCode.values.sorted { a, b in
            switch (ReasonCode(rawValue: a.code), ReasonCode(rawValue: b.code)) {
            case (let x?, let y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.code < b.code
            }
        }
    }

    static func resolutionText(_ r: RejectionRecord.Resolution) -> String {
        "\(r.fileName):\(r.line.map(String.init) ?? "-")"
    }

    static func text(_ rows: [RejectionRecord], zone: TimeZone, openOnly: Bool) -> String {
        guard !rows.isEmpty else { return openOnly ? "No open rejections match." : "No rejections match." }
        let resolved = rows.filter(\.isResolved).count
        var out = "\(rows.count) rejection(s): \(rows.count - resolved) open, \(resolved) resolved\n\n"
        out +=
            Table.render(
                [["CODE", "OPEN", "RESOLVED", "TOTAL"]]
                    + counts(rows).map {
                        [$0.code, "\($0.open)", "\($0.resolved)", "\($0.total)"]
                    }) + "\n\n"
        out += Table.render(
            [["RECORDED AT", "FEED", "FILE", "LINE", "EVENT ID", "ENTITY ID", "CODE", "RESOLVED", "MESSAGE"]]
                + rows.map { row in
                    let r = row.record
                    return [
                        r.recordedAt.iso8601(in: zone), TerminalText.cell(r.feed), TerminalText.cell(r.fileName),
                        r.line.map(String.init) ?? "-", TerminalText.cell(r.eventId), TerminalText.cell(r.entityId),
                        r.reasonCode ?? "",
                        row.resolvedBy.map { "yes (" + TerminalText.cell(resolutionText($0)) + ")" } ?? "no",
                        TerminalText.cell(r.message),
                    ]
                })
        return out
    }

    static let csvHeader = [
        "recorded_at", "feed", "file", "line", "event_id", "entity", "entity_id", "order_id", "return_id", "status",
        "reason_code", "message", "resolved", "resolved_by_file", "resolved_by_line", "resolved_at",
    ]

    static func csv(_ rows: [RejectionRecord], zone: TimeZone) -> String {
        CSVOutput.document(
            header: csvHeader,
            rows: rows.map { row in
                let r = row.record
                return [
                    r.recordedAt.iso8601(in: zone), r.feed, r.fileName, r.line.map(String.init) ?? "", r.eventId ?? "",
                    r.entity ?? "", r.entityId ?? "", r.orderId ?? "", r.returnId ?? "", r.status ?? "",
                    r.reasonCode ?? "",
                    r.message ?? "", row.isResolved ? "yes" : "no", row.resolvedBy?.fileName ?? "",
                    row.resolvedBy?.line.map(String.init) ?? "",
                    row.resolvedBy.map { $0.recordedAt.iso8601(in: zone) } ?? "",
                ]
            })
    }

    static func json(_ rows: [RejectionRecord], zone: TimeZone) -> JSONValue {
        let resolved = rows.filter(\.isResolved).count
        return .object([
            ("total", .int(Int64(rows.count))),
            ("open", .int(Int64(rows.count - resolved))),
            ("resolved", .int(Int64(resolved))),
            (
                "counts",
                .array(
                    counts(rows).map { c in
                        .object([
                            ("code", .string(c.code)), ("open", .int(Int64(c.open))),
                            ("resolved", .int(Int64(c.resolved))), ("total", .int(Int64(c.total))),
                        ])
                    })
            ),
            (
                "rejections",
                .array(
                    rows.map { row in
                        let r = row.record
                        return .object([
                            ("recorded_at", .string(r.recordedAt.iso8601(in: zone))), ("feed", .string(r.feed)),
                            ("file", .string(r.fileName)), ("line", .optional(r.line.map(Int64.init))),
                            ("event_id", .optional(r.eventId)), ("entity", .optional(r.entity)),
                            ("entity_id", .optional(r.entityId)),
                            ("order_id", .optional(r.orderId)), ("return_id", .optional(r.returnId)),
                            ("status", .optional(r.status)),
                            ("reason_code", .optional(r.reasonCode)), ("message", .optional(r.message)),
                            ("resolved", .bool(row.isResolved)),
                            (
                                "resolved_by",
                                row.resolvedBy.map { res in
                                    .object([
                                        ("file", .string(res.fileName)), ("line", .optional(res.line.map(Int64.init))),
                                        ("recorded_at", .string(res.recordedAt.iso8601(in: zone))),
                                    ])
                                } ?? .null
                            ),
                        ])
                    })
            ),
        ])
    }
}
