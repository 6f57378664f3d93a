import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconEngine

struct InvoicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoices",
        abstract: "List tax invoices and credit notes; write the PDFs that are missing.",
        subcommands: [InvoicesListCommand.self, InvoicesRenderCommand.self],
        defaultSubcommand: InvoicesListCommand.self)
}

struct InvoicesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List invoices and credit notes, oldest first (the default of `ordrecon invoices`).")

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "Only the documents of this order.")
    var order: String?

    @Flag(name: .long, help: "Only documents whose PDF has not been written yet.")
    var missing = false

    @Flag(
        name: .long,
        help:
            "Only invoices that lack something for rule 46 (an HSN code on a line; at ₹50,000 or more, a buyer without GSTIN lacking name, address or state), with what is missing."
    )
    var incomplete = false

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let zone = configuration.timeZone
        let store = try ReviewStore.open(configuration)
        if incomplete {
            try listIncomplete(store, zone: zone)
            return
        }
        let records = try ReviewStore.query { () throws(StoreError) in
            try store.documents(orderId: order, missingPDF: missing)
        }
        let folder = configuration.paths.invoices
        if json {
            Console.print(
                JSONValue.object([
                    ("count", .int(Int64(records.count))),
                    ("documents", .array(records.map { DocumentView.json($0, zone: zone, folder: folder) })),
                ]).text(indent: 2))
            return
        }
        guard !records.isEmpty else {
            Console.print(
                "No invoices or credit notes" + (order.map { " for order \($0)" } ?? "")
                    + (missing ? " without a PDF" : "") + ".")
            return
        }
        Console.print(
            Table.render(
                [["NUMBER", "KIND", "DATE", "ORDER", "RETURN", "CUSTOMER", "TOTAL", "PDF"]]
                    + records.map { r in
                        [
                            r.number, r.kind == .invoice ? "invoice" : "credit note",
                            r.issuedAt.civil(in: zone).dateText,
                            TerminalText.cell(r.orderId), TerminalText.cell(r.returnId ?? "-"),
                            TerminalText.cell(r.customerId),
                            r.total.decimalText, r.pdfPath.map { folder + "/" + $0 } ?? "(not written yet)",
                        ]
                    }))
        let missingCount = records.filter { $0.pdfPath == nil }.count
        var footer = "\(records.count) document\(records.count == 1 ? "" : "s")"
        if missingCount > 0 {
            footer += "; \(missingCount) without a PDF: `ordrecon invoices render --missing` writes them"
        }
        Console.print(footer)
    }
}

struct InvoicesRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write the PDF of every invoice and credit note that has none (a repair; `run` does it too).",
        discussion: """
            A PDF is written under a temporary name and moved into place without replacing \
            anything; a file already there with other content is never overwritten (it is reported). \
            Documents whose PDF exists are never rendered again.

            SIGTERM or SIGINT: the PDFs in hand are finished and recorded, then it stops (exit \
            status 75); the rest are written by the next run or render. Exit status: 0 done; 66 no \
            database yet; 73 a PDF could not be written (the result says how many; the log says \
            why); 75 stopped, or another instance holds the workspace lock; 78 the configuration is \
            unusable or the database is refused (see `ordrecon run --help`).
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(name: .long, help: "Render the documents whose PDF is missing (required: nothing else is ever re-rendered).")
    var missing = false

    @Option(name: .long, help: "Write at most this many now (the oldest first); the rest stay missing.")
    var limit: Int?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard missing else {
            throw ValidationError("say --missing: only documents without a PDF are rendered, never others again")
        }
    }

    func run() throws {
        TerminationSignals.install()
        let configuration = try options.load()
        let settings = configuration.engineSettings
        try DatabaseGate.checkHistory(settings)
        let lock = try WorkspaceLock.forCommand(settings)
        defer { withExtendedLifetime(lock) {} }
        let logger = LoggingSetup.logger(configuration.logging)
        let report: DocumentIssuer.Report
        do {
            let store = try settings.stores.open()
            report = try DocumentDelivery.issuer(configuration, store: store, logger: logger)
                .renderMissing(limit: limit ?? Int.max, shouldStop: TerminationSignals.stopCheck())
        } catch {
            try DatabaseGate.refuseNewerSchema(error)
            throw CommandFailure.internal("\(error) (PDFs written so far are kept; run again once it is fixed)")
        }
        let stoppedBy = TerminationSignals.received
        if let stoppedBy {
            logger.warning(
                "\(stoppedBy): stopped after the PDFs in hand; the rest are written by the next run or render")
        }
        if json {
            guard case .object(var fields) = report.json else { return }
            fields.append(("interrupted", .bool(stoppedBy != nil)))
            Console.print(JSONValue.object(fields).text(indent: 2))
        } else {
            Console.print(
                DocumentDelivery.text(report)
                    + (stoppedBy.map { "; stopped by \($0), the rest wait for the next run" } ?? ""))
        }
        if stoppedBy != nil { throw ExitStatus.tryAgain }
        if report.failed > 0 { throw ExitStatus.cannotCreate }
    }
}

struct InvoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice", abstract: "Show one tax invoice or credit note.",
        subcommands: [InvoiceShowCommand.self])
}

struct InvoiceShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show an invoice or credit note: its PDF's path and a summary of what it says.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The number, e.g. IN/26-27/0000001 or CN/26-27/0000001.")
    var number: String

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let configuration = try options.load()
        let zone = configuration.timeZone
        let store = try ReviewStore.open(configuration)
        guard let record = try ReviewStore.query({ () throws(StoreError) in try store.document(number: number) }) else {
            throw CommandFailure.notFound(
                "document_not_found", "no invoice or credit note \(number) (see `ordrecon invoices`)")
        }
        let issuer = DocumentDelivery.issuer(
            configuration, store: store, logger: LoggingSetup.logger(configuration.logging, quiet: true))
        let document = try ReviewStore.query { () throws(StoreError) in try issuer.document(for: record) }
        let folder = configuration.paths.invoices
        if json {
            guard case .object(var fields) = DocumentView.json(record, zone: zone, folder: folder) else { return }
            fields += DocumentView.figures(document)
            Console.print(JSONValue.object(fields).text(indent: 2))
        } else {
            Console.print(DocumentView.text(record, document, folder: folder), terminator: "")
        }
    }
}
