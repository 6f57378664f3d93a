public import Logging
public import OrdreconCore
import OrdreconGateway
public import OrdreconMetrics

/// How `ordrecon watch` runs (from the command line and `[watch]`).
public struct DaemonOptions: Sendable, Equatable {
    /// Poll the inbox instead of using inotify (network file systems).
    public var poll: Bool
    /// A file written in place counts as ready once its size and modification time have not
    /// changed for this long (files renamed into the inbox, or closed after writing, at once).
    public var settleSeconds: Double
    /// A full look at the inbox this often, for what inotify cannot see.
    public var rescanSeconds: Double
    /// Port for `/metrics` and `/healthz` on `metricsHost`; nil: no HTTP endpoint.
    public var metricsPort: Int?
    public var metricsHost: String

    public init(
        poll: Bool, settleSeconds: Double, rescanSeconds: Double, metricsPort: Int?, metricsHost: String = "127.0.0.1"
    ) {
        self.poll = poll
        self.settleSeconds = settleSeconds
        self.rescanSeconds = rescanSeconds
        self.metricsPort = metricsPort
        self.metricsHost = metricsHost
    }
}

/// What the daemon's services share.
public struct DaemonContext: Sendable {
    public let configuration: ConfigurationBox
    public let options: DaemonOptions
    public let logger: Logger
    public let metrics: OrdreconMetrics
    /// Opens the workers' own connections to the database (and the read-only ones of `/metrics`
    /// and `/healthz`).
    public let stores: any StateStoreFactory
    /// The daemon's own run (refund attempts made beside ingestion are recorded under it).
    public let runId: Int64
    /// Every wait of the services (pauses after a failure, between refund passes) and the times
    /// they go by (report period, files to try again, refund schedules).
    public let clock: any MonotonicClock
    /// Makes the HTTP client that sends refunds, from the gateway's configuration (libcurl).
    public let makeRefundClient: @Sendable (GatewayConfig) throws -> any ConcurrentHTTPClient
    /// The refund dispatcher's stop signal, poked by ingestion when a pass recorded new refunds.
    let dispatchSignal = StopSignal()
    /// Whether this daemon leads ingestion (PostgreSQL: holds the ingest lock) or stands by.
    public let ingestRole = IngestRole()

    /// - Parameters:
    ///   - stores: opens the workers' connections (the composition root picks the database).
    ///   - clock: the services' time and waits (tests give one they move themselves).
    ///   - makeRefundClient: the refund sender (tests give a scripted one); libcurl when nil.
    public init(
        configuration: ConfigurationBox, options: DaemonOptions, logger: Logger, metrics: OrdreconMetrics,
        stores: any StateStoreFactory, runId: Int64, clock: any MonotonicClock = SystemClock(),
        makeRefundClient: (@Sendable (GatewayConfig) throws -> any ConcurrentHTTPClient)? = nil
    ) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.metrics = metrics
        self.stores = stores
        self.runId = runId
        self.clock = clock
        self.makeRefundClient = makeRefundClient ?? { gateway in try CurlMultiClient(gateway: gateway) }
    }
}
