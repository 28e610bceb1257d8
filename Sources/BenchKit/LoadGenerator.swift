import Foundation
import LoomProtocol
import Synchronization

/// Issues a run's requests, closed or open loop, until its request count or duration, or runs its
/// conversations turn by turn, and waits for those in flight. Requests are awaited on the cooperative pool; the clients' sockets are
/// served elsewhere (the HTTP client's on NIO's event loops, the ZeroMQ client's on its socket thread).
public struct LoadGenerator: Sendable {
    public let load: BenchConfiguration.Load
    public let stop: BenchConfiguration.Stop
    public let seed: UInt64
    /// Conversations: the mean pause before each turn after the first.
    public let thinkTime: Duration

    public init(load: BenchConfiguration.Load, stop: BenchConfiguration.Stop, seed: UInt64, thinkTime: Duration = .zero) {
        self.load = load
        self.stop = stop
        self.seed = seed
        self.thinkTime = thinkTime
    }

    public struct Run: Sendable {
        /// In the order they ended.
        public var records: [RequestRecord]
        /// Conversations only: the records of each turn (turn 1 first), each also in `records`.
        public var recordsByTurn: [[RequestRecord]] = []
        /// From the first request sent to the last one ended.
        public var duration: Duration
        public var peakConcurrency: Int

        public init(records: [RequestRecord], recordsByTurn: [[RequestRecord]] = [], duration: Duration, peakConcurrency: Int) {
            self.records = records
            self.recordsByTurn = recordsByTurn
            self.duration = duration
            self.peakConcurrency = peakConcurrency
        }
    }

    public func run(
        client: some GenerationClient, model: String, source: RequestSource, progress: RunProgress = RunProgress()
    ) async -> Run {
        let start = ContinuousClock.now
        let budget = RequestBudget(stop: stop, start: start)
        let records = Records()
        let send: @Sendable (BenchRequest, _ turn: Int?) async -> RequestRecord = { request, turn in
            progress.started()
            let record = await client.generate(request, model: model)
            if case .failure = record { progress.ended(failed: true) } else { progress.ended(failed: false) }
            records.append(record, turn: turn)
            return record
        }
        switch load {
        case .closed(let concurrency):
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        while let index = budget.take(at: .now) { _ = await send(source.request(index), nil) }
                    }
                }
            }
        case .conversations(let count, let turns, let concurrency):
            let conversations = RequestBudget(stop: .requests(count), start: start)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        while let index = conversations.take(at: .now) {
                            var conversation = source.conversation(index, turns: turns)
                            var pauses = ThinkTime(mean: thinkTime, seed: seed ^ UInt64(index))
                            while let request = conversation.nextRequest, let turn = conversation.nextTurn {
                                if turn > 1, let pause = pauses.next() { try? await Task.sleep(for: pause) }
                                // A failed turn ends its conversation: there is no answer to resend.
                                guard case .success(let timing) = await send(request, turn) else { break }
                                conversation.answered(timing.answer)
                            }
                        }
                    }
                }
            }
        case .open(let rate, let burstiness):
            var schedule = ArrivalSchedule(rate: rate, burstiness: burstiness, seed: seed)
            await withTaskGroup(of: Void.self) { group in
                var arrival = start
                while true {
                    arrival += .milliseconds(schedule.nextGap() * 1000)
                    guard budget.allows(arrival) else { break }
                    try? await Task.sleep(until: arrival, clock: .continuous)
                    guard let index = budget.take(at: arrival) else { break }
                    group.addTask { _ = await send(source.request(index), nil) }
                }
            }
        }
        let (all, byTurn) = records.all
        return Run(records: all, recordsByTurn: byTurn, duration: start.duration(to: .now), peakConcurrency: progress.peakInFlight)
    }
}

/// Hands out request indices until the count is reached or the time is up.
final class RequestBudget: Sendable {
    private let stop: BenchConfiguration.Stop
    private let start: ContinuousClock.Instant
    private let issued = Mutex(0)

    init(stop: BenchConfiguration.Stop, start: ContinuousClock.Instant) {
        self.stop = stop
        self.start = start
    }

    /// Whether a request may still be sent at `time` (ignoring the count).
    func allows(_ time: ContinuousClock.Instant) -> Bool {
        if case .duration(let duration) = stop { return start.duration(to: time) < duration }
        return true
    }

    /// The next index, or `nil` once the run is over.
    func take(at time: ContinuousClock.Instant) -> Int? {
        guard allows(time) else { return nil }
        return issued.withLock { issued in
            if case .requests(let count) = stop, issued >= count { return nil }
            defer { issued += 1 }
            return issued
        }
    }
}

/// Records as requests end, from many tasks: all of them, and a conversation's also by turn.
private final class Records: Sendable {
    private let records = Mutex<(all: [RequestRecord], byTurn: [[RequestRecord]])>(([], []))

    /// `turn` from 1, or `nil` for a request outside a conversation.
    func append(_ record: RequestRecord, turn: Int?) {
        records.withLock { records in
            records.all.append(record)
            guard let turn else { return }
            while records.byTurn.count < turn { records.byTurn.append([]) }
            records.byTurn[turn - 1].append(record)
        }
    }

    var all: (all: [RequestRecord], byTurn: [[RequestRecord]]) { records.withLock { $0 } }
}

/// A conversation's pauses before its next turns: exponentially distributed around a mean, seeded,
/// so that conversations drift apart as people's do instead of sending their turns in lockstep.
struct ThinkTime {
    let mean: Duration
    private var random: SplitMix64

    init(mean: Duration, seed: UInt64) {
        self.mean = mean
        random = SplitMix64(seed: seed ^ 0x7468_696E_6B00_0000)
    }

    /// The next pause; `nil` when the mean is zero.
    mutating func next() -> Duration? {
        guard mean > .zero else { return nil }
        let seconds = Double(mean.components.seconds) + Double(mean.components.attoseconds) / 1e18
        return .milliseconds(Int(-log(1 - random.unitInterval()) * seconds * 1000))
    }
}
