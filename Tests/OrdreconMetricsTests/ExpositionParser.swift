import Foundation
import Testing

/// A Prometheus text exposition, parsed: HELP and TYPE per family, and every sample.
struct Exposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: String
        var description: String { "cannot parse exposition line: \(line)" }
    }

    var help: [String: String] = [:]
    var types: [String: String] = [:]
    var samples: [Sample] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard words.count == 4 else { throw ParseError(line: String(line)) }
                if words[1] == "HELP" {
                    help[String(words[2])] = Self.unescape(Array(words[3]), quotes: false)
                } else {
                    types[String(words[2])] = String(words[3])
                }
            } else {
                samples.append(try Self.sample(Array(line)))
            }
        }
    }

    /// `name{label="value",...} value` or `name value`.
    static func sample(_ characters: [Character]) throws -> Sample {
        let failure = ParseError(line: String(characters))
        var index = 0
        var name = ""
        while index < characters.count, characters[index] != "{", characters[index] != " " {
            name.append(characters[index])
            index += 1
        }
        var labels: [String: String] = [:]
        if index < characters.count, characters[index] == "{" {
            index += 1
            while index < characters.count, characters[index] != "}" {
                var label = ""
                while index < characters.count, characters[index] != "=" {
                    label.append(characters[index])
                    index += 1
                }
                guard index + 1 < characters.count, characters[index + 1] == "\"" else { throw failure }
                index += 2
                var raw: [Character] = []
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\" {
                        raw.append(characters[index])
                        index += 1
                        guard index < characters.count else { throw failure }
                    }
                    raw.append(characters[index])
                    index += 1
                }
                guard index < characters.count, labels[label] == nil else { throw failure }
                labels[label] = unescape(raw, quotes: true)
                index += 1
                if index < characters.count, characters[index] == "," { index += 1 }
            }
            index += 1
        }
        guard index < characters.count, characters[index] == " ",
            let value = Double(String(characters[(index + 1)...]))
        else { throw failure }
        return Sample(name: name, labels: labels, value: value)
    }

    /// Undoes `\\`, `\n` and (in label values) `\"`.
    static func unescape(_ characters: [Character], quotes: Bool) -> String {
        var result = ""
        var index = 0
        while index < characters.count {
            if characters[index] == "\\", index + 1 < characters.count {
                switch characters[index + 1] {
                case "\\": result.append("\\")
                case "n": result.append("\n")
                case "\"" where quotes: result.append("\"")
                default:
                    result.append(characters[index])
                    result.append(characters[index + 1])
                }
                index += 2
            } else {
                result.append(characters[index])
                index += 1
            }
        }
        return result
    }

    /// The value of the one sample with exactly this name and these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matches = samples.filter { $0.name == name && $0.labels == labels }
        return matches.count == 1 ? matches[0].value : nil
    }

    /// A histogram's buckets (upper bound and cumulative count) in the order emitted.
    func buckets(_ name: String, _ labels: [String: String] = [:]) -> [(le: String, count: Double)] {
        samples.compactMap { sample in
            guard sample.name == name + "_bucket", let le = sample.labels["le"] else { return nil }
            var rest = sample.labels
            rest["le"] = nil
            return rest == labels ? (le, sample.value) : nil
        }
    }

    /// The family a sample belongs to (a histogram's `_bucket`, `_sum` and `_count` belong to it).
    func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return name
    }
}
