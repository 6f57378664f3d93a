#if canImport(Glibc)
    import Glibc
#endif

/// A self-pipe that ends a `poll(2)` from another thread: ``wake()`` writes a byte, ``wait(timeout:with:)``
/// polls the read end beside another descriptor and drains it when it fired.
///
/// A wake is kept until a wait consumes it, so one that comes before the wait still ends it.
/// Sendable: it holds only the two descriptors, and the kernel serialises reads and writes on them.
final class Waker: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32

    /// Opens the pipe, both ends non-blocking and close-on-exec.
    init() throws(FileSystemError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw FileSystemError(operation: "open", path: "wake-up pipe", errno: errno) }
        for end in ends {
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        Glibc.close(readEnd)
        Glibc.close(writeEnd)
    }

    /// Ends the wait in progress, or the next one.
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)  // EAGAIN: the pipe is full, a wake is already pending
    }

    /// Blocks up to `timeout` seconds until woken or until `other` is readable.
    /// - Returns: whether a wake ended it (consumed), and whether `other` is readable.
    func wait(timeout: Double, with other: Int32? = nil) -> (woken: Bool, readable: Bool) {
        var fds = [pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
        if let other { fds.append(pollfd(fd: other, events: Int16(POLLIN), revents: 0)) }
        let milliseconds = Int32(min(max(0, (timeout * 1000).rounded(.up)), Double(Int32.max)))
        guard poll(&fds, nfds_t(fds.count), milliseconds) > 0 else { return (false, false) }  // timeout or EINTR
        let woken = fds[0].revents != 0
        if woken { drain() }
        return (woken, fds.count > 1 && fds[1].revents != 0)
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}
