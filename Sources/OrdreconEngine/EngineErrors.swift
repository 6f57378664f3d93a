// Why a run stopped early or a file was left for later, as errors the engine throws; and two
// small string helpers of the readers.

/// A file another process still writes to after the settle time: what was read is committed, and
/// the file stays in the processing folder until a later run finds it quiet.
public struct FileStillBeingWritten: Error, Sendable, CustomStringConvertible {
    public var feed: String
    public var name: String
    /// The next line to read.
    public var line: Int

    public var description: String {
        "\(feed)/\(name) is still being written to by another process; read up to line \(line), the rest is read on the next run"
    }
}

/// A run stopped on request (``RunEngine/shouldStop``) after committing the batch in hand; the
/// file it was in resumes there on the next run.
public struct RunInterrupted: Error, Sendable, CustomStringConvertible {
    public var feed: String
    public var file: String
    /// The next line to read.
    public var line: Int

    public var description: String { "stopped in \(feed)/\(file) before line \(line); the next run resumes there" }
}

/// An internal inconsistency (a bug or a damaged database), not a problem of the input.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    var trimmingBlanks: Substring {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }

    func components(separatedBy separator: String) -> [String] {
        split(separator: Character(separator), omittingEmptySubsequences: false).map(String.init)
    }
}
