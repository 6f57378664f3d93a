import ArgumentParser
import Foundation
import OrdreconCore
import OrdreconDaemon
import OrdreconEngine

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Run as a daemon: process each inbox file as soon as it is ready, send refunds, serve metrics.",
        discussion: """
            Files are taken one at a time, in the contract's order, through the same engine as \
            `ordrecon run`: inotify reports files renamed into the inbox or closed after writing \
            (a file written in place is taken once it has not changed for [watch] settle_ms), and \
            the whole inbox is looked at every [watch] rescan_seconds. Refunds are sent beside \
            ingestion; a gateway outage never holds up files. The workspace lock is held for the \
            daemon's life (`ordrecon run` meanwhile exits 75). On PostgreSQL ([store] url) \
            several nodes may watch one workspace: the one holding the database's ingest lock \
            ingests, the others stand by (taking over within seconds when it dies) and send \
            refunds; /healthz says which.

            SIGTERM or SIGINT: the batch in hand is committed, work stops, exit 0 (a file cut short \
            resumes where it stopped). SIGHUP: the configuration is read again (paths, time zone \
            and the list of feeds need a restart; the log says so).

            A database written by a newer ordrecon, or a missing or empty one while archive/ or \
            invoices/ already hold files, is refused before anything is created (exit status 78; \
            see `ordrecon run --help`).
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(name: .long, help: "Poll the inbox every second instead of using inotify (network file systems).")
    var poll = false

    @Option(
        name: .customLong("settle-ms"),
        help: "Milliseconds a file written in place must stay unchanged (default: [watch] settle_ms).")
    var settleMilliseconds: Int?

    @Option(
        name: .customLong("rescan-seconds"),
        help: "Seconds between full looks at the inbox (default: [watch] rescan_seconds).")
    var rescanSeconds: Int?

    @Option(
        name: .customLong("metrics-port"),
        help: "Serve /metrics and /healthz on PORT (default: [watch] metrics_port; 0 = none).")
    var metricsPort: Int?

    @Option(
        name: .customLong("metrics-address"),
        help: "The IP address the metrics port listens on (default: [watch] metrics_address, 127.0.0.1).")
    var metricsAddress: String?

    func validate() throws {
        if let metricsPort, !(0...65_535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be 0...65535")
        }
        if let settleMilliseconds, settleMilliseconds < 0 { throw ValidationError("--settle-ms must not be negative") }
        if let rescanSeconds, rescanSeconds < 1 { throw ValidationError("--rescan-seconds must be at least 1") }
    }

    func run() async throws {
        let configuration = try options.load(catalog: true)
        let logger = LoggingSetup.logger(configuration.logging)
        let settings = EngineSettings(configuration)
        try DatabaseGate.check(settings)
        do {
            try RunEngine.prepareDirectories(settings)
        } catch {
            throw CommandFailure.io("cannot prepare the workspace: \(error)")
        }
        let lock = try WorkspaceLock.forCommand(settings)
        defer { withExtendedLifetime(lock) {} }
        let watch = configuration.watch
        if let metricsAddress, IPAddress.family(of: metricsAddress) == nil {
            throw CommandFailure.configuration(
                "--metrics-address: expected an IP address to listen on, such as 127.0.0.1, 0.0.0.0 or ::, got '\(metricsAddress)'"
            )
        }
        let port = metricsPort ?? watch.metricsPort ?? 0
        let daemonOptions = DaemonOptions(
            poll: poll || watch.poll, settleSeconds: Double(settleMilliseconds ?? watch.settleMilliseconds) / 1000,
            rescanSeconds: Double(rescanSeconds ?? watch.rescanSeconds), metricsPort: port == 0 ? nil : port,
            metricsHost: metricsAddress ?? watch.metricsAddress)
        let options = self.options
        do {
            try await Daemon.run(
                configuration: configuration, options: daemonOptions, logger: logger, stores: settings.stores
            ) {
                options.loadResult(catalog: true)
            }
        } catch {
            throw CommandFailure.internal("watch stopped: \(error)")
        }
    }
}
