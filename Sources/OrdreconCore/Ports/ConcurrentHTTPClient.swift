/// One HTTP request to send: a POST of `body` to `url` with `headers`, in order.
public struct HTTPRequest: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(url: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// How one request ended: its answer, or why there was none.
public struct HTTPCompletion: Sendable {
    /// The caller's tag given to ``ConcurrentHTTPClient/start(_:tag:)``.
    public var tag: Int
    public var result: Result<HTTPResponse, HTTPTransportError>

    public init(tag: Int, result: Result<HTTPResponse, HTTPTransportError>) {
        self.tag = tag
        self.result = result
    }

    /// Seconds the request took, answered or not.
    public var seconds: Double {
        switch result {
        case .success(let response): response.seconds
        case .failure(let error): error.seconds
        }
    }
}

/// The port through which the engine's refund relay sends: several HTTP requests at once, each
/// reported as it ends. It only speaks HTTP: what to send and what an answer means is its
/// caller's business. The adapter is libcurl's multi interface (`CurlMultiClient` in the
/// OrdreconGateway target); tests plug in their own.
///
/// Driven from one thread: ``start(_:tag:)`` returns at once, ``waitForCompletions(timeoutMilliseconds:)``
/// moves every transfer on and returns those that ended, ``abortAll()`` cancels what is in
/// flight without waiting. Only ``wakeUp()`` may be called from another thread.
public protocol ConcurrentHTTPClient: AnyObject {
    /// Requests started and not yet reported.
    var inFlight: Int { get }
    /// Starts a request; its end is reported by a later ``waitForCompletions(timeoutMilliseconds:)``.
    /// - Throws: when the request cannot even be set up (an invalid header, out of memory).
    func start(_ request: HTTPRequest, tag: Int) throws(HTTPTransportError)
    /// Waits until at least one request ends, ``wakeUp()`` is called, or the time is up.
    /// - Returns: the requests that ended (possibly none).
    func waitForCompletions(timeoutMilliseconds: Int) -> [HTTPCompletion]
    /// Cancels every request in flight at once; each is reported here as a transport error of
    /// kind `.aborted` (the server may have acted on it).
    func abortAll() -> [HTTPCompletion]
    /// Makes a ``waitForCompletions(timeoutMilliseconds:)`` in progress return early. Thread-safe.
    func wakeUp()
}
