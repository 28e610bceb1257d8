import LoomProtocol

/// The replies of a request's `n` choices, each its own wire request, merged into one sequence of
/// (choice index, event) in the order they arrive. Cancelling it, or cancelling the task that reads
/// it, drops every choice's stream, which cancels each at its worker.
struct ChoiceStreams: Sendable {
    struct Event: Sendable {
        let index: Int
        let event: GenerationStream.Event
    }

    let events: AsyncStream<Event>
    private let readers: [Task<Void, Never>]

    /// `streams`: each choice's by its index; a choice whose stream ended already is left out.
    init(_ streams: [(index: Int, stream: GenerationStream)]) {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let readers = streams.map { index, stream in
            Task {
                // After its FINAL or ERROR a stream ends; cancelled, it ends too (with ERROR internal,
                // which nobody reads by then).
                for await event in stream {
                    if Task.isCancelled { return }
                    continuation.yield(Event(index: index, event: event))
                }
            }
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination { for reader in readers { reader.cancel() } }
        }
        Task {
            for reader in readers { await reader.value }
            continuation.finish()
        }
        self.events = events
        self.readers = readers
    }

    /// Stops every choice still running.
    func cancel() {
        for reader in readers { reader.cancel() }
    }

    /// The seed of each of `count` choices: with a request seed, the first is that seed (a request
    /// with n = 1 answers as before) and the others follow from it by SplitMix64, so the request is
    /// reproducible; without one, `nil` each (the worker draws an independent one for each).
    static func seeds(_ seed: UInt64?, count: Int) -> [UInt64?] {
        guard let seed else { return Array(repeating: nil, count: count) }
        var generator = SplitMix64(seed: seed)
        return [seed] + (1..<max(count, 1)).map { _ in generator.next() }
    }
}
