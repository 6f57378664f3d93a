/// What the kernel reported about the inbox during one ``InboxWatcher/wait(timeout:)``.
///
/// A name is in at most one of ``closedOrMovedIn`` and ``modified``: its last event decides.
/// ``removed`` lists names deleted or moved away at any point of the batch; apply it first.
public struct WatchEvents: Sendable {
    /// Files closed after writing, or renamed or moved into a feed folder, and not written since.
    public var closedOrMovedIn: [(feed: String, name: String)] = []
    /// Files created or written to since their last close: still being written.
    public var modified: [(feed: String, name: String)] = []
    /// Files deleted or moved out of a feed folder.
    public var removed: [(feed: String, name: String)] = []
    /// The kernel's event queue overflowed and events were lost: the caller must rescan.
    public var overflowed = false
    /// A feed folder (or the root) appeared, went away or was watched again: the caller should rescan.
    public var foldersChanged = false
    /// ``InboxWatcher/wake()`` ended the wait.
    public var woken = false

    /// Whether nothing happened.
    public var isEmpty: Bool {
        closedOrMovedIn.isEmpty && modified.isEmpty && removed.isEmpty && !overflowed && !foldersChanged && !woken
    }
}

extension WatchEvents {
    /// Collects one wait's events, keeping each name's last state.
    struct Collector {
        var events = WatchEvents()
        private var order: [FileReadiness.Key] = []
        private var complete: [FileReadiness.Key: Bool] = [:]
        private var removedKeys: Set<FileReadiness.Key> = []

        var isEmpty: Bool { events.isEmpty && order.isEmpty && removedKeys.isEmpty }

        mutating func written(_ feed: String, _ name: String, complete isComplete: Bool) {
            let key = FileReadiness.Key(feed: feed, name: name)
            if complete.updateValue(isComplete, forKey: key) == nil { order.append(key) }
        }

        mutating func removed(_ feed: String, _ name: String) {
            let key = FileReadiness.Key(feed: feed, name: name)
            complete[key] = nil
            if removedKeys.insert(key).inserted { events.removed.append((feed, name)) }
        }

        /// The events, with each written name in the list its last event puts it in.
        var built: WatchEvents {
            var result = events
            var seen: Set<FileReadiness.Key> = []
            for key in order where seen.insert(key).inserted {
                switch complete[key] {
                case true?: result.closedOrMovedIn.append((key.feed, key.name))
                case false?: result.modified.append((key.feed, key.name))
                case nil: break
                }
            }
            return result
        }
    }
}
