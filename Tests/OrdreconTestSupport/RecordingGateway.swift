import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A payment gateway on 127.0.0.1 (a real HTTP server, one thread per connection) that keeps
/// its own idempotency (a key answered 2xx once is replayed, never paid twice) and records
/// everything: each request's key, body, arrival time and connection, and the most requests
/// it ever held at once, in all and per key. `answer` decides the status for a new request.
public final class RecordingGateway: Sendable {
    public struct Seen: Sendable {
        public var key: String
        public var body: String
        public var authorization: String?
        /// Seconds since the gateway started (monotonic).
        public var arrival: Double
        public var remote: String
        public var status: Int
    }

    /// Decides the status (and headers) for a request with a key, given how many came before with it.
    public typealias Decision = @Sendable (String, Int) -> (status: Int, headers: [(name: String, value: String)])

    private let recorder: Recorder
    private let server: ThreadedHTTPServer

    /// - Parameters:
    ///   - delayMilliseconds: how long each answer takes.
    ///   - answer: the status (and headers) for a request with this key, given how many requests
    ///     with it came before; a 2xx pays the refund.
    public init(delayMilliseconds: Int = 0, answer: @escaping Decision) throws {
        let recorder = Recorder(delayMilliseconds: delayMilliseconds, decide: answer)
        self.recorder = recorder
        server = try ThreadedHTTPServer { request in recorder.handle(request) }
    }

    public var url: String { "http://127.0.0.1:\(server.port)" }

    public func stop() { server.stop() }

    /// Changes how new requests are answered.
    public func answer(_ decide: @escaping Decision) {
        recorder.state.withLock { $0.decide = decide }
    }

    public var requests: [Seen] { recorder.state.withLock { $0.seen } }
    /// Keys paid, with the body each was paid with.
    public var payments: [String: String] { recorder.state.withLock { $0.paid } }
    /// The most requests it ever held at once.
    public var mostInFlight: Int { recorder.state.withLock { $0.most } }
    /// The most requests with one key the gateway ever held at once (1 when no key was ever in flight twice).
    public var mostAtOnceForOneKey: Int { recorder.state.withLock { $0.mostPerKey } }

    /// What the connection threads record, and how they answer.
    private final class Recorder: Sendable {
        struct State {
            var seen: [Seen] = []
            var paid: [String: String] = [:]
            var holding: [String: Int] = [:]
            var inFlight = 0
            var most = 0
            var mostPerKey = 0
            var decide: Decision
        }

        let state: Mutex<State>
        let started = DispatchTime.now()
        let delayMilliseconds: Int

        init(delayMilliseconds: Int, decide: @escaping Decision) {
            self.delayMilliseconds = delayMilliseconds
            state = Mutex(State(decide: decide))
        }

        func handle(_ request: ThreadedHTTPServer.Request) -> ThreadedHTTPServer.Response {
            let key = request.header("idempotency-key") ?? ""
            let body = String(decoding: request.body, as: UTF8.self)
            let arrival = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            let (before, decide) = state.withLock { state -> (Int, Decision) in
                state.inFlight += 1
                state.most = max(state.most, state.inFlight)
                state.holding[key, default: 0] += 1
                state.mostPerKey = max(state.mostPerKey, state.holding[key]!)
                return (state.seen.filter { $0.key == key }.count, state.decide)
            }
            // The answer takes this long (the connection's own thread waits, nothing else does).
            if delayMilliseconds > 0 { usleep(UInt32(delayMilliseconds) * 1000) }
            let decided = decide(key, before)
            let (status, headers) = state.withLock { state -> (Int, [(name: String, value: String)]) in
                state.inFlight -= 1
                state.holding[key]! -= 1
                var (status, headers) = decided
                if let first = state.paid[key] {
                    // Idempotency: a paid key is answered as paid, with the first body only.
                    status = first == body ? 201 : 422
                    headers = []
                } else if (200..<300).contains(status) {
                    state.paid[key] = body
                }
                state.seen.append(
                    Seen(
                        key: key, body: body, authorization: request.header("authorization"), arrival: arrival,
                        remote: request.remote, status: status))
                return (status, headers)
            }
            let answer = (200..<300).contains(status) ? #"{"id":"gw-\#(key)"}"# : #"{"error":"status \#(status)"}"#
            return ThreadedHTTPServer.Response(
                status: status, reason: "Status", headers: headers, body: Array(answer.utf8))
        }
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
