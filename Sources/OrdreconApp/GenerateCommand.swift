import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconWorkload

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a realistic workload of feed files (all five feeds, CSV/JSON/JSONL) into a workspace.",
        discussion: """
            Creates DIR/inbox/<feed>/… with full order and return lifecycles and, unless \
            --no-faults, a share of every kind of rejection; DIR/expected.json holds the outcome \
            counts ordrecon must reach. DIR/config/ordrecon.toml is written when missing, so \
            `cd DIR && ordrecon run` works at once. About 5.5 events per order.

            --lifecycle waves (the default): 5,000 orders per simulated day, each day written \
            stage by stage (all creations, then all payments, …), so at most 5,000 orders are open \
            at once. --lifecycle spread (needs --no-faults): a simulated timeline, orders placed \
            steadily (20 × √N a day for N orders), each paid minutes later, packed within 2 days, \
            shipped 1–3 days and delivered 2–7 days later, returns requested 1–21 days after the \
            delivery and each later return step 1–5 days apart; events are written in time order, \
            one file per feed and --window-hours window, so tens of thousands of orders are open at \
            once and a file holds orders placed on many days.

            Invoice data (contract section 8): every order's PENDING_PAYMENT event names the \
            buyer (customer_name, with commas, quotes and a few Greek or Cyrillic names), a \
            billing_address in India (sometimes on two lines) and its billing_state (usually the \
            ship_to_state); about 3 % of buyers are businesses with a valid customer_gstin of that \
            state, a few guests leave all of it out. Most items carry a description. \
            DIR/config/catalog.csv (sku, description, hsn, gst_rate; always rewritten) fills what \
            items leave blank; it lacks three SKUs on purpose, whose items have no HSN code, and \
            about 1 order in 125 is a bulk order of ₹50,000 or more, half of them without name \
            and address: those invoices are incomplete (expected.json: invoicesIncomplete).

            --file-events N caps the events of a file (default 10,000): a waves stage or a spread \
            window of one feed is split into parts of at most N events, and a huge N gives one file \
            each. Without --file-events, a waves workload of under 15,000 orders also splits each \
            stage into about three files. --formats csv makes every file CSV (with faults, the XML \
            and JSON bad files are left out).
            """)

    @Option(name: .long, help: "Number of orders.")
    var orders: Int

    @Option(name: .long, help: "The workspace folder to write into.")
    var out: String

    @Option(name: .long, help: "Seed of the pseudo-random choices (same seed, same files).")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Make every event valid (no injected rejections).")
    var noFaults = false

    @Option(
        name: .customLong("lifecycle"),
        help: ArgumentHelp(
            "How the orders' lives are laid out: waves (a day's orders at a time, stage by stage) or spread (a timeline, events in time order).",
            valueName: "waves|spread"), completion: .list(["waves", "spread"]))
    var lifecycleName = "waves"

    @Option(
        name: .customLong("formats"),
        help: ArgumentHelp("mixed (CSV, JSON and JSON Lines in turn) or csv (every file CSV).", valueName: "mixed|csv"),
        completion: .list(["mixed", "csv"]))
    var formatsName = "mixed"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The most events in one file, more are split into parts (default 10000; a huge value: one file each).",
            valueName: "N"))
    var fileEvents: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("--lifecycle spread: the simulated hours one file of each feed covers.", valueName: "H"))
    var windowHours: Int = WorkloadOptions.defaultWindowHours

    var lifecycle: WorkloadOptions.Lifecycle { WorkloadOptions.Lifecycle(rawValue: lifecycleName) ?? .waves }
    var formats: WorkloadOptions.Formats { WorkloadOptions.Formats(rawValue: formatsName) ?? .mixed }

    func validate() throws {
        guard WorkloadOptions.Lifecycle(rawValue: lifecycleName) != nil else {
            throw ValidationError("--lifecycle must be waves or spread, not \(lifecycleName)")
        }
        guard WorkloadOptions.Formats(rawValue: formatsName) != nil else {
            throw ValidationError("--formats must be mixed or csv, not \(formatsName)")
        }
        guard orders > 0 else { throw ValidationError("--orders must be at least 1") }
        guard fileEvents ?? 1 > 0 else { throw ValidationError("--file-events must be at least 1") }
        guard windowHours > 0 else { throw ValidationError("--window-hours must be at least 1") }
        if lifecycle == .spread, !noFaults {
            throw ValidationError("--lifecycle spread writes valid events only: add --no-faults")
        }
    }

    func run() throws {
        let root = absolute(out)
        let configFile = root + "/config/ordrecon.toml"
        var options = WorkloadOptions(orders: orders)
        options.seed = seed
        options.faults = !noFaults
        options.lifecycle = lifecycle
        options.formats = formats
        options.fileEvents = fileEvents
        options.windowHours = windowHours
        let started = Date()
        let report: WorkloadGenerator.Report
        do {
            if !FileManager.default.fileExists(atPath: configFile) {
                try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
                try Configuration.defaultFileText.write(toFile: configFile, atomically: true, encoding: .utf8)
            }
            report = try WorkloadGenerator.run(options, to: root)
        } catch {
            throw CommandFailure.io("cannot write the workload into \(root): \(error)")
        }
        let summary = report.summary
        let seconds = Date().timeIntervalSince(started)
        var layout =
            "\(lifecycle.rawValue) lifecycle, \(formats.rawValue) formats, at most \(fileEvents ?? WorkloadOptions.defaultFileEvents) events a file"
        if let perDay = report.ordersPerDay {
            layout += ", \(windowHours) h windows, \(perDay) orders a day"
        }
        Console.print(
            "wrote \(summary.events) events in \(summary.files) files for \(orders) orders to \(root)/inbox in \(String(format: "%.2f", seconds)) s"
        )
        Console.print("\(layout); at most \(report.peakOpenOrders) orders open at once")
        Console.print(
            "\(summary.invoices) invoices, \(summary.invoicesIncomplete) of them incomplete; catalog: \(root)/config/catalog.csv"
        )
        Console.print("expected outcomes: \(root)/expected.json")
    }
}
