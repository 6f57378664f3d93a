import FlyingFox
import FlyingSocks
#if canImport(Glibc)
import Glibc
#endif

/// FlyingFox's socket pool with Nagle's algorithm turned off on every socket it waits on.
///
/// FlyingFox writes an answer's header and body with two writes. With Nagle on, the second
/// waits for the client's ACK of the first, which a client delays by up to 40 ms: every refund
/// request took ~44 ms on 127.0.0.1. The pool sees the listening socket at its first wait for a
/// connection (accepted sockets inherit the option on Linux) and each connection's socket when
/// it first waits to read; setting TCP_NODELAY again is harmless.
struct NoDelaySocketPool<Base: AsyncSocketPool>: AsyncSocketPool {
    let base: Base

    func prepare() async throws { try await base.prepare() }

    func run() async throws { try await base.run() }

    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        try? socket.setValue(true, for: BoolSocketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY))
        try await base.suspendSocket(socket, untilReadyFor: events)
    }
}
