import Dispatch
public import OrdreconCore
import Synchronization

/// A refund sender for tests behind the ``ConcurrentHTTPClient`` port: each request is answered
/// as a script says, from the request's `Idempotency-Key` and how many requests for that key came
/// before, without a network. A request can also be held (it stays in flight until aborted), and
/// every request is kept (``requests``). A hook (``whenStarted(_:)``) sees each request as it starts.
///
/// Checked `Sendable`: its state lives in one `Mutex`; the semaphore only counts wake-ups.
public final class ScriptedHTTPClient: ConcurrentHTTPClient, Sendable {
    /// What the script makes of a request.
    public enum Reply: Sendable {
        /// An HTTP answer.
        case answer(status: Int, headers: [(name: String, value: String)] = [], body: String = "")
        /// No answer: a transport failure of this kind.
        case failure(HTTPTransportError.Kind)
        /// No answer yet: it stays in flight until ``abortAll()``.
        case hold
    }

    /// A request as it was started.
    public struct Request: Sendable {
        public var url: String
        public var key: String?
        public var authorization: String?
        public var body: String
    }

    private struct State {
        var requests: [Request] = []
        var perKey: [String: Int] = [:]
        var answered: [HTTPCompletion] = []
        var held: [Int] = []
    }

    private let script: @Sendable (_ key: String, _ before: Int) -> Reply
    private let onStart = Mutex<(@Sendable (Request) -> Void)?>(nil)
    private let state = Mutex(State())
    private let wakeUps = DispatchSemaphore(value: 0)

    /// - Parameter script: the reply to a request with this key, after `before` requests with it.
    public init(_ script: @escaping @Sendable (_ key: String, _ before: Int) -> Reply) {
        self.script = script
    }

    /// Tells `action` of each request from now on, as it starts (on the thread that starts it,
    /// once its reply is decided).
    public func whenStarted(_ action: @escaping @Sendable (Request) -> Void) {
        onStart.withLock { $0 = action }
    }

    /// Every request started, in order.
    public var requests: [Request] { state.withLock { $0.requests } }

    public var inFlight: Int { state.withLock { $0.answered.count + $0.held.count } }

    public func start(_ request: HTTPRequest, tag: Int) throws(HTTPTransportError) {
        func header(_ name: String) -> String? {
            request.headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        let sent = Request(
            url: request.url, key: header("Idempotency-Key"), authorization: header("Authorization"),
            body: String(decoding: request.body, as: UTF8.self))
        let key = sent.key ?? ""
        let before = state.withLock { state in
            state.requests.append(sent)
            defer { state.perKey[key, default: 0] += 1 }
            return state.perKey[key, default: 0]
        }
        let reply = script(key, before)
        state.withLock { state in
            switch reply {
            case .answer(let status, let headers, let body):
                let response = HTTPResponse(
                    status: status, headers: headers.map { ($0.name.lowercased(), $0.value) }, body: Array(body.utf8),
                    seconds: 0.001)
                state.answered.append(HTTPCompletion(tag: tag, result: .success(response)))
            case .failure(let kind):
                let error = HTTPTransportError(
                    kind: kind, curlCode: kind == .connectionFailed ? 7 : 56, message: "scripted \(kind)",
                    seconds: 0.001)
                state.answered.append(HTTPCompletion(tag: tag, result: .failure(error)))
            case .hold:
                state.held.append(tag)
            }
        }
        onStart.withLock { $0 }?(sent)
        wakeUps.signal()
    }

    /// The answers ready now; when there are none, blocks up to `timeoutMilliseconds` (as a real
    /// client waits on its sockets) or until ``wakeUp()``.
    public func waitForCompletions(timeoutMilliseconds: Int) -> [HTTPCompletion] {
        let ready = state.withLock { state in
            defer { state.answered.removeAll() }
            return state.answered
        }
        if !ready.isEmpty { return ready }
        _ = wakeUps.wait(timeout: .now() + .milliseconds(max(0, timeoutMilliseconds)))
        return state.withLock { state in
            defer { state.answered.removeAll() }
            return state.answered
        }
    }

    public func abortAll() -> [HTTPCompletion] {
        state.withLock { state in
            let tags = state.answered.map(\.tag) + state.held
            state.answered.removeAll()
            state.held.removeAll()
            return tags.map { tag in
                HTTPCompletion(
                    tag: tag,
                    result: .failure(
                        HTTPTransportError(
                            kind: .aborted, curlCode: 42, message: "aborted by the caller", seconds: 0.001)))
            }
        }
    }

    public func wakeUp() { wakeUps.signal() }
}
