import Foundation
import Synchronization

/// Long enough for any healthy exchange on loopback; only reached when something is broken.
let patience: Duration = .seconds(5)

/// Polls `condition` until it holds or `timeout` passes; whether it came to hold.
func eventually(within timeout: Duration = patience, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return await condition()
}

/// Items one thread puts and a test awaits, each wait bounded: never a hang.
final class AsyncInbox<Item: Sendable>: Sendable {
    private let items = Mutex<[Item]>([])

    func put(_ item: Item) {
        items.withLock { $0.append(item) }
    }

    /// The oldest item that satisfies `matching`, taken out; `nil` if none came within `timeout`.
    func next(within timeout: Duration = patience, where matching: (Item) -> Bool = { _ in true }) async -> Item? {
        var found: Item?
        _ = await eventually(within: timeout) {
            found = items.withLock { items in
                items.firstIndex(where: matching).map { items.remove(at: $0) }
            }
            return found != nil
        }
        return found
    }

    /// Everything received so far, taken out.
    func drain() -> [Item] {
        items.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }

    var count: Int { items.withLock(\.count) }
}

/// A value shared between a test and a socket thread.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    var value: Value { mutex.withLock { $0 } }

    func update(_ change: @Sendable (inout Value) -> Void) {
        mutex.withLock { change(&$0) }
    }
}
