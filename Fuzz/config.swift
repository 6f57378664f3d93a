// Fuzz target `config`: one input is one config/ordrecon.toml, taken the way ConfigOptions
// takes it (the file must be UTF-8, then Configuration.load checks the TOML and every key).
//
// Oracles: every position reported (errors, values) lies inside the text; every string and
// key the document holds, written back the way messages write it (TOMLTable.quoted,
// TOMLTable.keyText), parses to itself; a loaded configuration keeps its promises, checked on
// the bytes of its paths as the file system sees them (each is its text resolved against the
// workspace, absolute and normalized; folders distinct, nothing inside the inbox, the database
// not in archive or failed), values in range, at least one feed, feed names distinct ignoring
// case.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    let scalars = text.unicodeScalars.count

    func requireInside(line: Int?, column: Int?, _ what: @autoclosure () -> String) {
        if let line { require(line >= 1 && line <= lines, "\(what()): line \(line) of \(lines)") }
        if let column {
            require(column >= 1 && column <= scalars + 1, "\(what()): column \(column) of \(scalars) characters")
        }
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
        let configuration = try Configuration.load(
            tomlText: text, fileName: workspaceRoot + "/config/ordrecon.toml", workspaceRoot: workspaceRoot)
        let paths = configuration.paths
        // Each path is its text resolved against the workspace, worked out here on bytes.
        let document = try? TOMLDocument(parsing: text)
        let got = [
            "inbox": paths.inbox, "archive": paths.archive, "failed": paths.failed, "outbox": paths.outbox,
            "invoices": paths.invoices, "database": paths.database,
        ]
        for (key, fallback) in Configuration.defaultPaths {
            let written = document?["paths", key]?.stringValue ?? fallback
            require(
                got[key]!.utf8.elementsEqual(resolved(written).utf8),
                "paths.\(key) \(TOMLTable.quoted(written)) resolved to \(TOMLTable.quoted(got[key]!))")
        }
        for path in [
            paths.workspaceRoot, paths.inbox, paths.archive, paths.failed, paths.outbox, paths.invoices, paths.database,
        ] {
            require(isNormalized(path), "path \(TOMLTable.quoted(path)) accepted")
        }
        // checkLayout's promises, checked again on the bytes (as the file system sees paths).
        let folders = [paths.inbox, paths.archive, paths.failed, paths.outbox, paths.invoices]
        require(Set(folders.map { Array($0.utf8) }).count == folders.count, "two folders are the same: \(folders)")
        for other in folders.dropFirst() + [paths.database] {
            require(
                !inside(other, paths.inbox),
                "\(TOMLTable.quoted(other)) accepted inside the inbox \(TOMLTable.quoted(paths.inbox))")
        }
        for folder in [paths.archive, paths.failed] {
            require(!inside(paths.database, folder), "the database accepted inside \(TOMLTable.quoted(folder))")
        }
        require(
            Configuration.returnWindowRange.contains(configuration.returnWindowDays),
            "window \(configuration.returnWindowDays)")
        require(Configuration.batchSizeRange.contains(configuration.batchSize), "batch size \(configuration.batchSize)")
        require(
            (0...10_000).contains(configuration.defaultGSTRateBasisPoints),
            "GST rate \(configuration.defaultGSTRateBasisPoints)")
        require(!configuration.feeds.isEmpty, "no feeds")
        require(
            Set(configuration.feeds.map { $0.name.lowercased() }).count == configuration.feeds.count, "feed names clash"
        )
    } catch {
        requireInside(line: error.line, column: error.column, "configuration error \(error)")
        require(!error.message.isEmpty, "configuration error without a message")
    }
    return 0
}

private let workspaceRoot = "/srv/shop"

/// `path` against the workspace: components split at "/" bytes, `.` dropped, `..` going up.
private func resolved(_ path: String) -> String {
    let slash = UInt8(ascii: "/")
    var bytes = Array(path.utf8)
    if bytes.first != slash { bytes = Array(workspaceRoot.utf8) + [slash] + bytes }
    var parts: [ArraySlice<UInt8>] = []
    for part in bytes.split(separator: slash) {
        if part.elementsEqual([UInt8(ascii: ".")]) { continue }
        if part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
            if !parts.isEmpty { parts.removeLast() }
            continue
        }
        parts.append(part)
    }
    return String(decoding: parts.isEmpty ? [slash] : Array(parts.map { [slash] + $0 }.joined()), as: UTF8.self)
}

/// Absolute, no NUL, no empty, `.` or `..` component (bytes, as the file system sees it).
private func isNormalized(_ path: String) -> Bool {
    let bytes = Array(path.utf8)
    guard bytes.first == UInt8(ascii: "/"), !bytes.contains(0) else { return false }
    if bytes == [UInt8(ascii: "/")] { return true }
    return bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy { part in
        !part.isEmpty && !part.elementsEqual([UInt8(ascii: ".")])
            && !part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")])
    }
}

/// Whether `path` is `folder` or lies under it (bytes).
private func inside(_ path: String, _ folder: String) -> Bool {
    let folderBytes = Array(folder.utf8)
    let pathBytes = Array(path.utf8)
    if pathBytes == folderBytes || folderBytes == [UInt8(ascii: "/")] { return true }
    return pathBytes.starts(with: folderBytes + [UInt8(ascii: "/")])
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
