import Foundation
import OrdreconTestSupport

#if canImport(Glibc)
    import Glibc
#endif

// The daemon and helpers of WatchDropTests, WatchSignalTests and WatchMetricsTests.

// MARK: - The daemon as a process

/// `ordrecon watch` started in a workspace with `--metrics-port` on a free port, its standard
/// output and error kept together in memory. Stopped by SIGTERM (``stop(timeout:)``) or, failing
/// that and always on release, SIGKILL.
final class WatchDaemon: Sendable {
    let workspace: TestWorkspace
    let process: ChildProcess
    let port: Int
    /// The highest `runs.id` before the start (the daemon's own run and its passes come after).
    let runsBefore: Int

    /// - Parameter blockedSignals: signals blocked in the daemon from its start (as when started
    ///   from a Swift concurrency or Dispatch thread: swift-corelibs-foundation#4772).
    init(_ workspace: TestWorkspace, _ options: [String] = [], blockedSignals: [Int32] = []) throws {
        self.workspace = workspace
        port = try freePort()
        runsBefore = (try? workspace.count("SELECT COALESCE(MAX(id), 0) FROM runs")) ?? 0
        process = try workspace.start(
            ["watch", "--metrics-port", "\(port)"] + options, removing: ["ORDRECON_LOG_FORMAT", "ORDRECON_LOG_LEVEL"],
            output: .merged, blockedSignals: blockedSignals)
    }

    deinit { stopOrKill() }

    var pid: pid_t { process.pid }
    var isRunning: Bool { process.isRunning }

    /// The exit status, when it exited (not killed by a signal).
    var exitStatus: Int32? { process.exit?.exitStatus }

    var log: String { process.standardOutput }
    /// The complete lines of the log so far.
    var lines: [String] { process.lines }

    /// The last lines of the log, for failure messages.
    func tail(_ count: Int = 30) -> String { process.tail(count) }

    /// Waits until `/healthz` answers 200, SIGTERM and SIGHUP have handlers, and the first pass
    /// started (so inotify watches are in place).
    func waitUntilReady(timeout: Duration = .seconds(120)) async throws {
        let ready = await eventually(timeout: timeout) {
            guard isRunning else { return true }
            let passes = (try? workspace.count("SELECT COUNT(*) FROM runs WHERE id > \(runsBefore)")) ?? 0
            guard passes >= 2, signalSetContains(signalSet("SigCgt"), SIGTERM),
                signalSetContains(signalSet("SigCgt"), SIGHUP)
            else {
                return false
            }
            return await get("/healthz", timeout: 2)?.status == 200
        }
        guard isRunning else {
            throw TestError("ordrecon watch exited at start (\(process.exit.map(\.description) ?? "?"))\n\(tail())")
        }
        guard ready else { throw TestError("ordrecon watch not ready within \(timeout)\n\(tail())") }
    }

    /// A signal set from `/proc/<pid>/status` (`SigBlk`, `SigPnd`, `ShdPnd`, `SigCgt`, `SigIgn`).
    func signalSet(_ field: String) -> UInt64 {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return UInt64(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
        }
        return 0
    }

    /// Sends `signal` (unless it has ended). - Returns: when it was sent.
    @discardableResult
    func signal(_ signal: Int32) -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        process.signal(signal)
        return now
    }

    /// Waits up to `timeout` for the process to end. - Returns: how it ended, nil when it still runs.
    func waitForExit(timeout: Duration) async -> ChildProcess.Exit? {
        await process.waitForExit(timeout: timeout)
    }

    /// SIGTERM; SIGKILL when still running after `timeout`. - Returns: the exit status (nil when
    /// it had to be killed or died of a signal).
    @discardableResult
    func stop(timeout: Duration = .seconds(30)) async -> Int32? {
        await process.stop(SIGTERM, timeout: timeout)?.exitStatus
    }

    /// SIGKILL when still running; does not wait.
    func stopOrKill() { process.signal(SIGKILL) }

    /// `GET path` on the metrics port (a blocking socket, on a thread of its own).
    func get(_ path: String, timeout: Double = 10) async -> HTTPReply? {
        let port = self.port
        return await onOwnThread { httpGet(port: port, path: path, timeout: timeout) }
    }
}

/// Scrapes `/metrics` until `condition` holds (up to 30 s) and returns the last scrape.
func eventuallyScrape(_ daemon: WatchDaemon, _ condition: (Exposition) -> Bool) async throws -> Exposition {
    var last: Exposition?
    var lastError: (any Error)?
    _ = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
        guard let reply = await daemon.get("/metrics"), reply.status == 200 else { return false }
        do {
            let parsed = try Exposition.parse(reply.body)
            last = parsed
            return condition(parsed)
        } catch {
            lastError = error
            return false
        }
    }
    guard let last else { throw lastError ?? TestError("/metrics could not be scraped\n\(daemon.tail())") }
    return last
}

// MARK: - HTTP

struct HTTPReply: Sendable, CustomStringConvertible {
    var status: Int
    var body: String
    var description: String { "HTTP \(status): \(body)" }
}

/// A plain HTTP/1.1 GET to 127.0.0.1:`port` (`Connection: close`; the body by `Content-Length`,
/// or up to the end). nil when there is no answer within `timeout` seconds.
func httpGet(port: Int, path: String, timeout: Double) -> HTTPReply? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = loopback(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else { return nil }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
    var sent = 0
    while sent < request.count {
        let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
        guard n > 0 else { return nil }
        sent += n
    }
    let separator = Array("\r\n\r\n".utf8)
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    var headerEnd: Int?
    var contentLength: Int?
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        if n <= 0 { break }
        received += buffer[0..<n]
        if headerEnd == nil, let end = find(separator, in: received) {
            headerEnd = end + separator.count
            let head = String(decoding: received[0..<end], as: UTF8.self)
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == "content-length" {
                    contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces))
                }
            }
        }
        if let headerEnd, let contentLength, received.count >= headerEnd + contentLength { break }
    }
    guard let headerEnd else { return nil }
    let statusLine = String(decoding: received[0..<headerEnd], as: UTF8.self).split(separator: "\r\n").first ?? ""
    let fields = statusLine.split(separator: " ")
    guard fields.count >= 2, let status = Int(fields[1]) else { return nil }
    let bodyEnd = contentLength.map { min(received.count, headerEnd + $0) } ?? received.count
    if let contentLength, received.count < headerEnd + contentLength { return nil }  // cut short
    return HTTPReply(status: status, body: String(decoding: received[headerEnd..<bodyEnd], as: UTF8.self))
}

private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for start in 0...(haystack.count - needle.count)
    where haystack[start..<(start + needle.count)].elementsEqual(needle) {
        return start
    }
    return nil
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

/// A TCP port on 127.0.0.1 that is free now (bound to port 0, then released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestError("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw TestError("bind() to port 0 failed: errno \(errno)") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw TestError("getsockname() failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

// MARK: - Dropping files (with the current modification time)

let orderHeader = "event_id,entity,order_id,status,occurred_at,customer_id,sku,quantity,unit_price\n"

/// One order-creation row: event `E-<id>`, order `O-<id>`.
func orderRow(_ id: String) -> String {
    "E-\(id),order,O-\(id),PENDING_PAYMENT,2026-01-01T10:00:00+05:30,C-\(id),SKU-A,2,49.50\n"
}

/// Writes `inbox/<feed>/<name>.part` (one open/write/close, modification time now), then renames
/// it to `<name>`. - Returns: the file's modification time in nanoseconds (a rename keeps it).
@discardableResult
func dropRenamed(_ ws: TestWorkspace, _ feed: String, _ name: String, _ content: String) throws -> Int64 {
    let directory = ws.root + "/inbox/" + feed
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let partial = directory + "/" + name + ".part"
    try writeFile(partial, content)
    var info = stat()
    guard stat(partial, &info) == 0 else { throw TestError("stat \(partial): errno \(errno)") }
    guard rename(partial, directory + "/" + name) == 0 else { throw TestError("rename \(partial): errno \(errno)") }
    return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
}

/// One `open`, `write` (repeated only if the kernel takes less), `close`; `append` opens with
/// `O_APPEND` instead of truncating.
func writeFile(_ path: String, _ content: String, append: Bool = false) throws {
    let fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o644)
    guard fd >= 0 else { throw TestError("open \(path): errno \(errno)") }
    let bytes = Array(content.utf8)
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
        guard n > 0 else {
            close(fd)
            throw TestError("write \(path): errno \(errno)")
        }
        written += n
    }
    guard close(fd) == 0 else { throw TestError("close \(path): errno \(errno)") }
}

// MARK: - Small helpers

/// Seconds since the epoch.
func epochSeconds() -> Double { Date().timeIntervalSince1970 }

func wholeMilliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }

/// Names that are not hidden (the daemon's own files start with a dot).
func visible(_ names: [String]) -> [String] { names.filter { !$0.hasPrefix(".") } }

/// Whether a `/proc` signal set holds `signal`.
func signalSetContains(_ set: UInt64, _ signal: Int32) -> Bool { set & (UInt64(1) << UInt64(signal - 1)) != 0 }

func hex(_ value: UInt64) -> String { String(value, radix: 16) }

func firstDifference(_ a: [String], _ b: [String]) -> String {
    for (index, (x, y)) in zip(a, b).enumerated() where x != y { return "#\(index): \(x) instead of \(y)" }
    return a.count == b.count ? "none" : "lengths \(a.count) and \(b.count)"
}
