/// An Indian state or union territory, as a GST place of supply.
public struct IndianState: Sendable, Hashable {
    /// The two-letter code used in feeds, e.g. `KA`.
    public var code: String
    /// The GST state code, e.g. `29` for Karnataka.
    public var gstCode: String
    public var name: String

    /// Looks a state up by its two-letter code (case-insensitive; common older codes such as
    /// `OR`, `UT`, `CT`, `TG` and `DD` are accepted as aliases).
    public init?(code: String) {
        let upper = code.uppercased()
        let canonical = IndianState.aliases[upper] ?? upper
        guard let state = IndianState.byCode[canonical] else { return nil }
        self = state
    }

    init(_ code: String, _ gstCode: String, _ name: String) {
        self.code = code
        self.gstCode = gstCode
        self.name = name
    }

    /// Every state and union territory, by GST code.
    public static let all: [IndianState] = [
        .init("JK", "01", "Jammu and Kashmir"), .init("HP", "02", "Himachal Pradesh"),
        .init("PB", "03", "Punjab"), .init("CH", "04", "Chandigarh"),
        .init("UK", "05", "Uttarakhand"), .init("HR", "06", "Haryana"),
        .init("DL", "07", "Delhi"), .init("RJ", "08", "Rajasthan"),
        .init("UP", "09", "Uttar Pradesh"), .init("BR", "10", "Bihar"),
        .init("SK", "11", "Sikkim"), .init("AR", "12", "Arunachal Pradesh"),
        .init("NL", "13", "Nagaland"), .init("MN", "14", "Manipur"),
        .init("MZ", "15", "Mizoram"), .init("TR", "16", "Tripura"),
        .init("ML", "17", "Meghalaya"), .init("AS", "18", "Assam"),
        .init("WB", "19", "West Bengal"), .init("JH", "20", "Jharkhand"),
        .init("OD", "21", "Odisha"), .init("CG", "22", "Chhattisgarh"),
        .init("MP", "23", "Madhya Pradesh"), .init("GJ", "24", "Gujarat"),
        .init("DN", "26", "Dadra and Nagar Haveli and Daman and Diu"),
        .init("MH", "27", "Maharashtra"), .init("KA", "29", "Karnataka"),
        .init("GA", "30", "Goa"), .init("LD", "31", "Lakshadweep"),
        .init("KL", "32", "Kerala"), .init("TN", "33", "Tamil Nadu"),
        .init("PY", "34", "Puducherry"), .init("AN", "35", "Andaman and Nicobar Islands"),
        .init("TS", "36", "Telangana"), .init("AP", "37", "Andhra Pradesh"),
        .init("LA", "38", "Ladakh"),
    ]

    private static let aliases: [String: String] = ["OR": "OD", "UT": "UK", "CT": "CG", "TG": "TS", "DD": "DN"]

    private static let byCode: [String: IndianState] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.code, $0) })
}
