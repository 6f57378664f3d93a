import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconEngine

struct RefundsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refunds",
        abstract: "List refunds and their delivery to the gateway; show one; queue a failed one again.",
        subcommands: [RefundsListCommand.self, RefundsShowCommand.self, RefundsRetryCommand.self],
        defaultSubcommand: RefundsListCommand.self)
}

struct RefundsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List refunds, oldest first (the default of `ordrecon refunds`).")

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "Only refunds in this status: pending, sent or failed.")
    var status: String?

    @Option(name: .long, help: "Only the refunds of this order.")
    var order: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if let status, RefundStatus(rawValue: status.lowercased()) == nil {
            let known = RefundStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--status \"\(status)\" is not a refund status; one of: \(known)")
        }
    }

    func run() throws {
        let configuration = try options.load()
        let zone = configuration.timeZone
        let store = try ReviewStore.open(configuration)
        let records = try ReviewStore.query { () throws(StoreError) in
            try store.refunds(status: status.flatMap { RefundStatus(rawValue: $0.lowercased()) }, orderId: order)
        }
        if json {
            Console.print(
                JSONValue.object([
                    ("count", .int(Int64(records.count))),
                    ("total_paise", .int(records.reduce(0) { $0 + $1.amount.paise })),
                    ("refunds", .array(records.map { RefundView.json($0, zone: zone) })),
                ]).text(indent: 2))
            return
        }
        guard !records.isEmpty else {
            Console.print(
                "No refunds" + (status.map { " with status \($0.lowercased())" } ?? "")
                    + (order.map { " for order \($0)" } ?? "") + ".")
            return
        }
        let total = Money(paise: records.reduce(0) { $0 + $1.amount.paise })
        Console.print(
            Table.render(
                [
                    [
                        "REFUND ID", "ORDER", "RETURN", "AMOUNT", "STATUS", "ATTEMPTS", "LAST ATTEMPT",
                        "GATEWAY ID / LAST ERROR",
                    ]
                ]
                    + records.map { r in
                        [
                            TerminalText.cell(r.refundId), TerminalText.cell(r.orderId),
                            TerminalText.cell(r.returnId ?? "-"),
                            r.amount.decimalText, r.status.rawValue, "\(r.attempts)",
                            r.lastAttemptAt.map { $0.iso8601(in: zone) } ?? "-",
                            TerminalText.cell(r.status == .sent ? r.gatewayRefundId ?? "" : r.lastError ?? ""),
                        ]
                    }))
        Console.print("\(records.count) refund\(records.count == 1 ? "" : "s"), \(total.decimalText) INR")
    }
}

struct RefundsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one refund: its body, state and every attempt to send it.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The refund id (as listed by `ordrecon refunds`).")
    var refundId: String

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let zone = configuration.timeZone
        let store = try ReviewStore.open(configuration)
        let (record, attempts) = try ReviewStore.query { () throws(StoreError) in
            (try store.refunds().first { $0.refundId == refundId }, try store.refundAttempts(refundId))
        }
        guard let record else {
            throw CommandFailure.notFound("refund_not_found", "refund \(refundId) is unknown (see `ordrecon refunds`)")
        }
        if json {
            guard case .object(var fields) = RefundView.json(record, zone: zone) else { return }
            fields.append(("body", .string(record.body)))
            fields.append(("attempt_log", .array(attempts.map { RefundView.json($0, zone: zone) })))
            Console.print(JSONValue.object(fields).text(indent: 2))
            return
        }
        var out = "Refund \(TerminalText.cell(record.refundId)): \(record.status.rawValue)\n"
        out +=
            "Order \(TerminalText.cell(record.orderId))"
            + (record.returnId.map { ", return \(TerminalText.cell($0))" } ?? "")
            + ", \(record.kind), \(record.amount.decimalText) INR, payment \(TerminalText.cell(record.paymentRef))\n"
        out += "Recorded \(record.createdAt.iso8601(in: zone))"
        if let sent = record.sentAt {
            out += "; accepted \(sent.iso8601(in: zone)) as \(TerminalText.cell(record.gatewayRefundId ?? "-"))"
        }
        if let failed = record.failedAt, record.status == .failed { out += "; refused \(failed.iso8601(in: zone))" }
        if let requeued = record.requeuedAt { out += "; queued again \(requeued.iso8601(in: zone))" }
        if let next = record.nextAttemptAt, record.status == .pending {
            out += "; not before \(next.iso8601(in: zone))"
        }
        out += "\n"
        if let error = record.lastError { out += "Last error: \(TerminalText.cell(error))\n" }
        out += "Body (Idempotency-Key \(TerminalText.cell(record.refundId))): \(TerminalText.cell(record.body))\n"
        if attempts.isEmpty {
            out += "\nNo attempt yet.\n"
        } else {
            out +=
                "\nAttempts\n"
                + Table.render(
                    [["#", "STARTED", "OUTCOME", "HTTP", "ERROR", "MS", "MESSAGE / GATEWAY ID"]]
                        + attempts.map { a in
                            [
                                "\(a.attempt)", a.startedAt.iso8601(in: zone), a.outcome,
                                a.httpStatus.map(String.init) ?? "-",
                                a.errorKind.map { "\($0) (\(a.errorCode ?? 0))" } ?? "-",
                                a.durationMilliseconds.map(String.init) ?? "-",
                                TerminalText.cell(a.gatewayRefundId ?? a.message ?? ""),
                            ]
                        }) + "\n"
        }
        Console.print(out, terminator: "")
    }
}

struct RefundsRetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a failed refund again; the next run or dispatch sends it with the same key and body.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The id of a refund in status failed.")
    var refundId: String

    func run() throws {
        let configuration = try options.load()
        let settings = configuration.engineSettings
        try DatabaseGate.checkHistory(settings)
        let lock = try WorkspaceLock.forCommand(settings)
        defer { withExtendedLifetime(lock) {} }
        let result = try ReviewStore.query { () throws(StoreError) in
            try settings.stores.open().requeueFailedRefund(refundId, at: SystemClock.now())
        }
        switch result {
        case .requeued:
            Console.print(
                "Refund \(refundId) is pending again; `ordrecon dispatch` (or the next run) sends it with the same Idempotency-Key and body."
            )
        case .unknown:
            throw CommandFailure.notFound("refund_not_found", "refund \(refundId) is unknown (see `ordrecon refunds`)")
        case .notFailed(let status):
            let why = status == .sent ? "the gateway already accepted it" : "it is already pending"
            throw CommandFailure(
                ExitStatus.rejected, "refund_not_failed",
                "refund \(refundId) is \(status.rawValue), not failed: \(why); nothing changed")
        }
    }
}

/// Renders refunds and attempts as JSON.
enum RefundView {
    static func json(_ r: RefundRecord, zone: TimeZone) -> JSONValue {
        func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.iso8601(in: zone)) } ?? .null }
        return .object([
            ("refund_id", .string(r.refundId)), ("kind", .string(r.kind)), ("order_id", .string(r.orderId)),
            ("return_id", .optional(r.returnId)), ("amount", .string(r.amount.decimalText)),
            ("amount_paise", .int(r.amount.paise)),
            ("currency", .string("INR")), ("payment_ref", .string(r.paymentRef)),
            ("status", .string(r.status.rawValue)),
            ("attempts", .int(Int64(r.attempts))), ("created_at", time(r.createdAt)),
            ("last_attempt_at", time(r.lastAttemptAt)),
            ("next_attempt_at", time(r.nextAttemptAt)), ("sent_at", time(r.sentAt)), ("failed_at", time(r.failedAt)),
            ("requeued_at", time(r.requeuedAt)), ("gateway_refund_id", .optional(r.gatewayRefundId)),
            ("last_error", .optional(r.lastError)),
        ])
    }

    static func json(_ a: RefundAttemptRecord, zone: TimeZone) -> JSONValue {
        .object([
            ("attempt", .int(Int64(a.attempt))), ("run_id", .optional(a.runId)),
            ("started_at", .string(a.startedAt.iso8601(in: zone))),
            ("finished_at", a.finishedAt.map { .string($0.iso8601(in: zone)) } ?? .null),
            ("outcome", .string(a.outcome)),
            ("http_status", .optional(a.httpStatus.map(Int64.init))), ("error_kind", .optional(a.errorKind)),
            ("error_code", .optional(a.errorCode.map(Int64.init))), ("message", .optional(a.message)),
            ("gateway_refund_id", .optional(a.gatewayRefundId)),
            ("duration_ms", .optional(a.durationMilliseconds.map(Int64.init))),
        ])
    }
}
