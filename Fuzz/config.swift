// Fuzz target `config`: one input is one config/ordrecon.toml, taken the way ConfigOptions
// takes it (the file must be UTF-8, then Configuration.load checks the TOML and every key).
//
// Oracles: every position reported (errors, values) lies inside the text; every string and
// key the document holds, written back the way messages write it (TOMLTable.quoted,
// TOMLTable.keyText), parses to itself; a loaded configuration keeps its promises (absolute
// paths, values in range, at least one feed, feed names distinct ignoring case).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    let scalars = text.unicodeScalars.count

    func requireInside(line: Int?, column: Int?, _ what: @autoclosure () -> String) {
        if let line { require(line >= 1 && line <= lines, "\(what()): line \(line) of \(lines)") }
        if let column { require(column >= 1 && column <= scalars + 1, "\(what()): column \(column) of \(scalars) characters") }
    }

    do {
        let document = try TOMLDocument(parsing: text)
        walk(document.root, path: []) { path, value in
            requireInside(line: value.line, column: value.column, "value at \(path)")
        }
    } catch {
        requireInside(line: error.line, column: error.column, "TOML error \(error)")
    }

    do {
        let configuration = try Configuration.load(tomlText: text, fileName: "config/ordrecon.toml", workspaceRoot: "/srv/shop")
        let paths = configuration.paths
        for path in [paths.workspaceRoot, paths.inbox, paths.archive, paths.failed, paths.outbox, paths.invoices, paths.database] {
            require(path.hasPrefix("/") && !path.contains("//") && !path.contains("\0"), "path \(path) accepted")
        }
        require(Configuration.returnWindowRange.contains(configuration.returnWindowDays), "window \(configuration.returnWindowDays)")
        require(Configuration.batchSizeRange.contains(configuration.batchSize), "batch size \(configuration.batchSize)")
        require((0...10_000).contains(configuration.defaultGSTRateBasisPoints), "GST rate \(configuration.defaultGSTRateBasisPoints)")
        require(!configuration.feeds.isEmpty, "no feeds")
        require(Set(configuration.feeds.map { $0.name.lowercased() }).count == configuration.feeds.count, "feed names clash")
    } catch {
        requireInside(line: error.line, column: error.column, "configuration error \(error)")
        require(!error.message.isEmpty, "configuration error without a message")
    }
    return 0
}

/// Calls `visit` for every value under `table`, and checks that its keys and strings round-trip.
private func walk(_ table: TOMLTable, path: [String], _ visit: ([String], TOMLValue) -> Void) {
    for (key, value) in table.entries {
        let keyed = try? TOMLDocument(parsing: TOMLTable.keyText(key) + " = 1")
        require(keyed?.root.keys == [key], "key \(TOMLTable.keyText(key)) does not read back as itself")
        walkValue(value, path: path + [key], visit)
    }
}

private func walkValue(_ value: TOMLValue, path: [String], _ visit: ([String], TOMLValue) -> Void) {
    visit(path, value)
    switch value.kind {
    case .string(let s):
        let back = try? TOMLDocument(parsing: "s = " + TOMLTable.quoted(s))
        require(back?["s"]?.stringValue == s, "string \(TOMLTable.quoted(s)) does not read back as itself")
    case .array(let elements):
        for (k, element) in elements.enumerated() { walkValue(element, path: path + ["[\(k)]"], visit) }
    case .table(let table):
        walk(table, path: path, visit)
    case .integer, .decimal, .boolean:
        break
    }
}
