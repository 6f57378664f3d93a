import Foundation
import OrdreconTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Both output pipes of a started `ordrecon`, read to their end on threads of their own (a
/// child whose pipe fills up would block).
final class ProcessOutput: @unchecked Sendable {
    private let running: TestWorkspace.Running
    private var out = Data()
    private var err = Data()
    private let done = DispatchGroup()

    init(_ running: TestWorkspace.Running) {
        self.running = running
        let outHandle = running.standardOutputPipe.fileHandleForReading
        let errHandle = running.standardErrorPipe.fileHandleForReading
        done.enter()
        done.enter()
        Thread { [self] in
            out = outHandle.readDataToEndOfFile()
            done.leave()
        }.start()
        Thread { [self] in
            err = errHandle.readDataToEndOfFile()
            done.leave()
        }.start()
    }

    /// Waits for the process to end and for both pipes to close. - Returns: what each held.
    func finish() -> (stdout: String, stderr: String) {
        done.wait()
        running.process.waitUntilExit()
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

/// Checks `condition` every 5 ms until it holds or `timeout` seconds have passed.
/// - Returns: whether it held.
func waitUntil(timeout: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while !condition() {
        if Date() >= deadline { return false }
        usleep(5_000)
    }
    return true
}

/// A port on 127.0.0.1 with nothing listening (bound, then closed).
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard ok else { throw TestError("bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Runs `body` with `signals` blocked in the calling thread (a process started by `body`
/// inherits that mask), then restores the thread's mask.
func startedWithSignalsBlocked<T>(_ signals: [Int32], _ body: () throws -> T) rethrows -> T {
    guard !signals.isEmpty else { return try body() }
    var set = sigset_t()
    sigemptyset(&set)
    for signal in signals { sigaddset(&set, signal) }
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &set, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    return try body()
}
