@testable import ControllerKit
import LoomProtocol
import Testing
import TestSupport

/// LOOMW1 and LOOMC1 frames, mutated and made up: every multi-part message decodes, on both sides, to
/// a message that encodes back to itself, or fails with a `WireError`; the relay's envelope agrees
/// with the decoder; and no length or count a header claims makes the reader allocate for it (the
/// peak resident memory of the run stays small). `ProtocolTests.FuzzTests` mutates whole frames; this
/// one also sets the header's varints (lengths, counts, sizes) to edge values in place and makes up
/// messages of many frames.
@Suite struct WireFuzzTests {
    @Test func mutatedAndMadeUpFramesDecodeOrFailWithAWireError() {
        let samples = WireSamples.frames
        var decoded = 0, refused = 0
        let (_, rise) = PeakMemory.rise {
            FuzzRun("wire", seed: 0x3143_0001, iterations: 20_000).run { rng, replay in
                let frames =
                    rng.oneIn(5) ? Self.madeUp(&rng) : Self.mutant(of: rng.element(samples), &rng)
                for side in [Subprotocol.worker, .client] {
                    if Self.check(frames, side, replay) { decoded += 1 } else { refused += 1 }
                }
            }
        }
        print("fuzz wire: \(decoded) decoded, \(refused) refused; peak rose \(PeakMemory.megabytes(rise))")
        #expect(decoded > 1000 && refused > 20_000)
        // Every mutant is a few kB; a reader that allocated for a claimed count would take gigabytes.
        if let rise { #expect(rise < 64_000_000, "the wire fuzz run made \(PeakMemory.megabytes(rise)) resident") }
    }

    /// True when `side` decodes the frames. A decoded message round-trips; a refusal is a `WireError`
    /// (the typed throw says so) that the controller can say as a sentence.
    static func check(_ frames: [[UInt8]], _ side: Subprotocol, _ replay: String) -> Bool {
        let accepted: Bool
        do throws(WireError) {
            switch side {
            case .worker:
                let message = try WorkerMessage.decode(frames, limits: .default)
                #expect(try WorkerMessage.decode(message.encode(), limits: .default) == message, "\(replay)")
            case .client:
                let message = try ClientMessage.decode(frames, limits: .default)
                #expect(try ClientMessage.decode(message.encode(), limits: .default) == message, "\(replay)")
            }
            accepted = true
        } catch {
            #expect(!error.sentence.message.isEmpty, "\(replay)")
            accepted = false
        }
        // The relay reads only the envelope; it must not take what the decoder refuses at frame level.
        let envelope = try? Envelope(frames, from: side)
        if accepted { #expect(envelope != nil, "a decodable message has no envelope: \(replay)") }
        return accepted
    }

    /// A varint of `value` (LEB128, as the wire writes uints).
    static func varint(_ value: UInt64) -> [UInt8] {
        var writer = WireWriter()
        writer.writeUInt(value)
        return writer.bytes
    }

    static func mutant(of valid: [[UInt8]], _ rng: inout SplitMix64) -> [[UInt8]] {
        var frames = valid
        let header = 2
        switch rng.below(6) {
        case 0, 1, 2:
            // A varint in the header replaced by an edge value: where a length or count is, the
            // reader must check it against the bytes left and its limit before allocating.
            let edges: [UInt64] = [0, 1, 127, 128, 255, 256, 4096, 1 << 20, (1 << 20) + 1, 1 << 31, 1 << 32, (1 << 63) - 1, 1 << 63, .max]
            var bytes = frames[header]
            guard !bytes.isEmpty else { break }
            // A varint starts after a byte below 0x80 (the end of the previous one) or at 0.
            let starts = [0] + bytes.indices.dropLast().filter { bytes[$0] < 0x80 }.map { $0 + 1 }
            let start = rng.element(starts)
            var end = start
            while end < bytes.count, bytes[end] >= 0x80 { end += 1 }
            let value = rng.oneIn(3) ? UInt64(rng.below(1 << 16)) : rng.element(edges)
            var encoded = varint(value)
            // Sometimes an over-long encoding: ten bytes or more of continuation.
            if rng.oneIn(8) { encoded = [UInt8](repeating: 0xFF, count: 10 + rng.below(3)) + [0x01] }
            bytes.replaceSubrange(start..<min(end + 1, bytes.count), with: encoded)
            frames[header] = bytes
        case 3:
            frames[header] = rng.mutate(frames[header], rounds: 4)
        case 4:
            // Body frames added, dropped or resized.
            if rng.oneIn(2), frames.count > 3 {
                frames.remove(at: 3 + rng.below(frames.count - 3))
            } else {
                frames.append(rng.bytes(rng.below(64)))
            }
        default:
            // The command byte or the signature changed.
            if rng.oneIn(2) {
                frames[1] = rng.oneIn(4) ? [] : [UInt8(rng.below(20))] + (rng.oneIn(8) ? [0] : [])
            } else {
                frames[0] = rng.mutate(frames[0], rounds: 1)
            }
        }
        return frames
    }

    /// Frames from nothing: a signature (right or not), a command, then random frames, up to more
    /// than the limit allows.
    static func madeUp(_ rng: inout SplitMix64) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        let count = rng.below(25)
        for index in 0..<count {
            switch index {
            case 0: frames.append(rng.oneIn(4) ? rng.bytes(rng.below(8)) : rng.element([Subprotocol.worker.signature, Subprotocol.client.signature]))
            case 1: frames.append([UInt8(rng.below(16))])
            default: frames.append(rng.bytes(rng.below(48)))
            }
        }
        return frames
    }
}
