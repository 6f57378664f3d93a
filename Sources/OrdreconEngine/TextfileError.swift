#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the metrics could not be written for node_exporter's textfile collector.
public struct TextfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The file's name does not end in `.prom` (or is nothing but `.prom`).
        case notPromFile
        /// A system call failed: which one, on which file, and its `errno`.
        case system(operation: String, file: String, errno: Int32)
    }

    /// The metrics file asked for.
    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .notPromFile:
            "cannot write metrics to '\(path)': node_exporter's textfile collector only reads files named *.prom; "
                + "use a name such as 'ordrecon.prom' in its --collector.textfile.directory"
        case .system(let operation, let file, let code):
            "cannot write metrics to '\(path)': \(operation) '\(file)' failed: \(String(cString: strerror(code)))"
        }
    }
}
