import LoomProtocol
import Testing
import TestSupport

/// Seeded random and mutated input: every message either decodes to one that survives a round
/// trip, or throws a `WireError`. A trap would end the test process.
@Suite struct FuzzTests {
    @Test func randomValidMessagesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5EED_0001)
        for _ in 0..<3_000 {
            let message = rng.workerMessage()
            #expect(try WorkerMessage.decode(message.encode()) == message)
        }
    }

    @Test func randomAndMutatedMessagesDecodeOrThrow() {
        let seed: UInt64 = 0x5EED_0002
        var rng = SplitMix64(seed: seed)
        let samples = Samples.encodedFrames(imageBytes: 48)
        var decoded = 0
        var rejected = 0
        for iteration in 0..<12_000 {
            let frames = Mutation.apply(&rng, to: samples[Int(rng.next() % UInt64(samples.count))].frames)
            let limits = rng.next() % 4 == 0 ? Self.tightLimits : .default
            for side in [Subprotocol.worker, .client] {
                let accepted = Self.check(frames, side, limits, "seed \(seed) iteration \(iteration)")
                if accepted { decoded += 1 } else { rejected += 1 }
            }
        }
        print("fuzz: \(decoded) decoded, \(rejected) rejected")
        // Both outcomes must be common, or the mutations test nothing.
        #expect(decoded > 500)
        #expect(rejected > 10_000)
    }

    /// Decodes on one side; a decoded message must re-encode to itself, and its relay envelope must agree.
    private static func check(_ frames: [[UInt8]], _ side: Subprotocol, _ limits: WireLimits, _ context: String) -> Bool {
        let accepted =
            switch side {
            case .worker: roundTrips(WorkerMessage.self, frames, limits, context)
            case .client: roundTrips(ClientMessage.self, frames, limits, context)
            }
        guard let envelope = try? Envelope(frames, from: side, limits: limits) else {
            #expect(!accepted, "a decodable message has no envelope: \(context)")
            return accepted
        }
        // The relay forwards without decoding; the other side then decides exactly as this side would.
        let other: Subprotocol = side == .worker ? .client : .worker
        if let forwarded = try? envelope.forwarded(to: other) {
            let acceptedThere = (try? decode(forwarded, other, limits: limits)) != nil
            #expect(acceptedThere == accepted, "relay changed the verdict: \(context)")
        }
        return accepted
    }

    private static func roundTrips<M: WireMessage>(_: M.Type, _ frames: [[UInt8]], _ limits: WireLimits, _ context: String) -> Bool {
        guard let message = try? M.decode(frames, limits: limits) else { return false }
        #expect((try? M.decode(message.encode(), limits: limits)) == message, "\(context)")
        return true
    }

    private static let tightLimits = {
        var limits = WireLimits()
        limits.maxHeaderBytes = 200
        limits.maxBodyFrames = 1
        limits.maxBodyBytes = 40
        limits.maxTotalBodyBytes = 40
        limits.maxNameBytes = 8
        limits.maxTextBytes = 16
        limits.maxStopStrings = 2
        limits.maxMessages = 2
        limits.maxContentParts = 2
        limits.maxModels = 1
        limits.maxWorkers = 1
        limits.maxImageKeys = 2
        limits.maxTokenIds = 2
        return limits
    }()
}

/// Ways to spoil a valid message, or to make frames from nothing.
private enum Mutation: CaseIterable {
    case randomFrames, randomHeader, flipBytes, truncate, extend, insertBytes, insertHugeVarint
    case dropFrame, duplicateFrame, otherSignature

    static func apply(_ rng: inout SplitMix64, to valid: [[UInt8]]) -> [[UInt8]] {
        var frames = valid
        let header = 2
        switch rng.pick(Mutation.self) {
        case .randomFrames:
            frames = rng.list(max: 6) { $0.bytes(Int($0.next() % 25)) }
        case .randomHeader:
            frames = [rng.next() % 2 == 0 ? Subprotocol.worker.signature : Subprotocol.client.signature,
                      [UInt8(rng.next() % 12)], rng.bytes(Int(rng.next() % 49))]
            frames += rng.list(max: 2) { $0.bytes(Int($0.next() % 8)) }
        case .flipBytes:
            for _ in 0..<(1 + rng.next() % 4) {
                let frame = rng.next() % 8 == 0 ? Int(rng.next() % UInt64(frames.count)) : header
                guard !frames[frame].isEmpty else { continue }
                let index = Int(rng.next() % UInt64(frames[frame].count))
                frames[frame][index] ^= UInt8(truncatingIfNeeded: 1 + rng.next() % 255)
            }
        case .truncate:
            frames[header] = Array(frames[header].prefix(Int(rng.next() % UInt64(frames[header].count + 1))))
        case .extend:
            frames[header] += rng.bytes(1 + Int(rng.next() % 8))
        case .insertBytes:
            let at = Int(rng.next() % UInt64(frames[header].count + 1))
            frames[header].insert(contentsOf: rng.bytes(1 + Int(rng.next() % 4)), at: at)
        case .insertHugeVarint:
            let at = Int(rng.next() % UInt64(frames[header].count + 1))
            frames[header].insert(contentsOf: Array(repeating: 0xFF, count: Int(rng.next() % 9)) + [0x01], at: at)
        case .dropFrame:
            frames.remove(at: Int(rng.next() % UInt64(frames.count)))
        case .duplicateFrame:
            let frame = frames[Int(rng.next() % UInt64(frames.count))]
            frames.insert(frame, at: Int(rng.next() % UInt64(frames.count + 1)))
        case .otherSignature:
            frames[0] = frames[0] == Subprotocol.worker.signature ? Subprotocol.client.signature : Subprotocol.worker.signature
        }
        return frames
    }
}
