import Foundation
import OrdreconTestSupport

#if canImport(Glibc)
    import Glibc
#endif

// Helpers for daemon tests that deliver a generated workload file by file.

/// A generated file waiting in a staging folder's `inbox/<feed>/`.
struct StagedFile {
    var feed: String
    var name: String
    var mtime: Int64

    /// The files under `inbox/<feed>/`, in processing order (mtime, feed, name).
    static func all(in inbox: String) throws -> [StagedFile] {
        var files: [StagedFile] = []
        for feed in try FileManager.default.contentsOfDirectory(atPath: inbox) {
            for name in try FileManager.default.contentsOfDirectory(atPath: inbox + "/" + feed) {
                var info = stat()
                guard stat(inbox + "/" + feed + "/" + name, &info) == 0 else {
                    throw TestError("stat \(name): errno \(errno)")
                }
                let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
                files.append(StagedFile(feed: feed, name: name, mtime: mtime))
            }
        }
        return files.sorted { a, b in
            if a.mtime != b.mtime { return a.mtime < b.mtime }
            if a.feed != b.feed { return a.feed < b.feed }
            return a.name < b.name
        }
    }
}

/// Moves a staged file into the workspace inbox as partners should: under `name.part`, then
/// renamed to its name (renames keep the generated mtime).
func deliver(_ file: StagedFile, from staging: String, to ws: TestWorkspace) throws {
    let directory = ws.root + "/inbox/" + file.feed
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let partial = directory + "/" + file.name + ".part"
    guard rename(staging + "/inbox/" + file.feed + "/" + file.name, partial) == 0 else {
        throw TestError("rename \(file.name) into the inbox: errno \(errno)")
    }
    guard rename(partial, directory + "/" + file.name) == 0 else {
        throw TestError("rename \(partial): errno \(errno)")
    }
}

// MARK: - The daemon

/// `ordrecon <arguments>` started in a workspace without waiting, its standard output and error
/// kept together in memory; stopped with SIGTERM (``stop(timeout:)``) or killed (also when released).
final class DaemonProcess: Sendable {
    let child: ChildProcess

    init(_ workspace: TestWorkspace, _ arguments: [String]) throws {
        child = try workspace.start(
            arguments, removing: ["ORDRECON_LOG_FORMAT", "ORDRECON_LOG_LEVEL"], output: .merged)
    }

    deinit { kill() }

    var isRunning: Bool { child.isRunning }
    var lines: [String] { child.lines }

    func tail(_ count: Int = 30) -> String { child.tail(count) }

    /// SIGTERM, then SIGKILL after `timeout`. - Returns: the exit status (nil when killed).
    func stop(timeout: Duration = .seconds(20)) async -> Int32? {
        await child.stop(SIGTERM, timeout: timeout)?.exitStatus
    }

    /// SIGKILL unless it has ended; does not wait.
    func kill() { child.signal(SIGKILL) }
}

// MARK: - Small helpers

func firstDifference(rows a: [[String?]], _ b: [[String?]]) -> String {
    for (index, (x, y)) in zip(a, b).enumerated() where x != y {
        return "#\(index): \(x.map { $0 ?? "NULL" }) instead of \(y.map { $0 ?? "NULL" })"
    }
    return a.count == b.count ? "none" : "lengths \(a.count) and \(b.count)"
}
