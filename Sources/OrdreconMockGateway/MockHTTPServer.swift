import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The mock's HTTP/1.1 server: an accept loop on a thread of its own and one thread per
/// connection, blocking sockets, kept-alive connections. Checked `Sendable`: the open
/// connections and the stopping flag live in a `Mutex`.
///
/// Small and cheap on purpose: the mock is what the refund benchmark sends thousands of requests
/// a second to, and a gateway that costs more than the client measures itself. Each answer is one
/// `send` (head and body together, `TCP_NODELAY` on), so no answer waits for a delayed ACK.
/// Request bodies are read by `Content-Length` (a chunked body is refused with 501); an
/// `Expect: 100-continue` gets its interim answer; a request head over 64 KiB or a body over
/// 16 MiB is refused and the connection closed.
final class MockHTTPServer: Sendable {
    /// One request as received.
    struct Request {
        var method: String
        /// The path, without any query.
        var path: String
        var headers: [(name: String, value: String)]
        var body: Data

        /// The value of the first header called `name`, compared without case.
        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveEquals(name) }?.value
        }
    }

    /// The port it listens on.
    let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> MockReply
    /// Open connections, and whether it is stopping.
    private let state = Mutex<(connections: Set<Int32>, stopping: Bool)>(([], false))
    private let acceptDone = DispatchSemaphore(value: 0)

    static let headLimit = 64 * 1024
    static let bodyLimit = 16 * 1024 * 1024

    /// Binds and listens; call ``start()`` to accept.
    /// - Parameters:
    ///   - host: an IPv4 or IPv6 literal (brackets allowed around IPv6).
    ///   - handler: answers each request on its connection's thread (it may sleep).
    /// - Throws: ``MockGatewayError`` when the address is not one, or the socket cannot listen.
    init(host: String, port: Int, handler: @escaping @Sendable (Request) -> MockReply) throws {
        let address = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let ipv6 = address.contains(":")
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw MockGatewayError(reason: "cannot make a socket: \(Self.errorText())") }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var bound: Int32 = -1
        var actualPort = 0
        if ipv6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET6, address, &socketAddress.sin6_addr) == 1 else {
                close(descriptor)
                throw MockGatewayError(reason: "host must be an IPv4 or IPv6 address (or localhost), got \"\(host)\"")
            }
            var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            bound = withUnsafeMutablePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(descriptor, pointer, length) == 0 && listen(descriptor, 128) == 0
                        && getsockname(descriptor, pointer, &length) == 0
                        ? 0 : -1
                }
            }
            actualPort = Int(UInt16(bigEndian: socketAddress.sin6_port))
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
                close(descriptor)
                throw MockGatewayError(reason: "host must be an IPv4 or IPv6 address (or localhost), got \"\(host)\"")
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            bound = withUnsafeMutablePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(descriptor, pointer, length) == 0 && listen(descriptor, 128) == 0
                        && getsockname(descriptor, pointer, &length) == 0
                        ? 0 : -1
                }
            }
            actualPort = Int(UInt16(bigEndian: socketAddress.sin_port))
        }
        guard bound == 0 else {
            let text = Self.errorText()
            close(descriptor)
            throw MockGatewayError(reason: "cannot listen on \(host):\(port): \(text)")
        }
        listener = descriptor
        self.port = actualPort
        self.handler = handler
    }

    /// Starts accepting connections.
    func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "mock-gateway accept"
        thread.start()
    }

    /// Stops accepting (waits for the accept loop to close the listening socket) and shuts the
    /// open connections down; their threads end by themselves.
    func stop() {
        let first = state.withLock { state in
            let first = !state.stopping
            state.stopping = true
            for connection in state.connections { shutdown(connection, Int32(SHUT_RDWR)) }
            return first
        }
        if first { acceptDone.wait() }
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func acceptLoop() {
        defer {
            close(listener)
            acceptDone.signal()
        }
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        while !isStopping {
            guard poll(&poller, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            let admitted = state.withLock { state in
                if !state.stopping { state.connections.insert(connection) }
                return !state.stopping
            }
            guard admitted else {
                close(connection)
                return
            }
            var one: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(connection) }
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    /// Answers requests on one connection until it ends; only this thread closes it.
    private func serve(_ connection: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(connection) }
            close(connection)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        while true {
            guard let (head, keepAlive, oldClient) = readHead(connection, &buffer) else { return }
            var request = head
            if request.header("transfer-encoding") != nil {
                send(
                    connection,
                    Self.encode(.error(501, "chunked request bodies are not supported", .invalid), close: true))
                return
            }
            let declared = request.header("content-length").map { $0.trimmingCharacters(in: .whitespaces) } ?? "0"
            guard let length = Int(declared), length >= 0, length <= Self.bodyLimit else {
                send(connection, Self.encode(.error(400, "bad Content-Length", .invalid), close: true))
                return
            }
            if length > 0, request.header("expect")?.lowercased() == "100-continue" {
                send(connection, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
            while buffer.count < length {
                guard receive(connection, &buffer) else { return }
            }
            request.body = Data(buffer[..<length])
            buffer.removeFirst(length)
            let reply = handler(request)
            if reply.drop {
                // The head promises at least one byte, which never comes: the answer is visibly cut.
                send(connection, Self.head(reply, contentLength: max(reply.body.count, 1), close: true))
                return
            }
            // An HTTP/1.0 client keeps the connection only when told so.
            var answer = reply
            if keepAlive, oldClient { answer.headers.append(("Connection", "keep-alive")) }
            guard send(connection, Self.encode(answer, close: !keepAlive)), keepAlive else { return }
        }
    }

    /// Reads and parses a request head; the bytes after it stay in `buffer`.
    /// - Returns: the request (without its body), whether the connection stays open after the
    ///   answer, and whether the client spoke HTTP/1.0; nil when the connection ended or the
    ///   head is not HTTP (answered 400).
    private func readHead(_ connection: Int32, _ buffer: inout [UInt8]) -> (Request, Bool, Bool)? {
        var searched = 0
        while true {
            if let end = Self.headEnd(buffer, from: searched) {
                let text = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
                let parts = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
                    send(connection, Self.encode(.error(400, "not an HTTP/1.x request", .invalid), close: true))
                    return nil
                }
                var headers: [(name: String, value: String)] = []
                for line in lines where !line.isEmpty {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers.append(
                        (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                    )
                }
                let target = parts[1]
                let path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? String(target)
                let request = Request(method: String(parts[0]), path: path, headers: headers, body: Data())
                let connectionHeader = request.header("connection")?.lowercased()
                let oldClient = parts[2] == "HTTP/1.0"
                let keepAlive = oldClient ? connectionHeader == "keep-alive" : connectionHeader != "close"
                return (request, keepAlive, oldClient)
            }
            searched = max(0, buffer.count - 3)
            if buffer.count > Self.headLimit {
                send(connection, Self.encode(.error(431, "the request head is too large", .invalid), close: true))
                return nil
            }
            guard receive(connection, &buffer) else { return nil }
        }
    }

    private static func headEnd(_ buffer: [UInt8], from start: Int) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }

    /// One `recv`, appended; false at the end of the connection or on an error.
    private func receive(_ connection: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    /// Writes all of `bytes`; false when the connection failed.
    @discardableResult
    private func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
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

    /// The whole answer: head and body.
    static func encode(_ reply: MockReply, close: Bool) -> [UInt8] {
        head(reply, contentLength: reply.body.count, close: close) + Array(reply.body)
    }

    static func head(_ reply: MockReply, contentLength: Int, close: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(reply.status) \(phrase(reply.status))\r\n"
        if let contentType = reply.contentType { text += "Content-Type: \(contentType)\r\n" }
        for (name, value) in reply.headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(contentLength)\r\n"
        if close { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 422: "Unprocessable Content"
        case 425: "Too Early"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}

extension StringProtocol {
    /// ASCII case-insensitive equality (header names).
    func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A)
        }
    }
}
