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
    ///   - logger: receives one INFO line per request.
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
        let seed =
            options.seed ?? UInt64(Date().timeIntervalSince1970 * 1_000_000)
            ^ UInt64(ProcessInfo.processInfo.processIdentifier)
        let state: MockGatewayState
        do {
            state = try MockGatewayState(options: options, seed: seed, logger: logger)
        } catch {
            throw MockGatewayError(
                reason: "cannot use the journal \(options.journalPath ?? ""): \(error.localizedDescription)")
        }
        guard (0...65535).contains(options.port) else {
            throw MockGatewayError(reason: "port must be 0...65535, got \(options.port)")
        }
        let handler = MockGatewayHandler(state: state, logger: logger)
        let host = options.host == "localhost" ? "127.0.0.1" : options.host
        let server = try MockHTTPServer(host: host, port: options.port) { request in handler.handle(request) }
        logger.info(
            "mock gateway starting",
            metadata: [
                "seed": "\(seed)", "fail_rate": "\(options.failRate)",
                "drop_connection_rate": "\(options.dropConnectionRate)",
                "delay_ms": "\(options.delayMilliseconds)", "script.entries": "\(options.script.count)",
            ])
        server.start()
        onListening(server.port)
        // Serves on its own threads until this task is cancelled.
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        server.stop()
        logger.info("mock gateway stopped")
    }
}

/// Why the mock gateway cannot run.
public struct MockGatewayError: Error, CustomStringConvertible {
    /// What went wrong, with the value concerned.
    public var reason: String
    public var description: String { reason }
}
