import OrdreconCore

/// A product that can be ordered.
struct Product: Sendable {
    var sku: String
    /// GST-inclusive unit price in paise.
    var price: Int64
    var hsn: String
    var gstRate: Int
    /// The product's name on invoices (an item's `description`); some hold commas and quotes.
    var name: String
    /// Whether `config/catalog.csv` lists the product. A few are left out on purpose (new
    /// products the catalog does not have yet): their items never carry an HSN code, so their
    /// invoices are incomplete.
    var listed: Bool
}

/// The fixed vocabulary of the workload: products, places, carriers, people and reasons.
enum Catalog {
    /// A kind of product: SKU prefix, HSN, GST %, price points in paise, the name, and the
    /// words for the size variants S, M, L and XL.
    private struct Category {
        var prefix: String
        var hsn: String
        var rate: Int
        var prices: [Int64]
        var name: String
        var sizes: [String]
    }

    private static let categories: [Category] = [
        .init(
            prefix: "TSH", hsn: "6109", rate: 5, prices: [29_900, 49_900, 59_900, 79_900],
            name: "Cotton crew-neck T-shirt", sizes: ["size S", "size M", "size L", "size XL"]),
        .init(
            prefix: "KRT", hsn: "6211", rate: 12, prices: [99_900, 129_950, 149_900, 189_900],
            name: "Rayon straight kurta, block print", sizes: ["size S", "size M", "size L", "size XL"]),
        .init(
            prefix: "SAR", hsn: "5407", rate: 5, prices: [149_900, 249_900, 349_999, 599_900],
            name: "Banarasi art silk saree with blouse piece", sizes: ["5.5 m", "6 m", "6.3 m", "6.5 m"]),
        .init(
            prefix: "MUG", hsn: "6912", rate: 12, prices: [19_900, 24_950, 34_900],
            name: "Ceramic coffee mug \"Chai Time\"", sizes: ["250 ml", "350 ml", "450 ml", "set of 2"]),
        .init(
            prefix: "CSE", hsn: "3926", rate: 18, prices: [9_999, 14_900, 19_900, 29_900],
            name: "Shockproof phone case", sizes: ["6.1\"", "6.4\"", "6.7\"", "6.9\""]),
        .init(
            prefix: "EAR", hsn: "8518", rate: 18, prices: [99_900, 149_900, 249_900, 399_900],
            name: "Wireless earbuds, Bluetooth 5.3",
            sizes: ["20 h battery", "30 h battery", "40 h battery", "noise cancelling"]),
        .init(
            prefix: "BED", hsn: "6302", rate: 12, prices: [79_900, 119_900, 164_950],
            name: "Cotton bedsheet with 2 pillow covers, 144 TC", sizes: ["single", "double", "queen", "king"]),
        .init(
            prefix: "BAG", hsn: "4202", rate: 18, prices: [89_900, 129_900, 199_900],
            name: "Laptop backpack, water-resistant", sizes: ["14\"", "15.6\"", "16\"", "17\""]),
        .init(
            prefix: "SHO", hsn: "6404", rate: 18, prices: [149_900, 249_900, 329_900],
            name: "Men's running shoes", sizes: ["UK 7", "UK 8", "UK 9", "UK 10"]),
        .init(
            prefix: "WAT", hsn: "9102", rate: 18, prices: [199_900, 499_900, 1_299_900],
            name: "Analog wrist watch, stainless steel", sizes: ["32 mm", "36 mm", "40 mm", "44 mm"]),
        .init(
            prefix: "TEA", hsn: "0902", rate: 5, prices: [9_999, 17_500, 24_900],
            name: "Assam CTC tea", sizes: ["100 g", "250 g", "500 g", "1 kg"]),
        .init(
            prefix: "CLR", hsn: "8415", rate: 28, prices: [899_900, 1_249_900],
            name: "Portable air conditioner", sizes: ["0.75 ton", "1 ton", "1.2 ton", "1.5 ton"]),
    ]
    private static let variants = ["BLK", "WHT", "BLU", "RED", "GRN", "S", "M", "L", "XL", "STD"]
    private static let colours = ["black", "white", "blue", "red", "green"]

    /// Indices of the products `config/catalog.csv` leaves out (a kurta, earbuds and a tea).
    static let unlistedProducts: Set<Int> = [27, 118, 213]

    /// About 240 products, the same for every seed.
    static let products: [Product] = {
        var products: [Product] = []
        for (index, category) in categories.enumerated() {
            for n in 0..<20 {
                let v = (n * 7 + index) % variants.count
                let variant = variants[v]
                let sku = "\(category.prefix)-\(variant)-\(zeroPadded(1000 + index * 37 + n * 13, 4))"
                let label =
                    v < colours.count ? colours[v] : v < colours.count + 4 ? category.sizes[v - colours.count] : nil
                products.append(
                    Product(
                        sku: sku, price: category.prices[(n * 5 + index) % category.prices.count], hsn: category.hsn,
                        gstRate: category.rate, name: label.map { category.name + ", " + $0 } ?? category.name,
                        listed: !unlistedProducts.contains(products.count)))
            }
        }
        return products
    }()

    /// Every product by SKU.
    static let productBySku: [String: Product] = Dictionary(uniqueKeysWithValues: products.map { ($0.sku, $0) })

    /// Place-of-supply codes, weighted roughly by online order volume.
    static let states = [
        "KA", "KA", "MH", "MH", "MH", "DL", "DL", "TN", "TN", "UP", "UP", "WB", "GJ", "TS", "TS",
        "RJ", "KL", "AP", "HR", "PB", "MP", "BR", "OD", "AS", "JK", "GA", "CH",
    ]

    /// Carrier name and whether its tracking numbers are all digits.
    static let carriers: [(name: String, numeric: Bool)] = [
        ("Delhivery", true), ("Blue Dart", true), ("Ecom Express", false), ("XpressBees", true),
        ("India Post", false), ("Shadowfax", false),
    ]

    static let cancelReasons = [
        "Customer changed their mind",
        "Ordered by mistake, placed a new order",
        "Payment failed twice; customer gave up",
        "Customer said: \"found it cheaper elsewhere\"",
        "Delivery date too late, customer cancelled",
        "Pin code not serviceable, \"COD only\" area",
        "Wrong size selected\nCustomer will reorder in L",
        "ग्राहक ने ऑर्डर रद्द किया",
        "Fraud check failed, score 0.91",
    ]

    /// Reasons without quotes, commas or line breaks (used where a row is damaged on purpose).
    static let plainReasons = [
        "Customer changed their mind", "Out of stock at the warehouse", "Customer asked by phone",
    ]

    static let rejectReasons = [
        "Item shows signs of use",
        "Tags removed, \"final sale\" item",
        "Outside return policy: innerwear, hygiene, non-returnable",
        "Photos do not match the item sold\nEscalated to QA",
        "Serial number mismatch, the unit is not ours",
    ]

    static let returnReasons = [
        "Size too small", "Colour differs from the photo", "Damaged in transit", "Received wrong item",
        "Quality not as expected, fabric is thin", "Does not fit \"as described\"",
    ]

    static let storefrontActors = ["web", "android-app", "ios-app", "support:meera", "support:arjun"]
    static let paymentActors = ["razorpay-webhook", "payu-webhook"]
    static let warehouseActors = ["wms:BLR-1", "wms:BOM-2", "wms:DEL-1"]
    static let carrierActors = ["carrier-api"]
    static let deskActors = ["agent:kavya", "agent:rohan", "agent:sana"]

    static let unknownStatuses = ["DISPATCHED", "PACKED", "REFUND_INITIATED", "ON_HOLD", "PARTIALLY_SHIPPED"]
    static let unknownEntities = ["shipment", "payment", "ordr"]
    static let badTimes = [
        "2026-02-30T10:15:00+05:30", "31/03/2026 14:05", "2026-03-05T25:10:00Z", "2026-3-5T10:00:00",
        "yesterday 5pm",
    ]
    static let unknownColumns = ["channel", "source_system", "batch_id", "remarks"]
    static let channels = ["web", "app", "pos", "b2b"]

    private static let refAlphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A gateway payment id such as `pay_Nc3kW9x2LmQ7Vt`.
    static func paymentRef(_ rng: inout SplitMix64) -> String {
        var bytes = Array("pay_".utf8)
        for _ in 0..<14 { bytes.append(refAlphabet[rng.int(0...(refAlphabet.count - 1))]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A tracking number in the carrier's style.
    static func trackingNumber(carrier: Int, _ rng: inout SplitMix64) -> String {
        switch carrier {
        case 0: String(rng.int64(1_490_000_000_000...1_499_999_999_999))
        case 1: String(rng.int64(50_000_000_000...59_999_999_999))
        case 2: "EE" + String(rng.int64(1_000_000_000...9_999_999_999))
        case 3: String(rng.int64(14_000_000_000_000...14_999_999_999_999))
        case 4: "EK" + String(rng.int(100_000_000...999_999_999)) + "IN"
        default: "SFX" + String(rng.int(100_000_000...999_999_999))
        }
    }
}
