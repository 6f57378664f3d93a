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
            """)

    @Option(name: .long, help: "Number of orders.")
    var orders: Int

    @Option(name: .long, help: "The workspace folder to write into.")
    var out: String

    @Option(name: .long, help: "Seed of the pseudo-random choices (same seed, same files).")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Make every event valid (no injected rejections).")
    var noFaults = false

    func validate() throws {
        guard orders > 0 else { throw ValidationError("--orders must be at least 1") }
    }

    func run() throws {
        let root = absolute(out)
        let configFile = root + "/config/ordrecon.toml"
        var options = WorkloadOptions(orders: orders)
        options.seed = seed
        options.faults = !noFaults
        let started = Date()
        let summary: WorkloadSummary
        do {
            if !FileManager.default.fileExists(atPath: configFile) {
                try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
                try Configuration.defaultFileText.write(toFile: configFile, atomically: true, encoding: .utf8)
            }
            summary = try WorkloadGenerator.write(options, to: root)
        } catch {
            throw CommandFailure.io("cannot write the workload into \(root): \(error)")
        }
        let seconds = Date().timeIntervalSince(started)
        Console.print(
            "wrote \(summary.events) events in \(summary.files) files for \(orders) orders to \(root)/inbox in \(String(format: "%.2f", seconds)) s"
        )
        Console.print("expected outcomes: \(root)/expected.json")
    }
}
