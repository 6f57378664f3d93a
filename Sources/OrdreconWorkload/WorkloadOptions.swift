public import OrdreconCore

/// What to generate: how many orders, from which seed, with or without injected faults, how the
/// orders' lives are laid out over the files, and in which formats.
public struct WorkloadOptions: Sendable {
    /// How the events of the orders are laid out over time and files.
    public enum Lifecycle: String, Sendable, CaseIterable {
        /// Waves of orders (``ordersPerWave`` a simulated day), each written stage by stage: all
        /// creations of the wave, then all payments, and so on; at most a wave is open at once.
        case waves
        /// A simulated timeline: orders placed steadily, each order's steps days apart, events
        /// written in time order into one file per feed and window of ``windowHours`` hours, so
        /// tens of thousands of orders are open at once and a file holds orders of many days.
        case spread
    }

    /// Which file formats to write.
    public enum Formats: String, Sendable, CaseIterable {
        /// CSV, JSON and JSON Lines in turn.
        case mixed
        /// Every file CSV.
        case csv
    }

    /// Number of orders (each becomes about six events).
    public var orders: Int
    /// Seed of the generator: the same seed gives the same bytes.
    public var seed: UInt64
    /// Whether to inject rejected events, duplicates and bad files (about 2–3 % of events);
    /// ``Lifecycle/spread`` needs `false`.
    public var faults: Bool
    /// Orders per wave; every wave is written dependencies first, then the next wave.
    public var ordersPerWave: Int
    /// When the first order of the workload is placed.
    public var startDate: Timestamp
    public var lifecycle: Lifecycle
    public var formats: Formats
    /// The most valid events in one file: a larger set is split into parts (injected faults may
    /// add a few to a waves file). Nil: ``defaultFileEvents``, and a waves workload of fewer than
    /// three waves also splits each stage into about three files (so that small workloads have
    /// events of a kind in several files).
    public var fileEvents: Int?
    /// ``Lifecycle/spread`` only: the simulated hours each feed's file covers.
    public var windowHours: Int

    /// 2026-03-01T09:00:00+05:30.
    public static let defaultStartDate = Timestamp(milliseconds: 1_772_335_800_000)
    public static let defaultFileEvents = 10_000
    public static let defaultWindowHours = 6

    public init(
        orders: Int,
        seed: UInt64 = 1,
        faults: Bool = true,
        ordersPerWave: Int = 5000,
        startDate: Timestamp = WorkloadOptions.defaultStartDate,
        lifecycle: Lifecycle = .waves,
        formats: Formats = .mixed,
        fileEvents: Int? = nil,
        windowHours: Int = WorkloadOptions.defaultWindowHours
    ) {
        self.orders = orders
        self.seed = seed
        self.faults = faults
        self.ordersPerWave = ordersPerWave
        self.startDate = startDate
        self.lifecycle = lifecycle
        self.formats = formats
        self.fileEvents = fileEvents
        self.windowHours = windowHours
    }
}
