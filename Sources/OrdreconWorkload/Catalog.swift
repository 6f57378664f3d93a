import OrdreconCore

/// A product that can be ordered.
struct Product: Sendable {
    var sku: String
    /// GST-inclusive unit price in paise.
    var price: Int64
    var hsn: String
    var gstRate: Int
}

/// The fixed vocabulary of the workload: products, places, carriers, people and reasons.
enum Catalog {
    /// (SKU prefix, HSN, GST %, price points in paise).
    private static let categories: [(String, String, Int, [Int64])] = [
        ("TSH", "6109", 5, [29_900, 49_900, 59_900, 79_900]),
        ("KRT", "6211", 12, [99_900, 129_950, 149_900, 189_900]),
        ("SAR", "5407", 5, [149_900, 249_900, 349_999, 599_900]),
        ("MUG", "6912", 12, [19_900, 24_950, 34_900]),
        ("CSE", "3926", 18, [9_999, 14_900, 19_900, 29_900]),
        ("EAR", "8518", 18, [99_900, 149_900, 249_900, 399_900]),
        ("BED", "6302", 12, [79_900, 119_900, 164_950]),
        ("BAG", "4202", 18, [89_900, 129_900, 199_900]),
        ("SHO", "6404", 18, [149_900, 249_900, 329_900]),
        ("WAT", "9102", 18, [199_900, 499_900, 1_299_900]),
        ("TEA", "0902", 5, [9_999, 17_500, 24_900]),
        ("CLR", "8415", 28, [899_900, 1_249_900]),
    ]
    private static let variants = ["BLK", "WHT", "BLU", "RED", "GRN", "S", "M", "L", "XL", "STD"]

    /// About 240 products, the same for every seed.
    static let products: [Product] = {
        var products: [Product] = []
        for (index, (prefix, hsn, rate, prices)) in categories.enumerated() {
            for n in 0..<20 {
                let variant = variants[(n * 7 + index) % variants.count]
                let sku = "\(prefix)-\(variant)-\(zeroPadded(1000 + index * 37 + n * 13, 4))"
                products.append(
                    Product(sku: sku, price: prices[(n * 5 + index) % prices.count], hsn: hsn, gstRate: rate))
            }
        }
        return products
    }()

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
