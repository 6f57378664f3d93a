/// A bounded map that keeps what was used lately, for the judge's view of orders and returns.
///
/// Two generations: new entries go into the current one; when it is full it becomes the
/// previous one and the one before is dropped. A lookup finds an entry in either, and one found
/// in the previous generation moves into the current one, so an entry used at least once per
/// generation stays. At most `2 × capacity` entries are held, and forgetting one costs a
/// database lookup, never a wrong answer (the database is the truth; this is a copy).
///
/// Clearing the whole map when it filled up (as the SQLite store did before) made every order of a
/// workload with more open orders than the limit miss again and again.
public struct RecentCache<Key: Hashable, Value> {
    public let capacity: Int
    private var current: [Key: Value] = [:]
    private var previous: [Key: Value] = [:]

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Entries held now (both generations; a key in both counts twice).
    public var count: Int { current.count + previous.count }

    public subscript(key: Key) -> Value? {
        mutating get {
            if let value = current[key] { return value }
            guard let value = previous.removeValue(forKey: key) else { return nil }
            insert(key, value)
            return value
        }
        set {
            if let newValue {
                insert(key, newValue)
            } else {
                current.removeValue(forKey: key)
                previous.removeValue(forKey: key)
            }
        }
    }

    private mutating func insert(_ key: Key, _ value: Value) {
        if current.count >= capacity, current[key] == nil {
            previous = current
            current = Dictionary(minimumCapacity: capacity)
        }
        current[key] = value
    }

    public mutating func removeAll() {
        current = [:]
        previous = [:]
    }
}
