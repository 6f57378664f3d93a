import CSQLite
import OrdreconCore

/// A fixed buffer that statement parameters are copied into once, then bound without SQLite
/// copying them again (SQLITE_STATIC): saves an allocation and a free per text parameter on
/// the hot inserts and updates.
///
/// Discipline that makes this safe: ``reset()`` is called before binding a statement's texts,
/// and every statement binds all of its parameters before each run, so no statement ever runs
/// on bytes another statement has overwritten. Texts that do not fit are bound as copies.
final class TextArena {
    private let capacity: Int
    private let base: UnsafeMutableRawPointer
    private var used = 0

    init(capacity: Int = 1 << 16) {
        self.capacity = capacity
        self.base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// Starts over for the next statement.
    func reset() { used = 0 }

    /// Binds `text` (or NULL) to parameter `index` of `statement`.
    /// - Throws: ``StoreError`` when SQLite refuses the binding (see ``Statement``).
    func bind(_ statement: Statement, _ index: Int32, _ text: String?) throws(StoreError) {
        guard let text else {
            try statement.bind(index, nil as String?)
            return
        }
        let count = text.utf8.count
        guard count <= capacity - used else {
            try statement.bind(index, text)  // too large for the arena: SQLite copies it
            return
        }
        let start = base + used
        let copied: Bool =
            text.utf8.withContiguousStorageIfAvailable { bytes in
                if let source = bytes.baseAddress { start.copyMemory(from: source, byteCount: count) }
                return true
            } ?? false
        if !copied {
            var offset = 0
            for byte in text.utf8 {
                start.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
                offset += 1
            }
        }
        used += count
        let rc = sqlite3_bind_text(
            statement.handle, index, start.assumingMemoryBound(to: CChar.self), Int32(count), nil)
        try statement.checkBind(rc, index)
    }
}
