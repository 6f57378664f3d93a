import FlyingFox
import FlyingSocks
import Foundation
public import Logging

/// A payment gateway to run locally and in tests: `POST /refunds` with idempotency keys, plus
/// injected failures, delays, dropped connections and scripted answers.
///
/// ```swift
/// let gateway = MockGateway(options: MockGatewayOptions(port: 0), logger: logger)
/// try await gateway.run { port in print("listening on \(port)") }   // until cancelled
/// ```
public struct MockGateway: Sendable {
    public let options: MockGatewayOptions
    private let logger: Logger

    /// - Parameters:
    ///   - options: where to listen and how to misbehave.
    ///   - logger: receives one INFO line per request (and FlyingFox's own lines at DEBUG).
    public init(options: MockGatewayOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Listens and answers until the calling task is cancelled, then returns.
    ///
    /// - Parameter onListening: called once with the port when the socket listens (the port
    ///   actually bound, also when `options.port` is 0).
    /// - Throws: ``MockGatewayError`` when the host is not an address, the journal cannot be
    ///   used or the socket cannot listen (such as a port already in use).
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let seed = options.seed ?? UInt64(Date().timeIntervalSince1970 * 1_000_000) ^ UInt64(ProcessInfo.processInfo.processIdentifier)
        let state: MockGatewayState
        do {
            state = try MockGatewayState(options: options, seed: seed, logger: logger)
        } catch {
            throw MockGatewayError(reason: "cannot use the journal \(options.journalPath ?? ""): \(error.localizedDescription)")
        }
        let configuration = HTTPServer.Configuration(
            address: try address(),
            timeout: 24 * 3600,  // Scripted and configured delays must not turn into FlyingFox's 500.
            pool: NoDelaySocketPool(base: HTTPServer.defaultPool()),
            logger: FlyingFoxLogBridge(logger: logger))
        let server = HTTPServer(config: configuration, handler: MockGatewayHandler(state: state, logger: logger))
        logger.info("mock gateway starting", metadata: [
            "seed": "\(seed)", "fail_rate": "\(options.failRate)", "drop_connection_rate": "\(options.dropConnectionRate)",
            "delay_ms": "\(options.delayMilliseconds)", "script.entries": "\(options.script.count)",
        ])
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                group.addTask {
                    try await server.waitUntilListening(timeout: 30)
                    guard let address = await server.listeningAddress else { throw MockGatewayError(reason: "the server has no address") }
                    switch address {
                    case .ip4(_, let port), .ip6(_, let port): onListening(Int(port))
                    case .unix: throw MockGatewayError(reason: "the server listens on a unix socket")
                    }
                }
                // The listening report ends first; the server runs until cancelled.
                while try await group.next() != nil {}
            }
        } catch let error as MockGatewayError {
            throw error
        } catch where Task.isCancelled {
            logger.info("mock gateway stopped")
        } catch {
            throw MockGatewayError(reason: "cannot listen on \(options.host):\(options.port): \(error.localizedDescription)")
        }
    }

    private func address() throws -> any SocketAddress {
        guard let port = UInt16(exactly: options.port) else {
            throw MockGatewayError(reason: "port must be 0...65535, got \(options.port)")
        }
        let host = options.host == "localhost" ? "127.0.0.1" : options.host
        do {
            if host.contains(":") {
                let trimmed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
                return try sockaddr_in6.inet6(ip6: trimmed, port: port)
            }
            return try sockaddr_in.inet(ip4: host, port: port)
        } catch {
            throw MockGatewayError(reason: "host must be an IPv4 or IPv6 address (or localhost), got \"\(options.host)\"")
        }
    }
}

/// Why the mock gateway cannot run.
public struct MockGatewayError: Error, CustomStringConvertible {
    /// What went wrong, with the value concerned.
    public var reason: String
    public var description: String { reason }
}
