import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The signal that asked the command to stop, 0 while none did. The handler only stores into
/// it (a lock-free atomic store is async-signal-safe); the work reads it between steps.
private let receivedSignal = Atomic<Int32>(0)

/// SIGTERM and SIGINT for the one-shot commands (`run`, `dispatch`, `invoices render`): instead
/// of dying where they are, they finish the step in hand and stop there.
///
/// A `sigaction` handler records the signal in an atomic and returns (SA_RESTART, so system
/// calls in progress go on); the work asks ``isRequested`` between steps (after each committed
/// batch, between files, PDFs and refund attempts, and while a refund request is in flight).
/// A second signal changes nothing more: SIGKILL stops at once, which is safe too (nothing is
/// half-applied), only without a summary. A SIGINT that was ignored when ordrecon started (a
/// background job of a shell) stays ignored.
enum TerminationSignals {
    /// Installs the handlers and unblocks both signals on the calling thread (a process may
    /// inherit them blocked from its parent; threads started later inherit this thread's mask).
    /// Call it first, before any work.
    static func install() {
        // The global is made before a handler could touch it.
        receivedSignal.store(0, ordering: .relaxed)
        for signal in [SIGTERM, SIGINT] {
            var current = sigaction()
            sigaction(signal, nil, &current)
            let ignored = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == 1  // SIG_IGN
            if signal == SIGINT && ignored { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in receivedSignal.store(signal, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Whether SIGTERM or SIGINT arrived.
    @Sendable static func isRequested() -> Bool {
        receivedSignal.load(ordering: .relaxed) != 0
    }

    /// `SIGTERM` or `SIGINT` when one arrived, else nil.
    static var received: String? {
        switch receivedSignal.load(ordering: .relaxed) {
        case 0: nil
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case let other: "signal \(other)"
        }
    }

    /// Sleeps the calling thread for `milliseconds`, or less when a stop is requested meanwhile
    /// (a wait between refund attempts ends at once on SIGTERM).
    static func sleep(milliseconds: Int) {
        var left = milliseconds
        while left > 0, !isRequested() {
            let slice = min(left, 50)
            var request = timespec(tv_sec: 0, tv_nsec: slice * 1_000_000)
            var remaining = timespec()
            _ = nanosleep(&request, &remaining)  // EINTR: the loop looks at the flag
            left -= slice
        }
    }
}
