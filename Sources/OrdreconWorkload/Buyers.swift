import OrdreconCore

/// What an order's `PENDING_PAYMENT` event tells about the buyer, for the invoice.
enum BuyerKind: UInt8, Sendable {
    /// Nothing: a guest checkout (the customer id only).
    case guest
    /// A name, no address.
    case nameOnly
    /// Name, billing address and billing state.
    case consumer
    /// A registered business: its name, address, state and GSTIN (B2B).
    case business
}

/// An order's buyer as planned: the kind, and a seed from which the texts are drawn when the
/// order's first event is written. Nothing else is kept, so an open order holds no buyer texts.
struct BuyerPlan: Sendable {
    var kind: BuyerKind
    var seed: UInt64
    /// A non-Latin name and a two-line address (one of the opening orders, so every workload
    /// has them).
    var showcase = false
}

/// The invoice fields of one `PENDING_PAYMENT` event (nil: the event leaves the field out).
struct BuyerFields {
    var name: String?
    var address: String?
    var state: String?
    var gstin: String?
}

/// Names, companies and GSTINs of buyers.
enum Buyers {
    private static let firstNames = [
        "Aarav", "Priya", "Rahul", "Ananya", "Vikram", "Sneha", "Arjun", "Kavya", "Rohan", "Meera", "Aditya",
        "Divya", "Karthik", "Lakshmi", "Siddharth", "Pooja", "Farhan", "Ayesha", "Gurpreet", "Harpreet", "Joseph",
        "Mary", "Sanjay", "Neha", "Ravi", "Deepa", "Imran", "Sana", "Venkatesh", "Anjali", "Suresh", "Fatima",
        "Nikhil", "Shreya", "Manoj", "Tanvi", "Abhishek", "Zoya", "Rajesh", "Bhavna",
    ]
    private static let surnames = [
        "Sharma", "Iyer", "Reddy", "Nair", "Patel", "Gupta", "Singh", "Khan", "Das", "Mukherjee", "Banerjee",
        "Menon", "Pillai", "Rao", "Kulkarni", "Deshpande", "Joshi", "Chatterjee", "Agarwal", "Verma", "Shaikh",
        "Fernandes", "D'Souza", "D'Costa", "Gill", "Sandhu", "Bhat", "Hegde", "Naidu", "Chowdhury", "Bose", "Mehta",
        "Shah", "Kapoor", "Malhotra", "Thomas", "Varghese", "Kurian", "Ansari", "Siddiqui",
    ]
    private static let nicknames = ["Bunty", "Pinky", "Chintu", "Babloo", "Guddu", "Munna"]
    /// Greek and Cyrillic names (expatriates and their families ordering in India).
    private static let nonLatinNames = [
        "Νικόλαος Παπαδόπουλος", "Ελένη Γεωργίου", "Γιώργος Αντωνίου", "Ольга Смирнова", "Дмитрий Иванов",
        "Анна Кузнецова",
    ]
    private static let placeWords = [
        "Kaveri", "Sahyadri", "Ganga", "Nilgiri", "Vindhya", "Konark", "Deccan", "Aravalli", "Malabar", "Narmada",
    ]
    private static let deities = ["Ganesh", "Balaji", "Sai", "Krishna", "Durga", "Lakshmi"]

    /// The invoice fields of an order with `buyer`, shipped to `shipTo`, and a generator to go
    /// on drawing with (for the items' descriptions).
    static func fields(_ buyer: BuyerPlan, shipTo: String) -> (BuyerFields, SplitMix64) {
        var rng = SplitMix64(seed: buyer.seed)
        var fields = BuyerFields()
        // The billing state is usually where the order goes.
        let state = rng.chance(0.9) ? shipTo : rng.pick(Catalog.states)
        switch buyer.kind {
        case .guest:
            break
        case .nameOnly:
            fields.name = personName(&rng)
        case .consumer:
            fields.name = buyer.showcase ? rng.pick(nonLatinNames) : personName(&rng)
            fields.address = Addresses.address(
                state: state, business: false, twoLines: buyer.showcase || rng.chance(0.35), &rng)
            fields.state = state
        case .business:
            let (name, holder, initial) = companyName(&rng)
            fields.name = name
            fields.address = Addresses.address(state: state, business: true, twoLines: rng.chance(0.5), &rng)
            fields.state = state
            fields.gstin = gstin(state: state, holder: holder, initial: initial, &rng)
        }
        return (fields, rng)
    }

    /// A person's name as storefronts receive them: mostly "First Last", sometimes with a middle
    /// initial, a title, surname first with a comma, a nickname in quotes, or in Greek or Cyrillic.
    static func personName(_ rng: inout SplitMix64) -> String {
        let first = rng.pick(firstNames)
        let last = rng.pick(surnames)
        switch rng.weighted([81, 7, 4, 3, 2, 3]) {
        case 0: return first + " " + last
        case 1: return first + " " + String(UnicodeScalar(UInt8(rng.int(65...90)))) + ". " + last
        case 2: return "Dr. " + first + " " + last
        case 3: return last + ", " + first
        case 4: return first + " \"" + rng.pick(nicknames) + "\" " + last
        default: return rng.pick(nonLatinNames)
        }
    }

    /// A business's name, the PAN holder type its GSTIN shows (`C` company, `F` firm or LLP, `P`
    /// a proprietor's own PAN) and the PAN's fifth letter (the name's, or the proprietor's
    /// surname's, initial).
    static func companyName(_ rng: inout SplitMix64) -> (String, Character, Character) {
        let surname = rng.pick(surnames)
        let word = rng.pick(placeWords)
        switch rng.int(0...5) {
        case 0: return (surname + " Traders", "P", surname.first!)
        case 1:
            let deity = rng.pick(deities)
            return ("Shree " + deity + " Enterprises", "F", "S")
        case 2: return (word + " Office Supplies Pvt. Ltd.", "C", word.first!)
        case 3: return (surname + " & Sons", "F", surname.first!)
        case 4: return (word + " Textiles, Unit " + String(rng.int(2...4)), "F", word.first!)
        default: return (word + " Technologies Private Limited", "C", word.first!)
        }
    }

    /// A valid GSTIN registered in `state`: the state's GST code, a PAN (three letters, the
    /// holder type, the name's initial, four digits, a letter), the registration number under
    /// that PAN, `Z`, and the check character.
    static func gstin(state: String, holder: Character, initial: Character, _ rng: inout SplitMix64) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var text = IndianState(code: state)!.gstCode
        for _ in 0..<3 { text.append(rng.pick(letters)) }
        text.append(holder)
        text.append(initial)
        text += zeroPadded(rng.int(1...9999), 4)
        text.append(rng.pick(letters))
        text.append(rng.chance(0.85) ? "1" : rng.pick(Array("23")))
        text.append("Z")
        text.append(GSTIN.checkCharacter(text)!)
        return text
    }
}
