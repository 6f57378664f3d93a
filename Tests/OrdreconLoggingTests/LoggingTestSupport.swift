import Foundation
import Logging
import OrdreconLogging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Helpers of the logging tests: a logger on a fixed clock, and readers of the lines it writes.

/// 2026-11-27T14:05:00.123Z
let fixedDate = Date(timeIntervalSince1970: 1_795_788_300.123)
let fixedTime = "2026-11-27T14:05:00.123Z"

/// A logger writing to `sink` at a fixed time.
func makeLogger(
    _ sink: MemoryLogSink,
    format: LogFormat = .logfmt,
    level: Logger.Level = .info,
    label: String = "ordrecon",
    includeSource: Bool = false,
    metadataProvider: Logger.MetadataProvider? = nil
) -> Logger {
    let options = LoggingOptions(format: format, level: level, includeSource: includeSource)
    return Logger(label: label) { label in
        StructuredLogHandler(
            label: label,
            options: options,
            sink: sink,
            metadataProvider: metadataProvider,
            clock: { fixedDate }
        )
    }
}

/// Parses one JSON line into a dictionary, failing the test when it is not one.
func parseJSON(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [])
    return try #require(object as? [String: Any], sourceLocation: sourceLocation)
}

/// The keys of a logfmt line, in order (values may be quoted and contain spaces).
func logfmtKeys(_ line: String) -> [String] {
    var keys: [String] = []
    var index = line.startIndex
    while index < line.endIndex {
        let keyStart = index
        while index < line.endIndex && line[index] != "=" { index = line.index(after: index) }
        keys.append(String(line[keyStart..<index]))
        guard index < line.endIndex else { break }
        index = line.index(after: index)
        if index < line.endIndex && line[index] == "\"" {
            index = line.index(after: index)
            while index < line.endIndex && line[index] != "\"" {
                if line[index] == "\\" { index = line.index(after: index) }
                index = line.index(after: index)
            }
            index = line.index(after: index)
        } else {
            while index < line.endIndex && line[index] != " " { index = line.index(after: index) }
        }
        if index < line.endIndex { index = line.index(after: index) }
    }
    return keys
}

/// A metadata provider giving fixed values.
func provider(_ metadata: Logger.Metadata) -> Logger.MetadataProvider {
    Logger.MetadataProvider { metadata }
}

struct SplittingSink: LogSink {
    var keep: MemoryLogSink
    var labels: [String]

    func write(line: String) {
        if labels.contains(where: { line.contains("label=\($0) ") || line.contains("\"label\":\"\($0)\"") }) {
            keep.write(line: line)
        } else {
            FileDescriptorLogSink.standardError.write(line: line)
        }
    }
}

/// The keys of a flat-enough JSON line, in the order written.
func logfmtKeysOfJSON(_ line: String) -> [String] {
    // Keys are the strings followed by ':' at nesting depth 1.
    var keys: [String] = []
    var depth = 0
    var inString = false
    var escaped = false
    var current = ""
    var lastString = ""
    for character in line {
        if inString {
            if escaped {
                escaped = false
                current.append(character)
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                inString = false
                lastString = current
            } else {
                current.append(character)
            }
            continue
        }
        switch character {
        case "\"":
            inString = true
            current = ""
        case "{", "[": depth += 1
        case "}", "]": depth -= 1
        case ":" where depth == 1: keys.append(lastString)
        default: break
        }
    }
    return keys
}

/// The value of `key` in a logfmt line whose values are bare.
func logfmtValue(_ line: String, _ key: String) -> String? {
    line.split(separator: " ").first { $0.hasPrefix("\(key)=") }.map { String($0.dropFirst(key.count + 1)) }
}
