import Foundation
import OrdreconLogging
import Synchronization
import Testing

/// The one loop around write(2): everything is written, however the kernel splits it, and a
/// failure returns its errno.
struct DescriptorOutputTests {
    @Test("more than a pipe holds arrives whole, in order")
    func largeWriteThroughAPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let bytes = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let readEnd = fds[0]
        let reader = Thread {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                received += buffer[..<n]
            }
            ReceivedBytes.shared.set(received)
        }
        reader.start()
        #expect(DescriptorOutput.writeAll(bytes, to: fds[1]) == nil)
        close(fds[1])
        let received = ReceivedBytes.shared.wait()
        close(fds[0])
        #expect(received.count == bytes.count)
        #expect(received == bytes)
    }

    @Test("a failed write returns its errno")
    func failure() {
        #expect(DescriptorOutput.writeAll("x", to: -1) == EBADF)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        signal(SIGPIPE, SIG_IGN)
        #expect(DescriptorOutput.writeAll([1, 2, 3], to: fds[1]) == EPIPE)
        close(fds[1])
        #expect(DescriptorOutput.writeAll([], to: -1) == nil)  // nothing to write, nothing tried
    }
}

/// Hands the reader thread's bytes to the test: the bytes in a `Mutex`, their arrival counted
/// by a semaphore.
private final class ReceivedBytes: Sendable {
    static let shared = ReceivedBytes()
    private let bytes = Mutex<[UInt8]?>(nil)
    private let arrived = DispatchSemaphore(value: 0)

    func set(_ value: [UInt8]) {
        bytes.withLock { $0 = value }
        arrived.signal()
    }

    func wait() -> [UInt8] {
        arrived.wait()
        return bytes.withLock { bytes in
            defer { bytes = nil }
            return bytes ?? []
        }
    }
}
