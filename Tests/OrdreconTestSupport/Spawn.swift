import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// posix_spawn(3) with what ``ChildProcess`` needs: pipes or `/dev/null` as 0, 1 and 2, nothing
/// else inherited, a working directory, a signal mask, default signal dispositions.
///
/// Not Foundation's `Process`: on Linux it learns of each child's end through a socket pair
/// watched by a CoreFoundation thread, and under many launches at once from several threads a
/// test saw another's descriptors misbehave (a SQLite file's write failing, a kept-alive HTTP
/// connection dropped). Here every descriptor is this code's own, and the end is a waitpid(2).
struct Spawn {
    private enum Action {
        case duplicate(Int32, as: Int32)
        case openNull(as: Int32, flags: Int32)
    }

    private var actions: [Action] = []
    /// The child's ends of the pipes, closed here once it has started.
    private var childEnds: [Int32] = []

    /// A pipe whose child end becomes `target` (and `alsoTo`) in the child.
    /// - Parameter parentReads: this side reads (output) or writes (input).
    /// - Returns: this side's end (close-on-exec).
    mutating func pipe(to target: Int32, alsoTo second: Int32? = nil, parentReads: Bool = true) throws -> Int32 {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw TestError("pipe(2) failed: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (mine, theirs) = parentReads ? (fds[0], fds[1]) : (fds[1], fds[0])
        actions.append(.duplicate(theirs, as: target))
        if let second { actions.append(.duplicate(theirs, as: second)) }
        childEnds.append(theirs)
        return mine
    }

    /// `/dev/null` as `target` in the child.
    mutating func openNull(as target: Int32) {
        actions.append(.openNull(as: target, flags: target == STDIN_FILENO ? O_RDONLY : O_WRONLY))
    }

    /// An open descriptor of this process as `target` in the child (`/dev/null` when it is none).
    mutating func duplicate(_ descriptor: Int32, as target: Int32) {
        if descriptor < 0 {
            openNull(as: target)
        } else {
            actions.append(.duplicate(descriptor, as: target))
        }
    }

    /// Closes the child's ends of the pipes (after the start, or when it failed).
    mutating func closeChildEnds() {
        for fd in childEnds { close(fd) }
        childEnds = []
    }

    /// Starts `path` with `arguments` and `environment` (`NAME=value` each).
    /// - Returns: the child's pid.
    func run(
        _ path: String, arguments: [String], environment: [String], directory: String?, blockedSignals: [Int32]
    ) throws -> pid_t {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        for action in actions {
            switch action {
            case .duplicate(let fd, let target): posix_spawn_file_actions_adddup2(&fileActions, fd, target)
            case .openNull(let target, let flags):
                posix_spawn_file_actions_addopen(&fileActions, target, "/dev/null", flags, 0)
            }
        }
        if let directory {
            guard let addChdir = Self.addChdir else {
                throw TestError("posix_spawn_file_actions_addchdir_np is missing")
            }
            let error = addChdir(&fileActions, directory)
            guard error == 0 else {
                throw TestError("cannot start \(path) in \(directory): \(String(cString: strerror(error)))")
            }
        }
        // Nothing but 0, 1 and 2 inherited (a pipe of another test kept open by a child would
        // keep that test waiting for its end).
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&fileActions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in blockedSignals { sigaddset(&mask, signal) }
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigfillset(&defaults)  // a signal this process ignores is not ignored by the child
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let error = posix_spawn(&pid, path, &fileActions, &attributes, argv, envp)
        guard error == 0 else { throw TestError("cannot start \(path): \(String(cString: strerror(error)))") }
        return pid
    }

    // glibc has both (2.29 and 2.34); the Glibc module does not show them to Swift.
    private typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }
}
