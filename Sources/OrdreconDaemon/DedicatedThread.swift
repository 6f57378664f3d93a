import Foundation

/// Runs `body` on a thread of its own and waits for it without holding one of the few
/// threads of Swift's cooperative pool (the body blocks: SQLite, libcurl, inotify, waits).
func onDedicatedThread<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
        let thread = Thread {
            done.resume(returning: body())
        }
        thread.name = name
        thread.start()
    }
}
