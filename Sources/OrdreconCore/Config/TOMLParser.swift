/// A hand-written parser for the TOML 1.0 subset an operations config needs.
///
/// Supported: comments; bare, quoted and dotted keys; `[table]` / `[a."b-c"]` headers; basic,
/// literal and multi-line strings; integers (decimal with `_` and sign, `0x` / `0o` / `0b`);
/// decimal numbers kept as text; booleans; arrays (multi-line, trailing comma, comments);
/// inline tables. Not supported, with a clear error: arrays of tables (`[[...]]`), dates and times.
/// Redefining a key or a table is an error, as TOML requires.
///
/// This file builds the document (headers, keys, tables); values are read in
/// TOMLParser+Values.swift and TOMLParser+Strings.swift, the text walked in TOMLParser+Scanning.swift.
struct TOMLParser {
    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var lineStart = 0
    /// How many tables and arrays enclose the value being parsed (root keys are at depth 1).
    var depth = 0

    /// The deepest nesting accepted: tables (headers, dotted keys, inline tables) and arrays
    /// together. Parsing, and the values built, recurse once per level.
    static let maxDepth = 100

    init(text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
    }

    // MARK: - Document builder

    /// A table while the document is being built (frozen into ``TOMLTable`` at the end).
    final class Node {
        enum Origin {
            /// Created as the parent of a `[a.b]` header; may still be defined by its own header.
            case implicit
            /// Defined by its own `[header]` (or the root).
            case header
            /// Created by a dotted key `a.b = 1`.
            case dotted
            /// Part of an inline table `{ ... }` being parsed.
            case inline
        }

        var origin: Origin
        var line: Int
        var column: Int
        var order: [String] = []
        var entries: [String: Entry] = [:]

        init(origin: Origin, line: Int, column: Int) {
            self.origin = origin
            self.line = line
            self.column = column
        }

        func insert(_ key: String, _ entry: Entry) {
            order.append(key)
            entries[key] = entry
        }

        func freeze() -> TOMLTable {
            var values: [String: TOMLValue] = [:]
            for key in order {
                switch entries[key]! {
                case .value(let v): values[key] = v
                case .table(let node):
                    values[key] = TOMLValue(.table(node.freeze()), line: node.line, column: node.column)
                }
            }
            return TOMLTable(keys: order, values: values)
        }
    }

    enum Entry {
        case table(Node)
        case value(TOMLValue)
    }

    /// A key segment with where it was written.
    struct KeyPart {
        var name: String
        var line: Int
        var column: Int
    }

    // MARK: - Document

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        let root = Node(origin: .header, line: 1, column: 1)
        var current = root
        var currentPath: [String] = []
        while true {
            skipSpaces()
            guard let c = peek() else { break }
            switch c {
            case "#":
                skipComment()
                try expectLineEnd()
            case "\n", "\r":
                try consumeNewline()
            case "[":
                if peek(1) == "[" {
                    throw error(
                        "arrays of tables ([[...]]) are not supported in this configuration; "
                            + "use [table] headers or an array of inline tables")
                }
                let (node, path) = try parseHeader(root: root)
                current = node
                currentPath = path
                try expectLineEnd()
            default:
                try parseKeyValue(into: current, path: currentPath, inline: false)
                try expectLineEnd()
            }
        }
        return root.freeze()
    }

    /// `[a.b]`: finds or creates the table, enforcing TOML's rules on redefinition.
    mutating func parseHeader(root: Node) throws(TOMLError) -> (Node, [String]) {
        let openLine = line
        let openColumn = column
        advance()  // "["
        skipSpaces()
        let parts = try parseKey()
        depth = 0
        try nest(parts.count)
        skipSpaces()
        guard peek() == "]" else {
            throw error(
                peek() == nil || isNewline(peek())
                    ? "table header is not closed with ']'" : "expected ']' after the table name")
        }
        advance()
        let names = parts.map(\.name)
        var node = root
        for (depth, part) in parts.enumerated() {
            let pathSoFar = Array(names[...depth])
            let isLast = depth == parts.count - 1
            switch node.entries[part.name] {
            case nil:
                let child = Node(origin: isLast ? .header : .implicit, line: openLine, column: openColumn)
                node.insert(part.name, .table(child))
                node = child
            case .table(let child):
                if isLast {
                    switch child.origin {
                    case .implicit:
                        child.origin = .header
                        child.line = openLine
                        child.column = openColumn
                    case .header:
                        throw TOMLError(
                            line: openLine, column: openColumn, keyPath: TOMLTable.keyPathText(pathSoFar),
                            message:
                                "table [\(TOMLTable.keyPathText(pathSoFar))] is defined twice (first at line \(child.line))"
                        )
                    case .dotted, .inline:
                        throw TOMLError(
                            line: openLine, column: openColumn, keyPath: TOMLTable.keyPathText(pathSoFar),
                            message:
                                "table [\(TOMLTable.keyPathText(pathSoFar))] was already defined by dotted keys at line \(child.line)"
                        )
                    }
                }
                node = child
            case .value(let value):
                let what = value.tableValue != nil ? "an inline table" : value.typeNameWithArticle
                throw TOMLError(
                    line: openLine, column: openColumn, keyPath: TOMLTable.keyPathText(pathSoFar),
                    message: "cannot define table [\(TOMLTable.keyPathText(names))]: "
                        + "\(TOMLTable.keyPathText(pathSoFar)) is already \(what) (line \(value.line))")
            }
        }
        return (node, names)
    }

    /// `key = value` (key possibly dotted) into `table`.
    mutating func parseKeyValue(into table: Node, path: [String], inline: Bool) throws(TOMLError) {
        let parts = try parseKey()
        try nest(parts.count)
        defer { depth -= parts.count }
        skipSpaces()
        guard peek() == "=" else {
            if peek() == nil || isNewline(peek()) {
                throw error("expected '=' and a value after the key \(TOMLTable.keyPathText(parts.map(\.name)))")
            }
            throw error("expected '=' after the key \(TOMLTable.keyPathText(parts.map(\.name)))")
        }
        advance()
        skipSpaces()
        let value = try parseValue()
        try insert(value, at: parts, into: table, tablePath: path, inline: inline)
    }

    func insert(
        _ value: TOMLValue, at parts: [KeyPart], into table: Node, tablePath: [String], inline: Bool
    ) throws(TOMLError) {
        var node = table
        var fullPath = tablePath
        for part in parts.dropLast() {
            fullPath.append(part.name)
            switch node.entries[part.name] {
            case nil:
                let child = Node(origin: inline ? .inline : .dotted, line: part.line, column: part.column)
                node.insert(part.name, .table(child))
                node = child
            case .table(let child):
                guard child.origin == (inline ? .inline : .dotted) else {
                    throw TOMLError(
                        line: part.line, column: part.column, keyPath: TOMLTable.keyPathText(fullPath),
                        message: "cannot add keys with a dotted key to table [\(TOMLTable.keyPathText(fullPath))], "
                            + "which is defined by a [header] (line \(child.line)); put the key under that header")
                }
                node = child
            case .value(let existing):
                let what =
                    existing.tableValue != nil
                    ? "an inline table, which cannot be extended" : existing.typeNameWithArticle
                throw TOMLError(
                    line: part.line, column: part.column, keyPath: TOMLTable.keyPathText(fullPath),
                    message: "key is already \(what) (defined at line \(existing.line))")
            }
        }
        let last = parts[parts.count - 1]
        fullPath.append(last.name)
        if let existing = node.entries[last.name] {
            let firstLine: Int
            switch existing {
            case .table(let t): firstLine = t.line
            case .value(let v): firstLine = v.line
            }
            throw TOMLError(
                line: last.line, column: last.column, keyPath: TOMLTable.keyPathText(fullPath),
                message: "key is defined twice (first at line \(firstLine))")
        }
        node.insert(last.name, .value(value))
    }

    // MARK: - Keys

    static func isBareKeyScalar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
        default: false
        }
    }

    mutating func parseKey() throws(TOMLError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            let startLine = line
            let startColumn = column
            let name: String
            switch peek() {
            case "\"":
                if peek(1) == "\"" && peek(2) == "\"" { throw error("a key cannot be a multi-line string") }
                name = try parseBasicString()
            case "'":
                if peek(1) == "'" && peek(2) == "'" { throw error("a key cannot be a multi-line string") }
                name = try parseLiteralString()
            case let c? where Self.isBareKeyScalar(c):
                var text = ""
                while let c = peek(), Self.isBareKeyScalar(c) {
                    text.unicodeScalars.append(c)
                    advance()
                }
                name = text
            case nil:
                throw error("expected a key")
            case let c?:
                if isNewline(c) { throw error("expected a key") }
                throw error(
                    "unexpected character \(describe(c)) where a key was expected "
                        + "(bare keys use A-Z a-z 0-9 _ -; quote other keys)")
            }
            parts.append(KeyPart(name: name, line: startLine, column: startColumn))
            skipSpaces()
            guard peek() == "." else { return parts }
            advance()
            skipSpaces()
        }
    }
}
