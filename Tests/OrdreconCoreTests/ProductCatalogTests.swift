import OrdreconCore
import Testing

@Suite("Product catalog")
struct ProductCatalogTests {
    static func parse(_ text: String) throws(ConfigurationError) -> ProductCatalog {
        try ProductCatalog.parse(Array(text.utf8), fileName: "config/catalog.csv")
    }

    static func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func readsRowsInAnyColumnOrderWithQuotesAndBOM() throws {
        let catalog = try Self.parse(
            "\u{FEFF}GST_Rate,sku,hsn,description,notes\r\n18,TEE-1,6109,\"Cotton tee, \"\"blue\"\"\",x\r\n\r\n12.5,MUG-1,,Ирина's mug,\n,BARE,,,\n"
        )
        #expect(
            catalog.entries["TEE-1"]
                == .init(description: "Cotton tee, \"blue\"", hsn: "6109", gstRateBasisPoints: 1800))
        #expect(catalog.entries["MUG-1"] == .init(description: "Ирина's mug", hsn: nil, gstRateBasisPoints: 1250))
        #expect(catalog.entries["BARE"] == .init())
        #expect(try Self.parse("").isEmpty)
    }

    @Test func fillsOnlyWhatTheItemLeavesBlank() throws {
        let catalog = try Self.parse("sku,description,hsn,gst_rate\nA,From catalog,6109,12\n")
        let items = catalog.filling([
            EventItem(sku: "A", quantity: 1, unitPrice: .zero),
            EventItem(
                sku: "A", quantity: 1, unitPrice: .zero, hsn: "9999", gstRateBasisPoints: 500, description: "Own"),
            EventItem(sku: "Z", quantity: 1, unitPrice: .zero),
        ])
        #expect(items[0].description == "From catalog" && items[0].hsn == "6109" && items[0].gstRateBasisPoints == 1200)
        #expect(items[1].description == "Own" && items[1].hsn == "9999" && items[1].gstRateBasisPoints == 500)
        #expect(items[2] == EventItem(sku: "Z", quantity: 1, unitPrice: .zero))
    }

    @Test func anUnusableCatalogSaysFileLineAndWhy() {
        let head = "sku,description,hsn,gst_rate\n"
        #expect(
            Self.error(head + "A,x,6109,18\nA,y,6109,18\n")
                == "config/catalog.csv:3: sku \"A\" is listed twice (first on line 2); keep one row")
        #expect(
            Self.error(head + "A,x,61O9,18\n")
                == "config/catalog.csv:2: hsn \"61O9\" is not an HSN code (4, 6 or 8 digits, e.g. 6109)")
        #expect(Self.error(head + "A,x,61091,18\n")?.hasPrefix("config/catalog.csv:2: hsn") == true)
        #expect(
            Self.error(head + "A,x,6109,101\n")?.hasPrefix("config/catalog.csv:2: gst_rate \"101\" is not a percentage")
                == true)
        #expect(Self.error(head + "A,x,6109\n") == "config/catalog.csv:2: the row has 3 fields, the header 4")
        #expect(
            Self.error(head + "B,y,6109,18\nA,\"open,6109,18\n")?.hasPrefix(
                "config/catalog.csv:3: unterminated quoted field in column 2") == true)
        #expect(
            Self.error(head + "B,\"multi\nline\",6109,18\n")
                == "config/catalog.csv:2: description holds a line break at character 6; remove it")
        #expect(Self.error(head + ",x,6109,18\n") == "config/catalog.csv:2: sku is empty")
        #expect(Self.error("description,hsn\nx,6109\n")?.contains("no `sku` column") == true)
        #expect(
            Self.error(head + "A,\(String(repeating: "d", count: 201)),6109,18\n")?.contains(
                "description is 201 characters long") == true)
        #expect(Self.error(head + "A,x,6109,18\rB,y,6109,18\n")?.contains("CR that is not followed by LF") == true)
    }

    @Test func hostileInputIsBounded() {
        // A row is split as a feed's CSV row is: at most 1 MiB is kept (so at most that many
        // fields), a longer one is refused without being kept.
        #expect(
            Self.error("sku,hsn\n" + String(repeating: ",", count: 1_000_000) + "\n")
                == "config/catalog.csv:2: the row has 1000001 fields, the header 2")
        #expect(
            Self.error("sku,hsn\n" + String(repeating: "x", count: 2 << 20) + ",1\n")?.hasPrefix(
                "config/catalog.csv:2: row is longer than 1 MiB") == true)
        // More than the limit is refused without being parsed.
        let huge = [UInt8](repeating: 0x41, count: ProductCatalog.maximumBytes + 1)
        #expect(throws: ConfigurationError.self) { try ProductCatalog.parse(huge, fileName: "c") }
        #expect(Self.error("sku\n\u{FFFD}") == nil)
        #expect(throws: ConfigurationError.self) {
            try ProductCatalog.parse([0x73, 0x6B, 0x75, 0x0A, 0xFF], fileName: "c")
        }
    }
}
