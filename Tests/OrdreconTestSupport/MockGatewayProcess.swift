import Foundation
import OrdreconApp
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `ordrecon mock-gateway` on 127.0.0.1, on a free port, for one test: in this process (the
/// command run in memory, on threads of its own) unless asked to be a process of its own.
public final class MockGatewayProcess: Sendable {
    /// The process, when it runs as one.
    public let process: ChildProcess?
    /// The in-memory command's stop request and end, when it runs in this process.
    private let inMemory: (stop: StopRequest, ended: Ended)?
    public let port: Int
    /// The journal file: one JSON line per `POST /refunds` it saw.
    public let journal: String

    /// `http://127.0.0.1:<port>`
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the mock and waits (without holding a thread) until it says where it listens.
    /// - Parameters:
    ///   - arguments: extra options, e.g. `["--fail-rate", "0.3"]`.
    ///   - journal: where it keeps its journal (a restarted mock given the same file remembers its keys).
    ///   - asProcess: run the built binary (for what only a process shows), not the command in memory.
    public init(arguments: [String] = [], journal: String, port: Int = 0, asProcess: Bool = false) async throws {
        self.journal = journal
        let commandLine = ["mock-gateway", "--port", "\(port)", "--journal", journal] + arguments
        let text: String
        if asProcess {
            let process = try ChildProcess(executable: TestWorkspace.binary, arguments: commandLine)
            self.process = process
            self.inMemory = nil
            // The first line on stdout names the port.
            _ = await process.wait(timeout: .seconds(60)) {
                $0.standardOutput.contains(UInt8(ascii: "\n")) || $0.exit != nil
            }
            text = process.standardOutput
        } else {
            let invocation = Invocation.inMemory(
                directory: FileManager.default.currentDirectoryPath, environment: ProcessInfo.processInfo.environment)
            let ended = Ended()
            let thread = Thread {
                _ = CommandLineApp.executeBlocking(invocation, arguments: commandLine)
                ended.end()
            }
            thread.start()
            self.process = nil
            self.inMemory = (invocation.stop, ended)
            let output = invocation.output as? MemoryOutput
            let deadline = ContinuousClock.now + .seconds(60)
            while !(output?.out.contains("\n") ?? true), !ended.hasEnded, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))  // a look at its output, not a pause for it
            }
            text = (output?.out ?? "") + (output?.err ?? "")
        }
        guard let range = text.range(of: "http://127.0.0.1:"),
            let found = Int(text[range.upperBound...].prefix { $0.isNumber })
        else {
            process?.signal(SIGKILL)
            inMemory?.stop.raise()
            throw TestError("mock-gateway did not say where it listens: \(text)\n\(process?.tail() ?? "")")
        }
        self.port = found
    }

    /// Tells it to stop without waiting: for `defer`.
    public func terminate() {
        process?.signal(SIGTERM)
        inMemory?.stop.raise()
    }

    /// Stops it (SIGTERM, or its stop request) and waits for its end (its journal is complete
    /// then). - Returns: the process's exit, nil in memory.
    @discardableResult
    public func stop() async -> ChildProcess.Exit? {
        if let inMemory {
            inMemory.stop.raise()
            await inMemory.ended.wait()
            return nil
        }
        return await process?.stop()
    }

    deinit { terminate() }

    /// The end of the in-memory command, awaited without holding a thread.
    final class Ended: Sendable {
        private let state = Mutex<(ended: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        var hasEnded: Bool { state.withLock { $0.ended } }

        func end() {
            let waiters = state.withLock { state in
                state.ended = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ended = state.withLock { state in
                    if !state.ended { state.waiters.append(continuation) }
                    return state.ended
                }
                if ended { continuation.resume() }
            }
        }
    }

    /// One line of the journal.
    public struct JournalEntry: Sendable {
        public var key: String
        public var outcome: String
        public var status: Int
        public var body: String
    }

    /// The journal's entries, in order.
    public func entries() throws -> [JournalEntry] {
        guard FileManager.default.fileExists(atPath: journal) else { return [] }
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestError("journal line is not an object: \(line)")
            }
            return JournalEntry(
                key: object["key"] as? String ?? "", outcome: object["outcome"] as? String ?? "",
                status: (object["status"] as? NSNumber)?.intValue ?? 0, body: object["body"] as? String ?? "")
        }
    }
}

extension TestWorkspace {
    /// Starts a mock gateway for this workspace (journal `mock-gateway.jsonl` in the workspace
    /// root) and points the workspace's `[gateway]` at it, with quick retries.
    /// The caller stops it (or lets it go: it is told to stop when released).
    /// - Parameter script: a JSON array of answers to give first (written to `mock-script.json`).
    /// - Parameter extra: more `[gateway]` lines, e.g. `concurrency = 16`.
    public func startGateway(
        arguments: [String] = [], script: String? = nil, maxAttempts: Int = 3, timeoutMilliseconds: Int = 2000,
        backoffMax: Int = 200, extra: [String] = []
    ) async throws -> MockGatewayProcess {
        var arguments = arguments
        if let script {
            try script.write(toFile: root + "/mock-script.json", atomically: true, encoding: .utf8)
            arguments += ["--script", root + "/mock-script.json"]
        }
        let gateway = try await MockGatewayProcess(arguments: arguments, journal: root + "/mock-gateway.jsonl")
        try pointGateway(
            at: gateway.baseURL, maxAttempts: maxAttempts, timeoutMilliseconds: timeoutMilliseconds,
            backoffMax: backoffMax,
            extra: extra)
        return gateway
    }

    /// Rewrites the workspace config's `[gateway]` table (added when missing).
    /// - Parameter caBundle: the `ca_bundle` key (a PEM file of trusted CAs); nil leaves it out.
    /// - Parameter extra: more `[gateway]` lines, e.g. `max_requests_per_second = 20`.
    public func pointGateway(
        at baseURL: String, maxAttempts: Int = 3, timeoutMilliseconds: Int = 2000, backoffMax: Int = 200,
        caBundle: String? = nil, extra: [String] = []
    ) throws {
        let path = root + "/config/ordrecon.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Drop the existing [gateway] table: its lines up to the next table header.
        var kept: [Substring] = []
        var inGateway = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") { inGateway = trimmed == "[gateway]" }
            if !inGateway { kept.append(line) }
        }
        let config =
            kept.joined(separator: "\n") + "\n"
            + gatewayConfig(
                baseURL: baseURL, maxAttempts: maxAttempts, timeoutMilliseconds: timeoutMilliseconds,
                backoffMax: backoffMax,
                caBundle: caBundle)
            + extra.map { $0 + "\n" }.joined()
        try config.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// A workspace config that points the gateway at `baseURL`, with quick retries for tests;
/// `caBundle`, when given, becomes `ca_bundle` (a PEM file of trusted CAs).
public func gatewayConfig(
    baseURL: String, maxAttempts: Int = 3, timeoutMilliseconds: Int = 2000, backoffInitial: Int = 20,
    backoffMax: Int = 200,
    caBundle: String? = nil
) -> String {
    """
    [gateway]
    base_url = "\(baseURL)"
    \(caBundle.map { "ca_bundle = \"\($0)\"\n" } ?? "")\
    connect_timeout_ms = 1000
    timeout_ms = \(timeoutMilliseconds)
    max_attempts = \(maxAttempts)
    backoff_initial_ms = \(backoffInitial)
    backoff_max_ms = \(backoffMax)

    """
}
