import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small blocking HTTP/1.1 server on 127.0.0.1 for tests, on threads of its own.
///
/// It never uses Swift concurrency: the accept loop runs on a dedicated `Thread` and every
/// connection on another, so it answers even when every thread of the cooperative pool is
/// blocked by other tests (a process, a sleep, a pipe read). Connections are kept alive until
/// the client closes them or sends `Connection: close`; bodies are read by `Content-Length`
/// (chunked request bodies are refused with 501); an `Expect: 100-continue` gets its interim
/// answer; a request line that is not HTTP gets a 400 and the connection is closed.
///
/// ```swift
/// let server = try ThreadedHTTPServer { request in .init(status: 200, body: Array("hi".utf8)) }
/// defer { server.stop() }
/// // ... http://127.0.0.1:\(server.port)/ ...
/// #expect(server.requests.map(\.path) == ["/"])
/// ```
public final class ThreadedHTTPServer: Sendable {
    /// One request as received.
    public struct Request: Sendable {
        public var method: String
        /// The request target as sent (path and any query).
        public var path: String
        /// The header fields in order, names as sent.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// The client's address, `127.0.0.1:<port>`: one per connection.
        public var remote: String

        /// The value of the first header called `name`, compared without case.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// An answer. `Content-Length` is added unless given; the whole answer is sent in one write,
    /// unless it has a ``Generated`` body.
    public struct Response: Sendable {
        public var status: Int
        public var reason: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// A body made while it is sent, instead of `body` (for answers too large to hold).
        public var generated: Generated?

        public init(
            status: Int = 200, reason: String = "Status", headers: [(name: String, value: String)] = [],
            body: [UInt8] = [],
            generated: Generated? = nil
        ) {
            self.status = status
            self.reason = reason
            self.headers = headers
            self.body = body
            self.generated = generated
        }
    }

    /// A body of `length` bytes, `prefix` then `x`, written 64 KiB at a time as it is made:
    /// with a `Content-Length`, or with `Transfer-Encoding: chunked` (one chunk per write).
    /// Writing stops when the client closes the connection.
    public struct Generated: Sendable {
        public var length: Int
        public var prefix: [UInt8]
        public var chunked: Bool

        public init(length: Int, prefix: [UInt8] = [], chunked: Bool = false) {
            self.length = length
            self.prefix = prefix
            self.chunked = chunked
        }
    }

    /// What the threads share.
    private struct State {
        var received: [Request] = []
        var connections: Set<Int32> = []
        var stopping = false
        var generatedSent = 0
    }

    /// The port it listens on.
    public let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (Request) -> Response
    private let state = Mutex(State())
    private let acceptDone = DispatchSemaphore(value: 0)

    /// Listens on an ephemeral port of 127.0.0.1 and starts accepting.
    /// - Parameter handler: answers each request, on the connection's thread (it may block or
    ///   sleep; other connections go on).
    public init(handler: @escaping @Sendable (Request) -> Response) throws {
        let (descriptor, chosen) = try LoopbackSocket.bound()
        guard listen(descriptor, 16) == 0 else {
            let error = POSIXError(.init(rawValue: errno) ?? .EIO)
            close(descriptor)
            throw error
        }
        listener = descriptor
        port = chosen
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "ThreadedHTTPServer accept :\(port)"
        thread.start()
    }

    /// Every request received so far, in order of arrival.
    public var requests: [Request] {
        state.withLock { $0.received }
    }

    /// The bytes of ``Generated`` bodies the kernel took so far (body bytes only, all answers).
    public var generatedBytesSent: Int {
        state.withLock { $0.generatedSent }
    }

    /// Stops accepting (waits for the accept thread to close the listening socket) and shuts
    /// down the open connections. Answers still being computed are not waited for: their
    /// threads end by themselves, writing to a closed connection. Calling it again does nothing.
    public func stop() {
        let first = state.withLock {
            let first = !$0.stopping
            $0.stopping = true
            for connection in $0.connections { shutdown(connection, Int32(SHUT_RDWR)) }
            return first
        }
        if first { acceptDone.wait() }
    }

    // MARK: - Threads

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func acceptLoop() {
        defer {
            close(listener)
            acceptDone.signal()
        }
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        while !isStopping {
            guard poll(&poller, 1, 50) > 0 else { continue }
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let connection = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) }
            }
            guard connection >= 0 else { continue }
            let admitted = state.withLock {
                if !$0.stopping { $0.connections.insert(connection) }
                return !$0.stopping
            }
            guard admitted else {
                close(connection)
                return
            }
            var one: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let remote = "127.0.0.1:\(UInt16(bigEndian: peer.sin_port))"
            let thread = Thread { [self] in serve(connection, remote: remote) }
            thread.name = "ThreadedHTTPServer connection \(remote)"
            thread.start()
        }
    }

    /// Answers requests on one connection until it ends; then closes it (only this thread
    /// closes it, after removing it from `connections`, so `stop` never touches a reused number).
    private func serve(_ connection: Int32, remote: String) {
        defer {
            state.withLock { _ = $0.connections.remove(connection) }
            close(connection)
        }
        var buffer: [UInt8] = []
        while true {
            let head: Head
            switch Self.readHead(connection, into: &buffer) {
            case .closed: return
            case .invalid:
                Self.send(
                    connection,
                    Self.encode(Response(status: 400, reason: "Bad Request", headers: [("Connection", "close")])))
                return
            case .head(let parsed): head = parsed
            }
            let request = Request(method: head.method, path: head.path, headers: head.headers, body: [], remote: remote)
            if request.header("transfer-encoding") != nil {
                Self.send(
                    connection,
                    Self.encode(Response(status: 501, reason: "Not Implemented", headers: [("Connection", "close")])))
                return
            }
            let length = Int(request.header("content-length")?.trimmingCharacters(in: .whitespaces) ?? "0") ?? -1
            guard length >= 0 else {
                Self.send(
                    connection,
                    Self.encode(Response(status: 400, reason: "Bad Request", headers: [("Connection", "close")])))
                return
            }
            if length > 0, request.header("expect")?.lowercased() == "100-continue" {
                Self.send(connection, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
            guard Self.read(connection, into: &buffer, atLeast: length) else { return }
            var complete = request
            complete.body = Array(buffer[..<length])
            buffer.removeFirst(length)
            state.withLock { $0.received.append(complete) }

            let closing = complete.header("connection")?.lowercased() == "close" || head.version == "HTTP/1.0"
            var response = handler(complete)
            if closing, !response.headers.contains(where: { $0.name.lowercased() == "connection" }) {
                response.headers.append(("Connection", "close"))
            }
            guard Self.send(connection, Self.encode(response)) else { return }
            if let generated = response.generated {
                guard sendGenerated(connection, generated) else { return }
            }
            if closing { return }
        }
    }

    /// Writes a generated body; false when the connection failed first (the client closed it).
    private func sendGenerated(_ connection: Int32, _ generated: Generated) -> Bool {
        let piece = 64 * 1024
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: piece)
        var made = 0
        while made < generated.length {
            let count = min(piece, generated.length - made)
            var bytes = Array(generated.prefix.dropFirst(made).prefix(count))
            bytes += filler[0..<(count - bytes.count)]
            if generated.chunked {
                bytes = Array((String(count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8)
            }
            guard Self.send(connection, bytes) else { return false }
            made += count
            state.withLock { $0.generatedSent += count }
        }
        return !generated.chunked || Self.send(connection, Array("0\r\n\r\n".utf8))
    }

    // MARK: - Wire format

    private struct Head {
        var method: String
        var path: String
        var version: String
        var headers: [(name: String, value: String)]
    }

    private enum HeadResult {
        case head(Head)
        case invalid
        case closed
    }

    /// Reads up to the blank line ending a request's head and parses it; the bytes after it
    /// stay in `buffer`. A first line that does not start like `METHOD ` is invalid at once
    /// (such as a TLS handshake sent to this plain port).
    private static func readHead(_ connection: Int32, into buffer: inout [UInt8]) -> HeadResult {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let space = buffer.firstIndex(of: UInt8(ascii: " ")) {
                if space == 0 || !buffer[..<space].allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
                {
                    return .invalid
                }
            } else if !buffer.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) {
                return .invalid
            }
            if let end = firstRange(of: terminator, in: buffer) {
                let text = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + terminator.count)
                var lines = text.components(separatedBy: "\r\n")
                let parts = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .invalid }
                var headers: [(name: String, value: String)] = []
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { return .invalid }
                    headers.append(
                        (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                    )
                }
                return .head(
                    Head(method: String(parts[0]), path: String(parts[1]), version: String(parts[2]), headers: headers))
            }
            if buffer.count > 64 * 1024 { return .invalid }
            guard receive(connection, into: &buffer) else { return buffer.isEmpty ? .closed : .invalid }
        }
    }

    /// Reads until `buffer` holds at least `count` bytes; false when the connection ends first.
    private static func read(_ connection: Int32, into buffer: inout [UInt8], atLeast count: Int) -> Bool {
        while buffer.count < count {
            guard receive(connection, into: &buffer) else { return false }
        }
        return true
    }

    /// One `recv`, appended to `buffer`; false at the end of the connection or on an error.
    private static func receive(_ connection: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// The status line, the headers (with `Content-Length` when missing) and the body.
    private static func encode(_ response: Response) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(response.reason)\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        if let generated = response.generated {
            head += generated.chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: \(generated.length)\r\n"
            return Array((head + "\r\n").utf8)
        }
        if !response.headers.contains(where: { $0.name.lowercased() == "content-length" }) {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        return Array((head + "\r\n").utf8) + response.body
    }

    /// Writes all of `bytes` (one `send` unless the kernel takes less); false on an error.
    @discardableResult
    private static func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }
}
