/// A double-ended queue with O(1) amortized push at both ends and pop at the front: what the per-chat queues and the
/// round-robin rings need (Foundation has none).
struct PacingDeque<Element> {
    /// Elements pushed at the front, the first one last.
    private var front: [Element] = []
    private var back: [Element] = []
    private var backStart = 0

    var isEmpty: Bool { front.isEmpty && backStart == back.count }
    var count: Int { front.count + back.count - backStart }
    var first: Element? { front.last ?? (backStart < back.count ? back[backStart] : nil) }

    mutating func pushBack(_ element: Element) { back.append(element) }
    mutating func pushFront(_ element: Element) { front.append(element) }

    @discardableResult
    mutating func popFront() -> Element? {
        if let element = front.popLast() { return element }
        guard backStart < back.count else { return nil }
        let element = back[backStart]
        backStart += 1
        if backStart == back.count {
            back.removeAll(keepingCapacity: true)
            backStart = 0
        } else if backStart >= 64, backStart * 2 >= back.count {
            back.removeFirst(backStart)
            backStart = 0
        }
        return element
    }
}

extension PacingDeque: Sendable where Element: Sendable {}
