import Dispatch
import FlyingFox
import Foundation
import Logging
import OrdreconCore
import OrdreconEngine
import ServiceLifecycle

/// `GET /metrics` (Prometheus text) and `GET /healthz` on the metrics port.
///
/// `/healthz` answers 200 `ok` when the database can be read and the inbox folders exist and
/// can be written to, else 503 with the reason, so a supervisor sees a broken workspace. On a
/// store that several nodes share (PostgreSQL) a second line says whether this node leads
/// ingestion or stands by, and who leads (`ingest: leader` / `ingest: standby; leader: …`).
///
/// The handlers run on Swift's cooperative pool, which must never block: what reads the
/// database or the inbox runs on ``blocking``, a serial queue of its own (one scrape at a time;
/// a slow disk or a busy database holds up only the scrapes).
struct MetricsService: Service, CustomStringConvertible {
    let context: DaemonContext
    let port: Int
    var description: String { "MetricsService(port: \(port))" }

    private static let blocking = DispatchQueue(label: "ordrecon-metrics-io")

    /// `work` on ``blocking``, awaited without holding a thread of the pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in
            blocking.async { done.resume(returning: work()) }
        }
    }

    /// Updates the gauges read from the inbox and the database (called off the pool).
    static func refreshGauges(_ context: DaemonContext) {
        let configuration = context.configuration.current
        let backlog = InboxBacklog.measure(
            root: configuration.paths.inbox, feeds: configuration.feeds.map(\.name), now: SystemClock.now())
        context.metrics.setInbox(backlog: backlog.files, oldestAgeSeconds: backlog.oldestAgeSeconds)
        if let store = try? context.stores.openForReading() {
            if let counts = try? store.refundCounts() { context.metrics.setRefunds(counts) }
            if let counts = try? store.unrenderedDocumentCounts() { context.metrics.setUnrenderedDocuments(counts) }
            if let count = try? store.incompleteInvoiceCount(ofRuns: nil) {
                context.metrics.setIncompleteInvoices(count)
            }
        }
    }

    func run() async throws {
        let host = context.options.metricsHost
        // FlyingFox's own logger prints to stderr outside the structured log (and a "critical"
        // line on every normal stop); what matters is logged here instead.
        let server =
            IPAddress.family(of: host) == 6
            ? HTTPServer(address: try sockaddr_in6.inet6(ip6: host, port: UInt16(port)), timeout: 10, logger: .disabled)
            : HTTPServer(address: try sockaddr_in.inet(ip4: host, port: UInt16(port)), timeout: 10, logger: .disabled)
        let context = self.context
        await server.appendRoute("GET /metrics") { _ in
            await Self.offPool { Self.refreshGauges(context) }
            return HTTPResponse(
                statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: Data(context.metrics.exposition().utf8))
        }
        await server.appendRoute("GET /healthz") { _ in
            let configuration = context.configuration.current
            let stores = context.stores
            let role = context.ingestRole
            let (problem, ingest) = await Self.offPool {
                (Health.problem(configuration, stores: stores), Health.ingestLine(stores: stores, leads: role.leads))
            }
            if let problem {
                return HTTPResponse(
                    statusCode: .serviceUnavailable, body: Data("unhealthy: \(problem)\n\(ingest ?? "")".utf8))
            }
            return HTTPResponse(statusCode: .ok, body: Data("ok\n\(ingest ?? "")".utf8))
        }
        let shown = IPAddress.family(of: host) == 6 ? "[\(host)]" : host
        context.logger.info("metrics on http://\(shown):\(port)/metrics and /healthz")
        do {
            try await cancelWhenGracefulShutdown { try await server.run() }
        } catch {
            // Cancelled on shutdown, FlyingFox reports its closed socket as an error.
            if Task.isShuttingDownGracefully || Task.isCancelled || error is CancellationError { return }
            throw error
        }
    }
}

/// What makes the workspace unusable, if anything.
enum Health {
    /// The `/healthz` line on the ingest role, for a shared store (nil on SQLite, where the
    /// daemon always leads): `ingest: leader`, or `ingest: standby; leader: <who>` as the
    /// database names the session holding the ingest lock.
    static func ingestLine(stores: any StateStoreFactory, leads: Bool?) -> String? {
        guard stores.isShared else { return nil }
        switch leads {
        case true?:
            return "ingest: leader\n"
        case false?:
            let holder = (try? stores.openForReading().ingestLeader()) ?? nil
            return "ingest: standby; leader: \(holder ?? "none right now (a standby takes over within seconds)")\n"
        case nil:
            return "ingest: starting\n"
        }
    }

    static func problem(_ configuration: Configuration, stores: any StateStoreFactory) -> String? {
        do {
            let store = try stores.openForReading()
            _ = try store.schemaVersion
        } catch {
            return "the database cannot be read: \(error)"
        }
        for feed in configuration.feeds {
            let folder = configuration.paths.inbox(feed: feed.name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                return "the inbox folder \(folder) is missing"
            }
            guard FileManager.default.isWritableFile(atPath: folder) else {
                return "the inbox folder \(folder) cannot be written to (files could not be claimed)"
            }
        }
        return nil
    }
}
