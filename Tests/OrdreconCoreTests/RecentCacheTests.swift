import OrdreconCore
import Testing

/// The store's bounded cache of orders and returns keeps what is used and holds at most two
/// generations.
@Suite struct RecentCacheTests {
    @Test func anEntryUsedOncePerGenerationStays() {
        var cache = RecentCache<Int, String>(capacity: 3)
        cache[0] = "kept"
        for key in 1...20 {
            cache[key] = "v\(key)"
            if key % 2 == 0 { #expect(cache[0] == "kept") }  // read back into the current generation
            #expect(cache.count <= 6)
        }
        #expect(cache[0] == "kept")
        // An entry nobody asked for is forgotten after two generations; the newest are there.
        #expect(cache[1] == nil)
        #expect(cache[20] == "v20")
    }

    @Test func overwritingAndRemovingSeeTheNewestValue() {
        var cache = RecentCache<String, Int>(capacity: 2)
        cache["a"] = 1
        cache["b"] = 2
        cache["c"] = 3  // "a" and "b" move to the previous generation
        cache["a"] = 10  // newer value in the current one
        #expect(cache["a"] == 10)
        cache["a"] = nil
        #expect(cache["a"] == nil)
        cache.removeAll()
        #expect(cache["c"] == nil && cache.count == 0)
    }
}
