import Foundation
public import Logging
public import OrdreconCore
import OrdreconEngine
import OrdreconMetrics
import ServiceLifecycle
import UnixSignals

/// `ordrecon watch`: ingestion, refund dispatch, the metrics endpoint and configuration reload
/// as services of one `ServiceGroup`. SIGTERM and SIGINT shut it down gracefully: ingestion
/// commits the batch in hand and stops, dispatch stops between attempts, then it returns.
/// The caller holds the workspace lock for the daemon's life.
public enum Daemon {
    /// Runs until SIGTERM or SIGINT. Ingestion and dispatch retry whatever fails in a pass; only
    /// a failure to start (the inbox cannot be watched, the metrics port is taken) is thrown.
    /// - Parameters:
    ///   - configuration: the configuration at start.
    ///   - stores: opens connections to the database of `configuration` (each worker has its own).
    ///   - load: reads the configuration again (SIGHUP).
    public static func run(
        configuration: Configuration, options: DaemonOptions, logger: Logger, stores: any StateStoreFactory,
        load: @escaping @Sendable () -> Result<Configuration, ConfigurationLoadError>
    ) async throws {
        try RunEngine.prepareDirectories(EngineSettings(configuration))
        let store = try stores.open()
        let runId = try store.startRun(command: "watch", pid: getpid(), at: SystemClock.now())
        let metrics = OrdreconMetrics(feeds: configuration.feeds.map(\.name))
        let context = DaemonContext(
            configuration: ConfigurationBox(configuration), options: options, logger: logger, metrics: metrics,
            stores: stores, runId: runId)

        // Graceful shutdown goes through the services in reverse order, one after the other:
        // ingestion is last here so that it is told first and stops after the batch in hand.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let port = options.metricsPort {
            services.append(.init(service: MetricsService(context: context, port: port)))
        }
        services += [
            .init(service: ReloadService(context: context, load: load)),
            .init(service: DispatchService(context: context)),
            .init(service: IngestService(context: context)),
        ]
        var group = ServiceGroupConfiguration(services: services, logger: logger)
        group.gracefulShutdownSignals = [.sigterm, .sigint]
        group.maximumGracefulShutdownDuration = .seconds(20)
        logger.notice(
            "ordrecon watch started",
            metadata: [
                "run.id": "\(runId)", "pid": "\(getpid())", "mode": "\(options.poll ? "poll" : "inotify")",
                "inbox": "\(configuration.paths.inbox)",
            ])
        // Stopping must not hang on a database someone else holds: a few seconds, then without the record.
        store.busyPolicy = BusyPolicy(limit: 2, sliceMilliseconds: 250)
        do {
            try await ServiceGroup(configuration: group).run()
            store.endReads()
        } catch {
            store.endReads()
            try? store.finishRun(runId, at: SystemClock.now(), summaryJSON: #"{"stopped":"error"}"#)
            throw error
        }
        do {
            try store.finishRun(runId, at: SystemClock.now(), summaryJSON: #"{"stopped":"signal"}"#)
        } catch {
            logger.warning("the end of the daemon's run was not recorded: \(error)", metadata: ["run.id": "\(runId)"])
        }
        // The workers and their connections are gone: emptying the WAL waits for nobody now.
        store.checkpoint()
        logger.notice("ordrecon watch stopped", metadata: ["run.id": "\(runId)"])
    }
}
