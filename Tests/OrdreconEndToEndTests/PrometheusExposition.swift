import OrdreconTestSupport

// MARK: - Prometheus text

/// A parsed Prometheus text exposition (format 0.0.4): samples by name and labels. Parsing is
/// strict: a line that is neither a comment (`# HELP`, `# TYPE` or other `#`) nor a well-formed
/// sample throws.
struct Exposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    static func parse(_ text: String) throws -> Exposition {
        var result = Exposition()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3)
                if parts.count >= 4, parts[1] == "TYPE" {
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[3])) else {
                        throw TestError("line \(index + 1): unknown type: \(line)")
                    }
                    result.types[String(parts[2])] = String(parts[3])
                }
                continue
            }
            guard let sample = Sample(line) else { throw TestError("line \(index + 1) is not a sample: \(line)") }
            result.samples.append(sample)
        }
        return result
    }

    /// Every sample of a metric.
    func series(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    /// The value of the sample with exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}

extension Exposition.Sample {
    /// `name{label="value",...} value [timestamp]`
    init?(_ line: Substring) {
        let characters = Array(line)
        var i = 0
        func isNameCharacter(_ c: Character, first: Bool) -> Bool {
            c == "_" || c == ":" || (c.isASCII && c.isLetter) || (!first && c.isASCII && c.isNumber)
        }
        while i < characters.count, isNameCharacter(characters[i], first: i == 0) { i += 1 }
        guard i > 0 else { return nil }
        name = String(characters[0..<i])
        labels = [:]
        if i < characters.count, characters[i] == "{" {
            i += 1
            while i < characters.count, characters[i] != "}" {
                let start = i
                while i < characters.count, isNameCharacter(characters[i], first: i == start) { i += 1 }
                guard i > start, i + 1 < characters.count, characters[i] == "=", characters[i + 1] == "\"" else {
                    return nil
                }
                let key = String(characters[start..<i])
                i += 2
                var value = ""
                while i < characters.count, characters[i] != "\"" {
                    if characters[i] == "\\" {
                        i += 1
                        guard i < characters.count else { return nil }
                        switch characters[i] {
                        case "n": value.append("\n")
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        default: return nil
                        }
                    } else {
                        value.append(characters[i])
                    }
                    i += 1
                }
                guard i < characters.count, labels[key] == nil else { return nil }
                labels[key] = value
                i += 1  // closing quote
                if i < characters.count, characters[i] == "," { i += 1 }
            }
            guard i < characters.count else { return nil }
            i += 1  // }
        }
        guard i < characters.count, characters[i] == " " else { return nil }
        let rest = String(characters[(i + 1)...]).split(separator: " ")
        guard rest.count == 1 || rest.count == 2, rest.count == 1 || Int64(rest[1]) != nil else { return nil }
        switch rest[0] {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let number = Double(rest[0]) else { return nil }
            value = number
        }
    }
}
