import FlyingFox
import Foundation
import Logging

/// Routes the mock's endpoints, logs one line per request, waits, and builds the response
/// (or the dropped connection).
struct MockGatewayHandler: HTTPHandler {
    let state: MockGatewayState
    let logger: Logger

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let method = request.method.rawValue
        let key = request.headers[HTTPHeader("Idempotency-Key")]
        let reply = try await route(request, method: method)
        // Headers other than the idempotency key (Authorization in particular) are never logged.
        var metadata: Logger.Metadata = ["http.status": "\(reply.status)", "outcome": "\((reply.drop ? .dropped : reply.outcome).rawValue)"]
        if reply.drop { metadata["dropped.after"] = "\(reply.outcome.rawValue)" }
        if let key { metadata["idempotency.key"] = "\(key)" }
        logger.info("\(method) \(request.path)", metadata: metadata)
        if reply.delayMilliseconds > 0 {
            do {
                try await Task.sleep(for: .milliseconds(reply.delayMilliseconds))
            } catch {
                if let key = reply.processingKey { await state.finishedProcessing(key) }
                throw error
            }
        }
        if let key = reply.processingKey { await state.finishedProcessing(key) }
        return response(for: reply)
    }

    private func route(_ request: HTTPRequest, method: String) async throws -> MockReply {
        switch (method, request.path) {
        case ("POST", "/refunds"):
            let key = request.headers[HTTPHeader("Idempotency-Key")]
            return await state.refund(key: key, body: try await request.bodyData)
        case ("POST", "/_mock/script"):
            do {
                let answers = try MockAnswer.script(from: try await request.bodyData)
                await state.enqueue(answers)
                return MockReply(status: 204, body: Data(), outcome: .queued)
            } catch let error as MockScriptError {
                return .error(400, error.description, .badScript)
            }
        case ("GET", "/_mock/refunds"):
            return .json(200, await state.listing(), .listed)
        case ("GET", "/healthz"):
            return MockReply(status: 200, body: Data("ok".utf8), contentType: "text/plain; charset=utf-8", outcome: .health)
        case (_, let path) where Self.routes[path] != nil:
            var reply = MockReply.error(405, "\(method) is not allowed on \(path)", .methodNotAllowed)
            reply.headers.append(("Allow", Self.routes[path] ?? ""))
            return reply
        default:
            return .error(404, "no such endpoint: \(method) \(request.path)", .notFound)
        }
    }

    private static let routes = ["/refunds": "POST", "/_mock/script": "POST", "/_mock/refunds": "GET", "/healthz": "GET"]

    private func response(for reply: MockReply) -> HTTPResponse {
        var headers = HTTPHeaders()
        if let contentType = reply.contentType { headers[.contentType] = contentType }
        for (name, value) in reply.headers { headers[HTTPHeader(name)] = value }
        let status = HTTPStatusCode(reply.status, phrase: Self.phrase(reply.status))
        guard reply.drop else {
            return HTTPResponse(statusCode: status, headers: headers, body: reply.body)
        }
        // The header promises at least one byte, so the cut answer is visibly incomplete.
        let body = HTTPBodySequence(from: DroppedConnectionBody(), count: max(reply.body.count, 1))
        return HTTPResponse(statusCode: status, headers: headers, body: body)
    }

    private static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}
