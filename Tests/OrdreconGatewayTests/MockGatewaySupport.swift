import Foundation
import OrdreconTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Starts `ordrecon mock-gateway --port 0 <arguments>`, runs `body`, and always stops it.
func withMock(_ arguments: [String], _ body: (MockProcess) async throws -> Void) async throws {
    let mock = try await MockProcess(arguments: arguments)
    defer { mock.kill() }
    try await body(mock)
}

/// A running `ordrecon mock-gateway`, its port read from the listening line; its output kept in
/// memory (read on threads of their own, so that a full pipe never blocks it).
final class MockProcess: Sendable {
    let process: ChildProcess
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    init(arguments: [String]) async throws {
        process = try ChildProcess(
            executable: TestWorkspace.binary, arguments: ["mock-gateway", "--port", "0"] + arguments)
        _ = await process.wait(timeout: .seconds(60)) {
            $0.standardOutput.contains(UInt8(ascii: "\n")) || $0.exit != nil
        }
        let line = process.standardOutput.split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("mock-gateway listening on http://127.0.0.1:"),
            let port = Int(line.split(separator: ":").last ?? "")
        else {
            process.signal(SIGKILL)
            throw TestError("mock-gateway did not report its port (got \(line)):\n\(process.tail())")
        }
        self.port = port
    }

    /// POSTs a refund request (`key` nil sends no Idempotency-Key header).
    func refund(key: String?, body: String, extraHeaders: [String] = []) async throws -> CurlAnswer {
        var arguments = ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body]
        // curl sends a header with an empty value only when written `Name;`.
        if let key { arguments += ["-H", key.isEmpty ? "Idempotency-Key;" : "Idempotency-Key: \(key)"] }
        for header in extraHeaders { arguments += ["-H", header] }
        return try await curl(arguments + [url + "/refunds"])
    }

    /// `GET /_mock/refunds`.
    func listing() async throws -> (requests: Int, refunds: [[String: Any]]) {
        let answer = try await curl([url + "/_mock/refunds"])
        let json = try answer.json()
        return (json["requests"] as? Int ?? -1, json["refunds"] as? [[String: Any]] ?? [])
    }

    /// Runs curl with the answer's headers (`-D -`, before the body) and body captured.
    func curl(_ arguments: [String]) async throws -> CurlAnswer {
        let result = try await ChildProcess.tool(
            "curl", ["-sS", "--max-time", "20", "-D", "-", "-w", "\n%{http_code}"] + arguments)
        var lines = result.stdout.components(separatedBy: "\n")
        let status = Int(lines.popLast() ?? "") ?? 0
        var text = lines.joined(separator: "\n")
        var headers: [String: String] = [:]
        // Each head (an interim 100 as well) ends with an empty line; the body follows the last.
        while text.hasPrefix("HTTP/"), let end = text.range(of: "\r\n\r\n") {
            for line in text[..<end.lowerBound].components(separatedBy: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
            text = String(text[end.upperBound...])
        }
        return CurlAnswer(exitCode: result.status, status: status, headers: headers, body: text, stderr: result.stderr)
    }

    /// Sends `signal` (once), waits for the exit; the exit status, standard output and the log.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) async -> (status: Int32, output: String, log: String) {
        let exit = await process.stop(signal, timeout: .seconds(20))
        _ = await process.wait(timeout: .seconds(20)) { $0.outputEnded }
        return (exit?.status ?? -1, process.standardOutput, process.standardError)
    }

    /// SIGKILL unless it has ended; does not wait.
    func kill() { process.signal(SIGKILL) }
}

/// What curl got: its exit code, the status, headers (lower-cased names) and body.
struct CurlAnswer {
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
