/// A binary min-heap: the chats waiting for their buckets, ordered by when they become ready.
struct PacingHeap<Element: Comparable> {
    private var storage: [Element] = []

    var isEmpty: Bool { storage.isEmpty }
    var count: Int { storage.count }
    var min: Element? { storage.first }

    mutating func insert(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    /// Drops the matching elements and restores the heap order: O(n).
    mutating func removeAll(where shouldRemove: (Element) -> Bool) {
        let kept = storage.filter { !shouldRemove($0) }
        storage = []
        storage.reserveCapacity(kept.count)
        for element in kept { insert(element) }
    }

    @discardableResult
    mutating func popMin() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let smallest = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < storage.count, storage[left] < storage[best] { best = left }
            if right < storage.count, storage[right] < storage[best] { best = right }
            guard best != parent else { break }
            storage.swapAt(parent, best)
            parent = best
        }
        return smallest
    }
}

extension PacingHeap: Sendable where Element: Sendable {}
