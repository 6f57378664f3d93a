import ArgumentParser
import Dispatch
import Foundation
import OrdreconMockGateway
import Synchronization

struct MockGatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-gateway",
        abstract: "Run a mock payment gateway (POST /refunds) that can be told to misbehave.",
        discussion: """
            Prints `mock-gateway listening on http://HOST:PORT` once listening, then logs one line \
            per request to standard error; stops on SIGTERM or SIGINT (exit 0).

            POST /refunds (header Idempotency-Key, JSON body as in the feed contract) answers 201 \
            {"id":"gw_000001","refund_id":…,"status":"accepted","amount":…} for a new valid key, the \
            first answer again with Idempotent-Replayed: true for the same key and body, 409 with \
            Retry-After: 1 while a request with the same key is still being processed (during its \
            --delay-ms: come back later), 422 for a key already used with another body, 400 \
            {"error":…} for an invalid body. In order, before that: a scripted answer if one is \
            queued for the request's key or any key (--script, POST /_mock/script; "key" in an answer \
            keeps it for that key), then --fail-rate. After processing a new key: \
            --drop-connection-rate (the refund is done, the answer is cut off), and --delay-ms \
            before every answer.

            GET /_mock/refunds lists the remembered keys; GET /healthz answers ok.
            """)

    @Option(name: .long, help: "The address to listen on (IPv4, IPv6 or localhost).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port; 0 takes any free port (printed on the listening line).")
    var port = 8099

    @Option(name: .long, help: "Probability 0...1 of answering 500 without processing.")
    var failRate = 0.0

    @Option(name: .customLong("delay-ms"), help: "Milliseconds to wait before answering a refund request.")
    var delayMilliseconds = 0

    @Option(
        name: .long,
        help: "Probability 0...1 of closing the connection after processing a new key, before the answer is complete.")
    var dropConnectionRate = 0.0

    @Option(name: .long, help: "Seed of the random choices (default: from the clock; logged at start).")
    var seed: UInt64?

    @Option(name: .long, help: "A JSON array of answers to give first, e.g. [{\"status\":429,\"retry_after\":\"1\"}].")
    var script: String?

    @Option(
        name: .long, help: "A JSON Lines file recording every refund request; read on start to remember the keys again."
    )
    var journal: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, got \(port)") }
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be 0...1, got \(failRate)") }
        guard (0...1).contains(dropConnectionRate) else {
            throw ValidationError("--drop-connection-rate must be 0...1, got \(dropConnectionRate)")
        }
        guard delayMilliseconds >= 0 else {
            throw ValidationError("--delay-ms must not be negative, got \(delayMilliseconds)")
        }
    }

    func run() throws {
        var options = MockGatewayOptions(
            host: host, port: port, failRate: failRate, delayMilliseconds: delayMilliseconds,
            dropConnectionRate: dropConnectionRate, seed: seed, journalPath: journal.map(absolute))
        if let script {
            do {
                options.script = try MockAnswer.script(from: Data(contentsOf: URL(fileURLWithPath: absolute(script))))
            } catch {
                throw ValidationError("--script \(script): \(error)")
            }
        }
        let gateway = MockGateway(options: options, logger: LoggingSetup.logger(label: "ordrecon.mock-gateway"))
        let urlHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let output = Invocation.current.output
        let result = Self.runUntilSignalled {
            try await gateway.run { port in
                // Flushed at once: tests and scripts read the port from this line.
                output.standardOutput("mock-gateway listening on http://\(urlHost):\(port)\n")
                output.flush()
            }
        }
        if case .failure(let error) = result {
            throw CommandFailure(ExitStatus.unavailable, "cannot_serve", "mock-gateway: \(error)")
        }
    }

    /// Runs `body` until it ends or SIGTERM/SIGINT cancels it, blocking the calling thread.
    ///
    /// The root command is synchronous, so this is the one place that starts an unstructured
    /// task: it bridges to async code and is always awaited (through the semaphore) before
    /// returning.
    private static func runUntilSignalled(_ body: @escaping @Sendable () async throws -> Void) -> Result<
        Void, any Error
    > {
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        let invocation = Invocation.current
        if invocation.isProcess {
            for signalNumber in [SIGTERM, SIGINT] { signal(signalNumber, SIG_IGN) }
        }
        let task = Task {
            do {
                try await body()
                outcome.set(.success(()))
            } catch {
                outcome.set(.failure(error))
            }
            finished.signal()
        }
        // In memory (a test's mock), the invocation's stop request stands for the signals.
        invocation.stop.whenRaised { task.cancel() }
        let signals: [Int32] = invocation.isProcess ? [SIGTERM, SIGINT] : []
        let sources = signals.map { signalNumber in
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        finished.wait()
        for source in sources { source.cancel() }
        return outcome.get()
    }

    /// The result of the task, handed to the waiting thread.
    private final class Outcome: Sendable {
        private let value = Mutex<Result<Void, any Error>>(.success(()))
        func set(_ result: Result<Void, any Error>) { value.withLock { $0 = result } }
        func get() -> Result<Void, any Error> { value.withLock { $0 } }
    }
}
