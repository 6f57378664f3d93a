import OrdreconCore

/// Billing addresses in Indian style: a flat, house or shop, a street, a locality, the city and
/// its PIN code, on one line or on two (a line break, which CSV must quote).
enum Addresses {
    /// A city: its state's code (as in ``Catalog/states``), its PIN codes' first three digits,
    /// and some of its localities.
    struct City: Sendable {
        var name: String
        var state: String
        var pin: Int
        var localities: [String]
    }

    /// A few cities of every state in ``Catalog/states``.
    static let cities: [City] = [
        City(
            name: "Bengaluru", state: "KA", pin: 560,
            localities: ["Indiranagar", "Koramangala", "Jayanagar", "HSR Layout"]),
        City(name: "Mysuru", state: "KA", pin: 570, localities: ["Vijayanagar", "Kuvempunagar"]),
        City(name: "Mangaluru", state: "KA", pin: 575, localities: ["Kadri", "Bejai"]),
        City(name: "Mumbai", state: "MH", pin: 400, localities: ["Andheri West", "Bandra East", "Dadar", "Powai"]),
        City(name: "Pune", state: "MH", pin: 411, localities: ["Kothrud", "Baner", "Viman Nagar"]),
        City(name: "Nagpur", state: "MH", pin: 440, localities: ["Dharampeth", "Sitabuldi"]),
        City(
            name: "New Delhi", state: "DL", pin: 110,
            localities: ["Lajpat Nagar", "Dwarka Sector 12", "Karol Bagh", "Mayur Vihar Phase 1"]),
        City(name: "Chennai", state: "TN", pin: 600, localities: ["Adyar", "T. Nagar", "Anna Nagar", "Velachery"]),
        City(name: "Coimbatore", state: "TN", pin: 641, localities: ["R.S. Puram", "Peelamedu"]),
        City(name: "Madurai", state: "TN", pin: 625, localities: ["K.K. Nagar"]),
        City(name: "Lucknow", state: "UP", pin: 226, localities: ["Gomti Nagar", "Hazratganj", "Aliganj"]),
        City(name: "Noida", state: "UP", pin: 201, localities: ["Sector 62", "Sector 18"]),
        City(name: "Kanpur", state: "UP", pin: 208, localities: ["Swaroop Nagar"]),
        City(
            name: "Kolkata", state: "WB", pin: 700,
            localities: ["Salt Lake Sector V", "Ballygunge", "Behala", "New Town"]),
        City(name: "Siliguri", state: "WB", pin: 734, localities: ["Pradhan Nagar"]),
        City(name: "Ahmedabad", state: "GJ", pin: 380, localities: ["Navrangpura", "Satellite", "Maninagar"]),
        City(name: "Surat", state: "GJ", pin: 395, localities: ["Adajan", "Vesu"]),
        City(name: "Vadodara", state: "GJ", pin: 390, localities: ["Alkapuri"]),
        City(
            name: "Hyderabad", state: "TS", pin: 500,
            localities: ["Banjara Hills", "Madhapur", "Kukatpally", "Secunderabad"]),
        City(name: "Warangal", state: "TS", pin: 506, localities: ["Hanamkonda"]),
        City(name: "Jaipur", state: "RJ", pin: 302, localities: ["Malviya Nagar", "Vaishali Nagar", "C-Scheme"]),
        City(name: "Udaipur", state: "RJ", pin: 313, localities: ["Fatehpura"]),
        City(name: "Jodhpur", state: "RJ", pin: 342, localities: ["Shastri Nagar"]),
        City(name: "Kochi", state: "KL", pin: 682, localities: ["Edappally", "Kakkanad", "Fort Kochi"]),
        City(name: "Thiruvananthapuram", state: "KL", pin: 695, localities: ["Pattom", "Kowdiar"]),
        City(name: "Kozhikode", state: "KL", pin: 673, localities: ["Nadakkavu"]),
        City(name: "Visakhapatnam", state: "AP", pin: 530, localities: ["MVP Colony", "Gajuwaka"]),
        City(name: "Vijayawada", state: "AP", pin: 520, localities: ["Benz Circle", "Labbipet"]),
        City(name: "Gurugram", state: "HR", pin: 122, localities: ["DLF Phase 3", "Sector 56", "Sohna Road"]),
        City(name: "Faridabad", state: "HR", pin: 121, localities: ["Sector 15"]),
        City(name: "Ludhiana", state: "PB", pin: 141, localities: ["Model Town", "Sarabha Nagar"]),
        City(name: "Amritsar", state: "PB", pin: 143, localities: ["Ranjit Avenue"]),
        City(name: "Indore", state: "MP", pin: 452, localities: ["Vijay Nagar", "Palasia"]),
        City(name: "Bhopal", state: "MP", pin: 462, localities: ["Arera Colony", "M.P. Nagar"]),
        City(name: "Patna", state: "BR", pin: 800, localities: ["Boring Road", "Kankarbagh", "Rajendra Nagar"]),
        City(name: "Bhubaneswar", state: "OD", pin: 751, localities: ["Saheed Nagar", "Patia"]),
        City(name: "Cuttack", state: "OD", pin: 753, localities: ["Buxi Bazar"]),
        City(name: "Guwahati", state: "AS", pin: 781, localities: ["Zoo Road", "Beltola", "Dispur"]),
        City(name: "Srinagar", state: "JK", pin: 190, localities: ["Rajbagh", "Lal Chowk"]),
        City(name: "Jammu", state: "JK", pin: 180, localities: ["Gandhi Nagar", "Trikuta Nagar"]),
        City(name: "Panaji", state: "GA", pin: 403, localities: ["Altinho", "Miramar"]),
        City(name: "Chandigarh", state: "CH", pin: 160, localities: ["Sector 17", "Sector 35", "Sector 22"]),
    ]

    /// Indices into ``cities`` by state code.
    static let citiesByState: [String: [Int]] = Dictionary(grouping: cities.indices, by: { cities[$0].state })

    private static let buildings = [
        "Sai Residency", "Green Park Apartments", "Shanti Niwas", "Lake View Towers", "Sunshine Heights",
        "Krishna Kunj", "Orchid Enclave", "Royal Palms", "Silver Oak Residency", "Gulmohar Society",
    ]
    private static let streets = [
        "MG Road", "Station Road", "1st Main Road", "4th Cross Road", "Nehru Street", "Link Road",
        "Temple Street", "Church Road", "Ring Road", "Gandhi Nagar Main Road",
    ]
    private static let businessPlaces = [
        "Industrial Estate", "Trade Centre", "Commercial Complex", "Business Park", "Market Yard",
    ]

    /// An address in a city of `state` (a code of ``Catalog/states``); `business` gives a shop or
    /// unit instead of a home, `twoLines` puts the city on a second line.
    static func address(state: String, business: Bool, twoLines: Bool, _ rng: inout SplitMix64) -> String {
        let choices = citiesByState[state] ?? citiesByState["KA"]!
        let city = cities[choices[rng.int(0...(choices.count - 1))]]
        let line1: String
        if business {
            let place = rng.pick(businessPlaces)
            line1 =
                rng.chance(0.5)
                ? "Shop No. \(rng.int(1...240)), \(city.name) \(place)"
                : "Unit \(rng.int(1...60))\(rng.pick(["", "A", "B"])), \(rng.pick(streets))"
        } else {
            switch rng.int(0...2) {
            case 0: line1 = "Flat \(rng.int(1...14))0\(rng.int(1...8)), \(rng.pick(buildings)), \(rng.pick(streets))"
            case 1: line1 = "\(rng.int(1...420)), \(rng.pick(streets))"
            default: line1 = "House No. \(rng.int(1...90))/\(rng.int(1...12)), \(rng.pick(streets))"
            }
        }
        let pin = String(city.pin * 1000 + rng.int(1...98))
        let place = rng.chance(0.5) ? city.name + " - " + pin : city.name + " " + pin
        let line2 = rng.pick(city.localities) + ", " + place
        return line1 + (twoLines ? "\n" : ", ") + line2
    }
}
