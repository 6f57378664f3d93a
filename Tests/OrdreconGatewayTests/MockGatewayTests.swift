import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `ordrecon mock-gateway` end to end: the built binary on a free port, spoken to with the
/// `curl` command-line tool, always stopped at the end of a test.
@Suite(.serialized)
struct MockGatewayTests {
    static let body = #"{"refund_id":"R-1","order_id":"O-1","payment_ref":"pay_9","amount":125000,"currency":"INR","return_id":"RT-1"}"#

    @Test func acceptsThenReplaysTheSameKeyAndBody() throws {
        try withMock([]) { mock in
            let first = try mock.refund(key: "R-1", body: Self.body, extraHeaders: ["Authorization: Bearer top-secret-token"])
            #expect(first.status == 201)
            let answer = try first.json()
            #expect(answer["id"] as? String == "gw_000001")
            #expect(answer["refund_id"] as? String == "R-1")
            #expect(answer["status"] as? String == "accepted")
            #expect(answer["amount"] as? Int == 125000)
            #expect(first.headers["idempotent-replayed"] == nil)

            let again = try mock.refund(key: "R-1", body: Self.body)
            #expect(again.status == 201)
            #expect(again.body == first.body)
            #expect(again.headers["idempotent-replayed"] == "true")

            let next = try mock.refund(key: "R-2", body: Self.body.replacingOccurrences(of: "R-1", with: "R-2"))
            #expect(try next.json()["id"] as? String == "gw_000002")

            let listing = try mock.listing()
            #expect(listing.requests == 3)
            let entry = try #require(listing.refunds.first)
            #expect(listing.refunds.map { $0["key"] as? String } == ["R-1", "R-2"])
            #expect(entry["refund_id"] as? String == "R-1")
            #expect(entry["order_id"] as? String == "O-1")
            #expect(entry["return_id"] as? String == "RT-1")
            #expect(entry["amount"] as? Int == 125000)
            #expect(entry["status"] as? Int == 201)
            #expect(entry["requests"] as? Int == 2)
            #expect(entry["body"] as? String == Self.body)

            let log = mock.stop().log
            #expect(log.contains("outcome=accepted"))
            #expect(log.contains("outcome=replayed"))
            #expect(log.contains("idempotency.key=R-1"))
            #expect(!log.contains("top-secret-token"), "the Authorization header must never be logged")
        }
    }

    @Test func sameKeyWithAnotherBodyIsRefusedFor422() throws {
        try withMock([]) { mock in
            #expect(try mock.refund(key: "R-1", body: Self.body).status == 201)
            let other = try mock.refund(key: "R-1", body: Self.body.replacingOccurrences(of: "125000", with: "125001"))
            #expect(other.status == 422)
            #expect((try other.json()["error"] as? String)?.contains("already used with a different body") == true)
            // Byte-identical means byte-identical: the same JSON with other spacing is another body.
            let spaced = try mock.refund(key: "R-1", body: Self.body.replacingOccurrences(of: ",", with: ", "))
            #expect(spaced.status == 422)
            #expect(try mock.listing().refunds.first?["status"] as? Int == 201)
            #expect(mock.stop().log.contains("outcome=key_reused"))
        }
    }

    /// 409 means what the feed contract says: the gateway is still working on that key, come
    /// back later. A second request with the key while the first is being answered (its
    /// --delay-ms) gets 409 with Retry-After; once the first is answered, the key replays.
    @Test func aKeyStillBeingProcessedIs409ThenReplays() throws {
        try withMock(["--delay-ms", "1500"]) { mock in
            // The first request, in a curl process of its own that the test does not wait for yet.
            let first = Process()
            first.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            first.arguments = [
                "curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                "-H", "Content-Type: application/json", "-H", "Idempotency-Key: R-1", "--data-binary", Self.body, mock.url + "/refunds",
            ]
            let firstOutput = Pipe()
            first.standardOutput = firstOutput
            try first.run()
            // Wait until the mock holds the key (the first request was accepted, not yet answered).
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, (try? mock.listing().refunds.count) != 1 { Thread.sleep(forTimeInterval: 0.02) }
            let second = try mock.refund(key: "R-1", body: Self.body)
            #expect(second.status == 409)
            #expect(second.headers["retry-after"] == "1")
            #expect((try second.json()["error"] as? String)?.contains("still being processed") == true)
            let firstStatus = String(decoding: firstOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            first.waitUntilExit()
            #expect(firstStatus == "201")
            let third = try mock.refund(key: "R-1", body: Self.body)
            #expect(third.status == 201 && third.headers["idempotent-replayed"] == "true")
            #expect(mock.stop().log.contains("outcome=conflict"))
        }
    }

    @Test func invalidBodiesAre400AndRemembered() throws {
        let cases: [(key: String?, body: String, mentions: String)] = [
            ("R-1", Self.body.replacingOccurrences(of: "125000", with: "12.5"), "amount"),
            ("R-2", Self.body.replacingOccurrences(of: "R-1", with: "R-2").replacingOccurrences(of: "125000", with: "1.25e5"), "amount"),
            ("R-3", Self.body.replacingOccurrences(of: "R-1", with: "R-3").replacingOccurrences(of: "125000", with: "0"), "amount"),
            ("R-4", Self.body.replacingOccurrences(of: "R-1", with: "R-4").replacingOccurrences(of: "125000", with: "\"125000\""), "amount"),
            ("R-5", Self.body.replacingOccurrences(of: "R-1", with: "R-5").replacingOccurrences(of: "INR", with: "USD"), "currency"),
            ("R-6", Self.body, "Idempotency-Key"),
            ("R-7", #"{"refund_id":"R-7","amount":100,"currency":"INR"}"#, "order_id"),
            ("R-8", "refund please", "not valid JSON"),
            ("R-9", "[]", "JSON object"),
            (nil, Self.body, "Idempotency-Key header is missing"),
            ("", Self.body, "Idempotency-Key header is empty"),
        ]
        try withMock([]) { mock in
            for (key, body, mentions) in cases {
                let answer = try mock.refund(key: key, body: body)
                #expect(answer.status == 400, "\(body)")
                let message = try answer.json()["error"] as? String ?? ""
                #expect(message.contains(mentions), "\(message)")
            }
            // The 400 is remembered under its key and replayed like any answer.
            let again = try mock.refund(key: "R-5", body: cases[4].body)
            #expect(again.status == 400)
            #expect(again.headers["idempotent-replayed"] == "true")
            let listing = try mock.listing()
            #expect(listing.requests == cases.count + 1)
            #expect(listing.refunds.map { $0["key"] as? String } == ["R-1", "R-2", "R-3", "R-4", "R-5", "R-6", "R-7", "R-8", "R-9"])
            #expect(listing.refunds.allSatisfy { $0["status"] as? Int == 400 })
        }
    }

    @Test func scriptedAnswersComeFirstAndProcessNothing() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let script = ws.root + "/script.json"
        try #"[{"status": 500}, {"status": 429, "retry_after": "2", "message": "slow down"}]"#.write(toFile: script, atomically: true, encoding: .utf8)
        try withMock(["--script", script]) { mock in
            let first = try mock.refund(key: "R-1", body: Self.body)
            #expect(first.status == 500)
            let second = try mock.refund(key: "R-1", body: Self.body)
            #expect(second.status == 429)
            #expect(second.headers["retry-after"] == "2")
            #expect(try second.json()["error"] as? String == "slow down")
            #expect(try mock.listing().refunds.isEmpty)

            let queued = try mock.curl(["-X", "POST", "--data-binary", #"[{"status": 503, "delay_ms": 10}]"#, mock.url + "/_mock/script"])
            #expect(queued.status == 204)
            #expect(try mock.refund(key: "R-1", body: Self.body).status == 503)
            let done = try mock.refund(key: "R-1", body: Self.body)
            #expect(done.status == 201)
            #expect(done.headers["idempotent-replayed"] == nil)
            let listing = try mock.listing()
            #expect(listing.requests == 4)
            #expect(listing.refunds.first?["requests"] as? Int == 4)

            let wrong = try mock.curl(["-X", "POST", "--data-binary", #"[{"status": 503, "retry-after": "1"}]"#, mock.url + "/_mock/script"])
            #expect(wrong.status == 400)
            #expect(wrong.body.contains("retry-after"))
            #expect(mock.stop().log.contains("outcome=scripted"))
        }
    }

    @Test func aScriptedAnswerWithAKeyWaitsForThatKey() throws {
        let other = Self.body.replacingOccurrences(of: "R-1", with: "R-2").replacingOccurrences(of: "O-1", with: "O-2")
        try withMock([]) { mock in
            let queued = try mock.curl(["-X", "POST", "--data-binary", #"[{"status": 400, "message": "not captured", "key": "R-2"}]"#, mock.url + "/_mock/script"])
            #expect(queued.status == 204)
            // Another key passes by the keyed answer and is processed as usual.
            #expect(try mock.refund(key: "R-1", body: Self.body).status == 201)
            let second = try mock.refund(key: "R-2", body: other)
            #expect(second.status == 400)
            #expect(try second.json()["error"] as? String == "not captured")
            // Used once: the next request with that key is processed.
            #expect(try mock.refund(key: "R-2", body: other).status == 201)
        }
    }

    @Test func scriptedDropCutsTheAnswer() throws {
        try withMock([]) { mock in
            _ = try mock.curl(["-X", "POST", "--data-binary", #"[{"status": 201, "drop": true}]"#, mock.url + "/_mock/script"])
            let cut = try mock.refund(key: "R-1", body: Self.body)
            #expect(cut.exitCode != 0, "curl must see an incomplete answer")
            #expect(try mock.listing().refunds.isEmpty)
            #expect(try mock.refund(key: "R-1", body: Self.body).status == 201)
        }
    }

    @Test func failRateOneAnswers500AndRemembersNothing() throws {
        try withMock(["--fail-rate", "1"]) { mock in
            let answer = try mock.refund(key: "R-1", body: Self.body)
            #expect(answer.status == 500)
            #expect(try answer.json()["error"] as? String == "injected failure")
            let listing = try mock.listing()
            #expect(listing.requests == 1)
            #expect(listing.refunds.isEmpty)
            #expect(mock.stop().log.contains("outcome=injected_failure"))
        }
    }

    @Test func droppedConnectionAfterProcessingThenReplay() throws {
        try withMock(["--drop-connection-rate", "1"]) { mock in
            let dropped = try mock.refund(key: "R-1", body: Self.body)
            #expect(dropped.exitCode == 18 || dropped.exitCode == 52 || dropped.exitCode == 56, "curl exit \(dropped.exitCode): \(dropped.stderr)")
            // The refund was processed even though its answer was lost.
            let listing = try mock.listing()
            #expect(listing.refunds.count == 1)
            #expect(listing.refunds.first?["status"] as? Int == 201)
            // Resending the same key gets the whole answer: a replay of the first one.
            let again = try mock.refund(key: "R-1", body: Self.body)
            #expect(again.exitCode == 0)
            #expect(again.status == 201)
            #expect(again.headers["idempotent-replayed"] == "true")
            #expect(try again.json()["id"] as? String == "gw_000001")
            #expect(mock.stop().log.contains("outcome=dropped"))
        }
    }

    @Test func delayHoldsTheAnswer() throws {
        try withMock(["--delay-ms", "400"]) { mock in
            let started = Date()
            let answer = try mock.refund(key: "R-1", body: Self.body)
            #expect(answer.status == 201)
            #expect(Date().timeIntervalSince(started) >= 0.4)
        }
    }

    @Test func seedMakesTheRandomChoicesReproducible() throws {
        var runs: [[Int]] = []
        for _ in 0..<2 {
            try withMock(["--fail-rate", "0.5", "--seed", "42"]) { mock in
                runs.append(try (1...12).map { n in
                    try mock.refund(key: "R-\(n)", body: Self.body.replacingOccurrences(of: "R-1", with: "R-\(n)")).status
                })
            }
        }
        #expect(runs[0] == runs[1])
        #expect(Set(runs[0]) == [201, 500], "\(runs[0])")
    }

    @Test func journalRestoresTheKeysAfterARestart() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let journal = ws.root + "/journal.jsonl"
        try withMock(["--journal", journal]) { mock in
            let accepted = try mock.refund(key: "R-1", body: Self.body)
            let invalid = try mock.refund(key: "R-2", body: "{}")
            #expect(accepted.status == 201)
            #expect(invalid.status == 400)
            #expect(mock.stop().status == 0)
        }
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let line = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(line["key"] as? String == "R-1")
        #expect(line["outcome"] as? String == "accepted")
        #expect(line["status"] as? Int == 201)
        #expect(line["body"] as? String == Self.body)
        #expect(line["time"] is String)

        try withMock(["--journal", journal]) { mock in
            let replay = try mock.refund(key: "R-1", body: Self.body)
            #expect(replay.status == 201)
            #expect(replay.headers["idempotent-replayed"] == "true")
            #expect(try replay.json()["id"] as? String == "gw_000001")
            #expect(try mock.refund(key: "R-2", body: "{}").headers["idempotent-replayed"] == "true")
            #expect(try mock.refund(key: "R-1", body: "{}").status == 422)
            let next = try mock.refund(key: "R-3", body: Self.body.replacingOccurrences(of: "R-1", with: "R-3"))
            #expect(try next.json()["id"] as? String == "gw_000002")
            let listing = try mock.listing()
            #expect(listing.requests == 6)
            #expect(listing.refunds.first?["requests"] as? Int == 3)
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func stopsCleanlyOnSignal(_ signalNumber: Int32) throws {
        try withMock([]) { mock in
            let health = try mock.curl([mock.url + "/healthz"])
            #expect(health.body == "ok")
            let stopped = mock.stop(signal: signalNumber)
            #expect(stopped.status == 0, "\(stopped.log)")
            #expect(stopped.output == "mock-gateway listening on \(mock.url)\n")
        }
    }

    @Test func refusesBadOptionsAndABusyPort() throws {
        let ws = try TestWorkspace()
        defer { ws.remove() }
        let badRate = try ws.run(["mock-gateway", "--port", "0", "--fail-rate", "2"])
        #expect(badRate.status == 64)
        #expect(badRate.stderr.contains("--fail-rate"))
        try "[{\"status\": 42}]".write(toFile: ws.root + "/bad.json", atomically: true, encoding: .utf8)
        let badScript = try ws.run(["mock-gateway", "--port", "0", "--script", "bad.json"])
        #expect(badScript.status == 64)
        #expect(badScript.stderr.contains("100...599"))
        try withMock([]) { mock in
            let busy = try ws.run(["mock-gateway", "--port", String(mock.port)])
            #expect(busy.status == 69)  // EX_UNAVAILABLE: the port is taken
            #expect(busy.stderr.contains("cannot listen"))
        }
    }

    /// The library API, `MockGateway.run`: it answers until its task is cancelled, then returns.
    ///
    /// Checked through the binary, whose `mock-gateway` command is that call in a process of its
    /// own (SIGTERM cancels the task; a throw from `run` would exit 69), as it runs for real.
    @Test func runAnswersUntilItsTaskIsCancelledThenReturns() throws {
        try withMock(["--seed", "1"]) { mock in
            let health = try mock.curl([mock.url + "/healthz"])
            #expect(health.status == 200)
            #expect(health.body == "ok")
            let started = Date()
            let stopped = mock.stop(signal: SIGTERM)
            #expect(Date().timeIntervalSince(started) < 10, "run must return soon after its task is cancelled")
            #expect(stopped.status == 0, "\(stopped.log)")
            // Logged by `run` only when it ends because its task was cancelled.
            #expect(stopped.log.contains("mock gateway stopped"), "\(stopped.log)")
        }
    }

    // MARK: - Helpers

    /// Starts `ordrecon mock-gateway --port 0 <arguments>`, runs `body`, and always stops it.
    private func withMock(_ arguments: [String], _ body: (MockProcess) throws -> Void) throws {
        let mock = try MockProcess(arguments: arguments)
        defer { _ = mock.stop() }
        try body(mock)
    }

    /// Runs the curl tool and waits for it.
    static func curl(_ arguments: [String]) throws -> (exitCode: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }
}

/// A running `ordrecon mock-gateway`, its port read from the listening line; standard error
/// goes to a file so a full pipe can never block it.
private final class MockProcess {
    let process: Process
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }
    private let directory: String
    private let output: Pipe
    private let listeningLine: String
    private var stopped: (status: Int32, output: String, log: String)?

    init(arguments: [String]) throws {
        let directory = NSTemporaryDirectory() + "ordrecon-mock-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/stderr.log", contents: nil)
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: TestWorkspace.binary)
        process.arguments = ["mock-gateway", "--port", "0"] + arguments
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/stderr.log"))
        try process.run()
        let line = Self.readLine(output.fileHandleForReading, timeoutSeconds: 20)
        guard let line, line.hasPrefix("mock-gateway listening on http://127.0.0.1:"),
              let port = Int(line.split(separator: ":").last ?? "")
        else {
            process.terminate()
            process.waitUntilExit()
            let log = (try? String(contentsOfFile: directory + "/stderr.log", encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: directory)
            throw TestError("mock-gateway did not report its port (got \(line ?? "nothing")): \(log)")
        }
        self.process = process
        self.output = output
        self.directory = directory
        self.port = port
        self.listeningLine = line + "\n"
    }

    /// POSTs a refund request (`key` nil sends no Idempotency-Key header).
    func refund(key: String?, body: String, extraHeaders: [String] = []) throws -> CurlAnswer {
        var arguments = ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body]
        // curl sends a header with an empty value only when written `Name;`.
        if let key { arguments += ["-H", key.isEmpty ? "Idempotency-Key;" : "Idempotency-Key: \(key)"] }
        for header in extraHeaders { arguments += ["-H", header] }
        return try curl(arguments + [url + "/refunds"])
    }

    /// `GET /_mock/refunds`.
    func listing() throws -> (requests: Int, refunds: [[String: Any]]) {
        let answer = try curl([url + "/_mock/refunds"])
        let json = try answer.json()
        return (json["requests"] as? Int ?? -1, json["refunds"] as? [[String: Any]] ?? [])
    }

    /// Runs curl with the answer's headers and body captured.
    func curl(_ arguments: [String]) throws -> CurlAnswer {
        let headerFile = directory + "/headers-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: headerFile) }
        let result = try MockGatewayTests.curl(["-sS", "--max-time", "20", "-D", headerFile, "-w", "\n%{http_code}"] + arguments)
        var lines = result.stdout.components(separatedBy: "\n")
        let status = Int(lines.popLast() ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in ((try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? "").components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return CurlAnswer(exitCode: result.exitCode, status: status, headers: headers, body: lines.joined(separator: "\n"), stderr: result.stderr)
    }

    /// Sends `signal` (once), waits for the exit; the exit status, standard output and the log.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> (status: Int32, output: String, log: String) {
        if let stopped { return stopped }
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        let log = (try? String(contentsOfFile: directory + "/stderr.log", encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: directory)
        let result = (process.terminationStatus, listeningLine + String(decoding: rest, as: UTF8.self), log)
        stopped = result
        return result
    }

    /// Reads one line, giving up after `timeoutSeconds`.
    private static func readLine(_ handle: FileHandle, timeoutSeconds: Int) -> String? {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(Double(timeoutSeconds))
        var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while Date() < deadline {
            guard poll(&descriptor, 1, 200) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(handle.fileDescriptor, &byte, 1) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}

/// What curl got: its exit code, the status, headers (lower-cased names) and body.
private struct CurlAnswer {
    var exitCode: Int32
    var status: Int
    var headers: [String: String]
    var body: String
    var stderr: String

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw TestError("not a JSON object: \(body)")
        }
        return object
    }
}
