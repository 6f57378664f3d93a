import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

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
    /// In memory (a test's invocation) nothing is installed: the caller raises ``Invocation/stop``.
    static func install() {
        guard Invocation.current.isProcess else { return }
        // The global is made before a handler could touch it.
        StopRequest.process.clear()
        for signal in [SIGTERM, SIGINT] {
            var current = sigaction()
            sigaction(signal, nil, &current)
            let ignored = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == 1  // SIG_IGN
            if signal == SIGINT && ignored { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in StopRequest.process.store(signal) }
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

    /// Whether SIGTERM or SIGINT arrived (or, in memory, a stop was raised), as a check the
    /// work may call from any thread.
    static func stopCheck() -> @Sendable () -> Bool {
        let stop = Invocation.current.stop
        return { stop.number != 0 }
    }

    /// `SIGTERM` or `SIGINT` when one arrived, else nil.
    static var received: String? {
        switch Invocation.current.stop.number {
        case 0: nil
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case let other: "signal \(other)"
        }
    }
}
