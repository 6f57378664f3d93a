import Testing

@testable import OrdreconCore

private func parse(_ text: String) throws -> TOMLDocument {
    try TOMLDocument(parsing: text)
}

@Suite("TOML parser: values")
struct TOMLValueTests {
    @Test func emptyAndCommentOnlyDocuments() throws {
        #expect(try parse("").root.isEmpty)
        #expect(try parse("# only a comment\n\n   \n# another").root.isEmpty)
        #expect(try parse("\u{FEFF}a = 1")["a"]?.kind == .integer(1))
    }

    @Test func basicStringsAndEscapes() throws {
        let doc = try parse(#"s = "a \"quoted\" \\ back\nnew\ttab \u00E9 \U0001F600 \b\f\r""#)
        #expect(doc["s"]?.stringValue == "a \"quoted\" \\ back\nnew\ttab é 😀 \u{08}\u{0C}\r")
        #expect(try parse(#"s = """#)["s"]?.stringValue == "")
        #expect(try parse("s = \"unicode ₹ ok\"")["s"]?.stringValue == "unicode ₹ ok")
    }

    @Test func literalStrings() throws {
        let doc = try parse(#"path = 'C:\Users\nobody' "#)
        #expect(doc["path"]?.stringValue == #"C:\Users\nobody"#)
        #expect(try parse("e = ''")["e"]?.stringValue == "")
    }

    @Test func multilineBasicStrings() throws {
        let doc = try parse(
            "a = \"\"\"\nline one\nline \"two\"\n\"\"\"\n"
                + "b = \"\"\"one \\\n     two \\\n\n   three\"\"\"\n"
                + "c = \"\"\"ends with quotes\"\"\"\"\"\n"
                + "d = \"\"\"tab\\t\\u0041\"\"\"\r\n")
        #expect(doc["a"]?.stringValue == "line one\nline \"two\"\n")
        #expect(doc["b"]?.stringValue == "one two three")
        #expect(doc["c"]?.stringValue == "ends with quotes\"\"")
        #expect(doc["d"]?.stringValue == "tab\tA")
        #expect(doc["d"]?.line == 10)
    }

    @Test func multilineLiteralStrings() throws {
        let doc = try parse("a = '''\nraw \\n here\r\n  kept '' quotes'''\nb = 1")
        #expect(doc["a"]?.stringValue == "raw \\n here\n  kept '' quotes")
        #expect(doc["b"]?.line == 4)
    }

    @Test func integers() throws {
        let doc = try parse(
            """
            a = 42
            b = +17
            c = -5_000
            d = 0
            e = 1_000_000
            f = 0xFF
            g = 0o17
            h = 0b101
            i = 9223372036854775807
            j = -9223372036854775808
            """)
        #expect(doc["a"]?.kind == .integer(42))
        #expect(doc["b"]?.kind == .integer(17))
        #expect(doc["c"]?.kind == .integer(-5000))
        #expect(doc["d"]?.kind == .integer(0))
        #expect(doc["e"]?.kind == .integer(1_000_000))
        #expect(doc["f"]?.kind == .integer(255))
        #expect(doc["g"]?.kind == .integer(15))
        #expect(doc["h"]?.kind == .integer(5))
        #expect(doc["i"]?.kind == .integer(Int64.max))
        #expect(doc["j"]?.kind == .integer(Int64.min))
    }

    @Test func decimalsKeepTheirText() throws {
        let doc = try parse(
            """
            rate = 12.5
            small = -0.01
            big = 1_000.000_5
            exp = 5e+22
            mixed = 6.626E-34
            pos = +3.10
            special = inf
            nan = -nan
            """)
        #expect(doc["rate"]?.kind == .decimal("12.5"))
        #expect(doc["small"]?.decimalText == "-0.01")
        #expect(doc["big"]?.decimalText == "1000.0005")
        #expect(doc["exp"]?.decimalText == "5e+22")
        #expect(doc["mixed"]?.decimalText == "6.626e-34")
        #expect(doc["pos"]?.decimalText == "+3.10")
        #expect(doc["special"]?.decimalText == "inf")
        #expect(doc["nan"]?.decimalText == "-nan")
        #expect(doc["rate"]?.integerValue == nil)
    }

    @Test func booleans() throws {
        let doc = try parse("t = true\nf = false # comment")
        #expect(doc["t"]?.booleanValue == true)
        #expect(doc["f"]?.booleanValue == false)
    }

    @Test func arraysMultilineTrailingCommaAndComments() throws {
        let doc = try parse(
            """
            empty = []
            one = [1]
            allow = [
              "order:PAID",   # first
              # a comment line inside
              'return:COMPLETED',
            ]
            nested = [[1, 2], ["a"], []]
            mixed = [1, "two", 3.0, true, { x = 1 }]
            """)
        #expect(doc["empty"]?.arrayValue?.isEmpty == true)
        #expect(doc["one"]?.arrayValue?.map(\.kind) == [.integer(1)])
        let allow = try #require(doc["allow"]?.arrayValue)
        #expect(allow.map(\.stringValue) == ["order:PAID", "return:COMPLETED"])
        #expect(allow.map(\.line) == [4, 6])
        #expect(allow[0].column == 3)
        let nested = try #require(doc["nested"]?.arrayValue)
        #expect(nested.count == 3)
        #expect(nested[0].arrayValue?.map(\.kind) == [.integer(1), .integer(2)])
        #expect(nested[2].arrayValue?.isEmpty == true)
        let mixed = try #require(doc["mixed"]?.arrayValue)
        #expect(mixed.map(\.typeName) == ["integer", "string", "decimal number", "boolean", "table"])
        #expect(mixed[4].tableValue?["x"]?.kind == .integer(1))
    }

    @Test func inlineTables() throws {
        let doc = try parse(#"point = { x = 1, y = -2, label.text = "p", "quoted key" = true }"# + "\nempty = {}")
        let point = try #require(doc["point"]?.tableValue)
        #expect(point.keys == ["x", "y", "label", "quoted key"])
        #expect(point["x"]?.kind == .integer(1))
        #expect(point["label"]?.tableValue?["text"]?.stringValue == "p")
        #expect(doc["point", "quoted key"]?.booleanValue == true)
        #expect(doc["empty"]?.tableValue?.isEmpty == true)
    }

    @Test func linesAndColumnsOfValues() throws {
        let doc = try parse("\n# c\n  a =   \"x\"\n[t]\nb = [\n 1,\n 2 ]\n")
        #expect(doc["a"]?.line == 3)
        #expect(doc["a"]?.column == 9)
        #expect(doc["t"]?.line == 4)
        #expect(doc["t", "b"]?.line == 5)
        #expect(doc["t", "b"]?.arrayValue?.last?.line == 7)
    }
}

@Suite("TOML parser: keys and tables")
struct TOMLTableTests {
    @Test func bareQuotedAndDottedKeys() throws {
        let doc = try parse(
            """
            bare_key-1 = 1
            "quoted key" = 2
            'literal.key' = 3
            a.b.c = 4
            a . "d e" = 5
            "" = 6
            """)
        #expect(doc["bare_key-1"]?.kind == .integer(1))
        #expect(doc["quoted key"]?.kind == .integer(2))
        #expect(doc["literal.key"]?.kind == .integer(3))
        #expect(doc["a", "b", "c"]?.kind == .integer(4))
        #expect(doc["a", "d e"]?.kind == .integer(5))
        #expect(doc[""]?.kind == .integer(6))
        #expect(doc.root.keys == ["bare_key-1", "quoted key", "literal.key", "a", ""])
    }

    @Test func tableHeaders() throws {
        let doc = try parse(
            """
            top = 1
            [paths]
            inbox = "in"   # trailing comment
            [ feeds . "returns-desk" ]
            allow = ["return:APPROVED"]
            [feeds.carrier]
            [feeds.returns desk]
            """.replacingOccurrences(of: "[feeds.returns desk]", with: "[feeds.'returns desk']"))
        #expect(doc["top"]?.kind == .integer(1))
        #expect(doc["paths", "inbox"]?.stringValue == "in")
        #expect(doc["feeds", "returns-desk", "allow"]?.arrayValue?.first?.stringValue == "return:APPROVED")
        #expect(doc["feeds", "carrier"]?.tableValue?.isEmpty == true)
        #expect(doc["feeds", "returns desk"]?.line == 7)
        #expect(doc["feeds"]?.tableValue?.keys == ["returns-desk", "carrier", "returns desk"])
        #expect(doc["feeds"]?.line == 4)  // implicitly created by its first sub-table header
    }

    @Test func superTableMayBeDefinedAfterSubTable() throws {
        let doc = try parse("[a.b]\nx = 1\n[a]\ny = 2")
        #expect(doc["a", "b", "x"]?.kind == .integer(1))
        #expect(doc["a", "y"]?.kind == .integer(2))
        #expect(doc["a"]?.line == 3)
    }

    @Test func subTableMayBeAddedUnderDottedKeyTable() throws {
        let doc = try parse("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true")
        #expect(doc["fruit", "apple", "color"]?.stringValue == "red")
        #expect(doc["fruit", "apple", "texture", "smooth"]?.booleanValue == true)
    }

    @Test func keyPathText() {
        #expect(TOMLTable.keyPathText(["feeds", "returns-desk", "allow"]) == "feeds.returns-desk.allow")
        #expect(TOMLTable.keyPathText(["feeds", "returns desk"]) == #"feeds."returns desk""#)
        #expect(TOMLTable.keyPathText(["a", ""]) == #"a."""#)
    }
}
