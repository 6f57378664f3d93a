import OrdreconCore

/// One planned event of the spread timeline: which order (by its slot), which step, when.
struct PendingStep: Sendable {
    var time: Int64
    /// Tie-breaker: the order in which steps were planned.
    var sequence: UInt64
    var slot: Int32
    var stage: Stage
    /// The return's index among its order's returns (return stages only).
    var returnIndex: UInt8

    @inline(__always)
    func precedes(_ other: PendingStep) -> Bool {
        time < other.time || (time == other.time && sequence < other.sequence)
    }
}

/// An order of the spread timeline that still has events to come.
struct OpenOrder: Sendable {
    var plan: OrderPlan
    var returns: [ReturnPlan]
    /// Events not yet emitted.
    var remaining: Int
    /// Where the order's last emitted event went: `window * 8 + feed rank` (-1: none yet).
    var orderPlace: Int64 = -1
    /// The same for each return.
    var returnPlaces: [Int64]
}

/// The spread lifecycle's simulated timeline: orders are placed at a steady rate, each order's
/// steps are planned at once (``LifecycleTiming/spread``) and kept in a priority queue by time, and
/// ``next(nextReturnNumber:rng:)`` hands them out in time order. Only the orders that still have
/// events to come are in memory.
struct SpreadTimeline {
    /// Orders placed per simulated day for a workload of `orders` orders: 20 × √orders (about
    /// 4,900 a day for 60,000 orders, 8,500 for 180,000, 19,000 for 900,000). An order stays open
    /// about a week (paid, packed, shipped, delivered), so about 6–7 days' orders are open at once
    /// once placing has run that long; placing lasts √orders / 20 days (12 days for 60,000).
    static func ordersPerDay(for orders: Int) -> Int {
        max(1, Int((20 * Double(orders).squareRoot()).rounded()))
    }

    let total: Int
    let start: Int64
    let ordersPerDay: Int
    private(set) var placed = 0
    /// When the next order is placed.
    private var nextPlacement: Int64
    private var heap: [PendingStep] = []
    private var sequence: UInt64 = 0
    private(set) var slots: [OpenOrder?] = []
    private var freeSlots: [Int32] = []
    /// Orders placed that still have events to come.
    private(set) var openCount = 0

    init(orders: Int, start: Int64, rng: inout SplitMix64) {
        total = orders
        self.start = start
        ordersPerDay = SpreadTimeline.ordersPerDay(for: orders)
        nextPlacement = start
        if orders > 0 { nextPlacement = placementTime(0, &rng) }
    }

    /// The placing time of the `index`th order: evenly spread, each within its own share of the day.
    private func placementTime(_ index: Int, _ rng: inout SplitMix64) -> Int64 {
        let base = Int64(index) * 86_400 / Int64(ordersPerDay)
        let next = Int64(index + 1) * 86_400 / Int64(ordersPerDay)
        return start + base + rng.int64(0...max(0, next - base - 1))
    }

    /// The next event in time order (placing orders as their time comes), or nil at the end.
    mutating func next(nextReturnNumber: inout Int, rng: inout SplitMix64) -> PendingStep? {
        while placed < total, heap.isEmpty || nextPlacement <= heap[0].time {
            place(nextReturnNumber: &nextReturnNumber, rng: &rng)
        }
        return pop()
    }

    /// Counts an emitted event of `slot`; true when it was the order's last (its slot is freed).
    mutating func emitted(_ slot: Int32) -> Bool {
        slots[Int(slot)]!.remaining -= 1
        guard slots[Int(slot)]!.remaining == 0 else { return false }
        slots[Int(slot)] = nil
        freeSlots.append(slot)
        openCount -= 1
        return true
    }

    mutating func setPlace(_ slot: Int32, returnIndex: Int?, _ place: Int64) {
        if let returnIndex {
            slots[Int(slot)]!.returnPlaces[returnIndex] = place
        } else {
            slots[Int(slot)]!.orderPlace = place
        }
    }

    private mutating func place(nextReturnNumber: inout Int, rng: inout SplitMix64) {
        let (plan, returns) = WavePlanner.planOrder(
            number: placed + 1, created: nextPlacement, templated: WavePlanner.templateFate(placed),
            timing: .spread, nextReturnNumber: &nextReturnNumber, rng: &rng)
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = Int32(slots.count)
            slots.append(nil)
        }
        var count = 0
        for stage in Stage.allCases where !stage.isReturnStage && plan.reaches(stage) {
            push(PendingStep(time: plan.time(of: stage), sequence: 0, slot: slot, stage: stage, returnIndex: 0))
            count += 1
        }
        for (r, ret) in returns.enumerated() {
            for stage in Stage.allCases where stage.isReturnStage && ret.reaches(stage) {
                push(
                    PendingStep(time: ret.time(of: stage), sequence: 0, slot: slot, stage: stage, returnIndex: UInt8(r))
                )
                count += 1
            }
        }
        slots[Int(slot)] = OpenOrder(
            plan: plan, returns: returns, remaining: count, returnPlaces: Array(repeating: -1, count: returns.count))
        openCount += 1
        placed += 1
        if placed < total { nextPlacement = placementTime(placed, &rng) }
    }

    // MARK: - The priority queue (a binary min-heap by time, then planning order)

    private mutating func push(_ step: PendingStep) {
        var step = step
        step.sequence = sequence
        sequence += 1
        heap.append(step)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func pop() -> PendingStep? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            let count = heap.count
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                var smallest = left
                if left + 1 < count, heap[left + 1].precedes(heap[left]) { smallest = left + 1 }
                guard heap[smallest].precedes(heap[parent]) else { break }
                heap.swapAt(smallest, parent)
                parent = smallest
            }
        }
        return first
    }
}
