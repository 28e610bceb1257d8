import LoomProtocol
import Testing

/// The image encoder's fields: FINAL's image timings and the heartbeat's vision counters, at the
/// end of their headers (docs/protocol.md sections 4.2 and 4.5).
@Suite struct ImageEncodingWireTests {
    static let final = Final(
        requestId: "a", finishReason: .stop, usage: Usage(promptTokens: 1, imageTokens: 2, completionTokens: 3),
        timings: Timings(
            queueMs: 0, timeToFirstTokenMs: 0, decodeTokensPerSecond: 0, totalMs: 0, imageQueueMs: 1.5, imageEncodeMs: 2))

    @Test func finalHeaderEndsWithTheImageTimings() throws {
        let header = WorkerMessage.final(Self.final).encode()[2]
        let expected: [UInt8] =
            [1, 0x61, 0, 1, 2, 3, 0]  // request_id, finish_reason, prompt, image, completion, cached tokens
            + Array(repeating: 0, count: 32)  // queue_ms, time_to_first_token_ms, decode_tokens_per_second, total_ms
            + [0, 0, 0, 0, 0, 0, 0xF8, 0x3F]  // image_queue_ms 1.5
            + [0, 0, 0, 0, 0, 0, 0, 0x40]  // image_encode_ms 2.0
        #expect(header == expected)
        #expect(try ClientMessage.decode(ClientMessage.final(Self.final).encode()) == .final(Self.final))
    }

    @Test func heartbeatLoadEndsWithTheVisionCounters() throws {
        let load = WorkerLoad(
            waiting: 0, running: 0, kvBlocksUsed: 0, kvBlocksTotal: 0, tokensPerSecond: 0, recentImages: [],
            vision: VisionCounters(imagesEncoded: 300, encodeSeconds: 0.5, queueDepth: 2))
        let header = WorkerMessage.heartbeat(load).encode()[2]
        let expected: [UInt8] =
            [1, 0, 0, 0, 0]  // load present; waiting, running, kv_used, kv_total
            + Array(repeating: 0, count: 8) + [0]  // tokens_per_second, recent_images
            + [0, 0, 0, 0]  // prefix_queried, prefix_hits, prefix_blocks, prefix_evictions
            + [0xAC, 0x02]  // images_encoded 300
            + [0, 0, 0, 0, 0, 0, 0xE0, 0x3F]  // image_encode_seconds 0.5
            + [2]  // image_queue_depth
        #expect(header == expected)
        #expect(try WorkerMessage.decode(WorkerMessage.heartbeat(load).encode()) == .heartbeat(load))
    }

    @Test func statusReplyCarriesEachWorkersVisionCounters() throws {
        guard case .statusReply(let decoded) = try ClientMessage.decode(ClientMessage.statusReply(Samples.status).encode()) else {
            Issue.record("not a STATUS_REPLY")
            return
        }
        #expect(decoded.workers.first?.load.vision == VisionCounters(imagesEncoded: 318, encodeSeconds: 95.375, queueDepth: 4))
    }

    /// Callers written before the image fields compile unchanged and say "no images encoded".
    @Test func theImageFieldsDefaultToZero() {
        let timings = Timings(queueMs: 1, timeToFirstTokenMs: 2, decodeTokensPerSecond: 3, totalMs: 4)
        #expect(timings.imageQueueMs == 0 && timings.imageEncodeMs == 0)
        let load = WorkerLoad(waiting: 1, running: 2, kvBlocksUsed: 3, kvBlocksTotal: 4, tokensPerSecond: 5, recentImages: [])
        #expect(load.vision == VisionCounters(imagesEncoded: 0, encodeSeconds: 0, queueDepth: 0))
    }

    /// A peer built before the image fields sends headers that stop short of them: not a version
    /// this codec reads, and it says which field is missing (docs/protocol.md section 11).
    @Test func headersWithoutTheImageFieldsAreTruncated() {
        var frames = WorkerMessage.final(Self.final).encode()
        frames[2].removeLast(16)
        #expect(throws: WireError.truncated(field: "image_queue_ms", offset: frames[2].count)) {
            try WorkerMessage.decode(frames)
        }
        var heartbeat = WorkerMessage.heartbeat(Samples.load).encode()
        heartbeat[2].removeLast(3 + 8)  // images_encoded 318 takes two bytes, image_queue_depth one
        #expect(throws: WireError.truncated(field: "load.images_encoded", offset: heartbeat[2].count)) {
            try WorkerMessage.decode(heartbeat)
        }
    }
}
