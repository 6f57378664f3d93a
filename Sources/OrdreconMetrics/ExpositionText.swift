/// The Prometheus text exposition format (version 0.0.4), in a stable order.
enum ExpositionText {
    /// The `Content-Type` of a `/metrics` answer in this format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `text` (as a registry emits it, families and series in no particular order) with its
    /// families sorted by name and, within each, its series sorted by their labels. A
    /// histogram's lines (buckets, `_sum`, `_count`) stay together and in their order.
    static func ordered(_ text: String) -> String {
        var families: [Family] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                // `# HELP name text` or `# TYPE name type`: a new family unless it continues the last one's header.
                let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                let name = words.count > 2 ? String(words[2]) : ""
                if families.last.map({ $0.name != name || !$0.samples.isEmpty }) ?? true {
                    families.append(Family(name: name))
                }
                families[families.count - 1].header.append(line)
                if words.count == 4, words[1] == "TYPE" { families[families.count - 1].type = String(words[3]) }
            } else {
                if families.isEmpty { families.append(Family(name: "")) }
                families[families.count - 1].samples.append(line)
            }
        }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for family in families.sorted(by: { $0.name < $1.name }) {
            for line in family.header { result += line + "\n" }
            for series in family.series.sorted(by: { $0.key < $1.key }) {
                for line in series.lines { result += line + "\n" }
            }
        }
        return result
    }

    /// One family's lines as emitted.
    private struct Family {
        var name: String
        var type = ""
        var header: [Substring] = []
        var samples: [Substring] = []

        /// The samples grouped by series: one line each, or a histogram's run of lines up to its `_count`.
        var series: [(key: Substring, lines: [Substring])] {
            guard type == "histogram" else { return samples.map { (Self.key(of: $0), [$0]) } }
            var groups: [(key: Substring, lines: [Substring])] = []
            var current: [Substring] = []
            for line in samples {
                current.append(line)
                if line.hasPrefix(name + "_count") {
                    groups.append((Self.key(of: current[0]), current))
                    current = []
                }
            }
            if !current.isEmpty { groups.append((Self.key(of: current[0]), current)) }
            return groups
        }

        /// A sample line without its value: the name and labels.
        private static func key(of line: Substring) -> Substring {
            line.lastIndex(of: " ").map { line[..<$0] } ?? line
        }
    }
}
