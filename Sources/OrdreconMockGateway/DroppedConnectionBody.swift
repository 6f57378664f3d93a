import FlyingSocks

/// A response body that fails at once, so FlyingFox closes the connection after sending the
/// status line and headers: the client sees an incomplete answer (curl: error 18, "transfer
/// closed with N bytes remaining to read").
///
/// FlyingFox's `HTTPConnection.sendResponse` writes the header, then iterates the body; an
/// error from the iteration propagates to `HTTPServer.handleConnection`, which logs it and
/// closes the socket. Declare a non-zero count with it (`HTTPBodySequence(from:count:)`), or the
/// header's `Content-Length: 0` would make the answer look complete.
struct DroppedConnectionBody: AsyncBufferedSequence {
    typealias Element = UInt8

    /// The error that ends the answer.
    struct Dropped: Error, CustomStringConvertible {
        var description: String { "connection dropped on purpose by the mock gateway" }
    }

    struct Iterator: AsyncBufferedIteratorProtocol {
        typealias Buffer = [UInt8]

        mutating func next() async throws -> UInt8? {
            throw Dropped()
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            throw Dropped()
        }
    }

    func makeAsyncIterator() -> Iterator {
        Iterator()
    }
}
