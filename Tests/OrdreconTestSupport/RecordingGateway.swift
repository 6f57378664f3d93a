import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A payment gateway on 127.0.0.1 (a real HTTP server, one thread per connection) that keeps
/// its own idempotency (a key answered 2xx once is replayed, never paid twice) and records
/// everything: each request's key, body, arrival time and connection, and the most requests
/// it ever held at once, in all and per key. `answer` decides the status for a new request.
public final class RecordingGateway: @unchecked Sendable {
    public struct Seen: Sendable {
        public var key: String
        public var body: String
        public var authorization: String?
        /// Seconds since the gateway started (monotonic).
        public var arrival: Double
        public var remote: String
        public var status: Int
    }

    private let lock = NSLock()
    private var seen: [Seen] = []
    private var paid: [String: String] = [:]
    private var holding: [String: Int] = [:]
    private var inFlight = 0
    private var most = 0
    private var mostPerKey = 0
    private let started = DispatchTime.now()
    private var decide: @Sendable (String, Int) -> (status: Int, headers: [(name: String, value: String)])
    private let delayMilliseconds: Int
    private var server: ThreadedHTTPServer!

    /// - Parameters:
    ///   - delayMilliseconds: how long each answer takes.
    ///   - answer: the status (and headers) for a request with this key, given how many requests
    ///     with it came before; a 2xx pays the refund.
    public init(delayMilliseconds: Int = 0, answer: @escaping @Sendable (String, Int) -> (status: Int, headers: [(name: String, value: String)])) throws {
        self.delayMilliseconds = delayMilliseconds
        self.decide = answer
        server = try ThreadedHTTPServer { [unowned self] request in self.handle(request) }
    }

    public var url: String { "http://127.0.0.1:\(server.port)" }

    public func stop() { server.stop() }

    /// Changes how new requests are answered.
    public func answer(_ decide: @escaping @Sendable (String, Int) -> (status: Int, headers: [(name: String, value: String)])) {
        lock.withLock { self.decide = decide }
    }

    public var requests: [Seen] { lock.withLock { seen } }
    /// Keys paid, with the body each was paid with.
    public var payments: [String: String] { lock.withLock { paid } }
    /// The most requests with one key the gateway ever held at once (1 when no key was ever in flight twice).
    /// The most requests it ever held at once.
    public var mostInFlight: Int { lock.withLock { most } }
    public var mostAtOnceForOneKey: Int { lock.withLock { mostPerKey } }

    private func handle(_ request: ThreadedHTTPServer.Request) -> ThreadedHTTPServer.Response {
        let key = request.header("idempotency-key") ?? ""
        let body = String(decoding: request.body, as: UTF8.self)
        let arrival = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let (before, decide) = lock.withLock { () -> (Int, @Sendable (String, Int) -> (status: Int, headers: [(name: String, value: String)])) in
            inFlight += 1
            most = max(most, inFlight)
            holding[key, default: 0] += 1
            mostPerKey = max(mostPerKey, holding[key]!)
            return (seen.filter { $0.key == key }.count, self.decide)
        }
        if delayMilliseconds > 0 { usleep(UInt32(delayMilliseconds) * 1000) }
        var (status, headers) = decide(key, before)
        let answer: String
        let response: ThreadedHTTPServer.Response = lock.withLock {
            inFlight -= 1
            holding[key]! -= 1
            if let first = paid[key] {
                // Idempotency: a paid key is answered as paid, with the first body only.
                status = first == body ? 201 : 422
                headers = []
            } else if (200..<300).contains(status) {
                paid[key] = body
            }
            seen.append(Seen(key: key, body: body, authorization: request.header("authorization"), arrival: arrival, remote: request.remote, status: status))
            return ThreadedHTTPServer.Response(status: status, reason: "Status", headers: headers, body: [])
        }
        answer = (200..<300).contains(status) ? #"{"id":"gw-\#(key)"}"# : #"{"error":"status \#(status)"}"#
        var full = response
        full.body = Array(answer.utf8)
        return full
    }
}

extension Array where Element == RecordingGateway.Seen {
    /// The most arrivals within any window of `seconds`.
    public func mostWithin(seconds: Double) -> Int {
        let times = map(\.arrival).sorted()
        var most = 0
        var low = 0
        for high in times.indices {
            while times[high] - times[low] >= seconds { low += 1 }
            most = Swift.max(most, high - low + 1)
        }
        return most
    }
}
