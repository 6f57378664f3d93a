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
                guard stat(inbox + "/" + feed + "/" + name, &info) == 0 else { throw TestError("stat \(name): errno \(errno)") }
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
    guard rename(partial, directory + "/" + file.name) == 0 else { throw TestError("rename \(partial): errno \(errno)") }
}

// MARK: - The daemon

/// `ordrecon <arguments>` started in a workspace without waiting, its standard output and error
/// going to `<logName>.log` in the workspace; stopped with SIGTERM (``stop(timeout:)``) or killed.
final class DaemonProcess {
    let process = Process()
    let logPath: String

    init(_ workspace: TestWorkspace, _ arguments: [String], logName: String = "daemon") throws {
        logPath = workspace.root + "/" + logName + ".log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else { throw TestError("cannot create \(logPath)") }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? log.close() }
        process.executableURL = URL(fileURLWithPath: TestWorkspace.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workspace.root)
        var environment = ProcessInfo.processInfo.environment
        environment["ORDRECON_LOG_FORMAT"] = nil
        environment["ORDRECON_LOG_LEVEL"] = nil
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { kill() }

    var isRunning: Bool { process.isRunning }
    var lines: [String] { ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }

    func tail(_ count: Int = 30) -> String {
        "--- \(logPath) (last \(count) lines) ---\n" + lines.suffix(count).joined(separator: "\n")
    }

    /// SIGTERM, then SIGKILL after `timeout` seconds. - Returns: the exit status (nil when killed).
    func stop(timeout: Double = 20) -> Int32? {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGTERM)
            if !pollUntil(timeout: timeout, every: 0.01, { !process.isRunning }) {
                kill()
                return nil
            }
        }
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

// MARK: - Small helpers

/// Checks `condition` every `interval` seconds until it holds or `timeout` seconds have passed.
@discardableResult
func pollUntil(timeout: Double, every interval: Double = 0.1, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while true {
        if condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}

func firstDifference(rows a: [[String?]], _ b: [[String?]]) -> String {
    for (index, (x, y)) in zip(a, b).enumerated() where x != y {
        return "#\(index): \(x.map { $0 ?? "NULL" }) instead of \(y.map { $0 ?? "NULL" })"
    }
    return a.count == b.count ? "none" : "lengths \(a.count) and \(b.count)"
}
