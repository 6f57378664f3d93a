import Foundation
import OrdreconTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The peak resident memory of a running process.
enum PeakMemory {
    /// Reads the process's `VmHWM` (its peak RSS so far, a high-water mark) every few
    /// milliseconds until it ends, suspending in between.
    /// - Returns: the last value read, in bytes.
    static func watch(_ process: ChildProcess) async -> Int {
        var peak = 0
        while process.isRunning {
            if let value = highWaterMark(process.pid) { peak = max(peak, value) }
            await process.wait(timeout: .milliseconds(5)) { $0.exit != nil }
        }
        return peak
    }

    /// `VmHWM` from `/proc/<pid>/status`, in bytes.
    static func highWaterMark(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
                .flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
