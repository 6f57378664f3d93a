import Foundation
import Logging

/// Routes the mock's endpoints, logs one line per request, and waits before answering (on the
/// request's own connection thread).
struct MockGatewayHandler: Sendable {
    let state: MockGatewayState
    let logger: Logger

    func handle(_ request: MockHTTPServer.Request) -> MockReply {
        let method = request.method
        let key = request.header("Idempotency-Key")
        let reply = route(request, method: method)
        // Headers other than the idempotency key (Authorization in particular) are never logged.
        logger.info(
            "\(method) \(request.path)",
            metadata: {
                var metadata: Logger.Metadata = [
                    "http.status": "\(reply.status)", "outcome": "\((reply.drop ? .dropped : reply.outcome).rawValue)",
                ]
                if reply.drop { metadata["dropped.after"] = "\(reply.outcome.rawValue)" }
                if let key { metadata["idempotency.key"] = "\(key)" }
                return metadata
            }())
        if reply.delayMilliseconds > 0 {
            var wait = timespec(
                tv_sec: reply.delayMilliseconds / 1000, tv_nsec: (reply.delayMilliseconds % 1000) * 1_000_000)
            var remaining = timespec()
            while nanosleep(&wait, &remaining) == -1 && errno == EINTR { wait = remaining }
        }
        if let key = reply.processingKey { state.finishedProcessing(key) }
        return reply
    }

    private func route(_ request: MockHTTPServer.Request, method: String) -> MockReply {
        switch (method, request.path) {
        case ("POST", "/refunds"):
            return state.refund(key: request.header("Idempotency-Key"), body: request.body)
        case ("POST", "/_mock/script"):
            do {
                let answers = try MockAnswer.script(from: request.body)
                state.enqueue(answers)
                return MockReply(status: 204, body: Data(), outcome: .queued)
            } catch let error as MockScriptError {
                return .error(400, error.description, .badScript)
            } catch {
                return .error(400, "\(error)", .badScript)
            }
        case ("GET", "/_mock/refunds"):
            return .json(200, state.listing(), .listed)
        case ("GET", "/healthz"):
            return MockReply(
                status: 200, body: Data("ok".utf8), contentType: "text/plain; charset=utf-8", outcome: .health)
        case (_, let path) where Self.routes[path] != nil:
            var reply = MockReply.error(405, "\(method) is not allowed on \(path)", .methodNotAllowed)
            reply.headers.append(("Allow", Self.routes[path] ?? ""))
            return reply
        default:
            return .error(404, "no such endpoint: \(method) \(request.path)", .notFound)
        }
    }

    private static let routes = [
        "/refunds": "POST", "/_mock/script": "POST", "/_mock/refunds": "GET", "/healthz": "GET",
    ]
}
