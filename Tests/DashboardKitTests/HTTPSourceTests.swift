import Foundation
@testable import DashboardKit
import LoomProtocol
import Testing

@Suite("Reading the HTTP API")
struct HTTPSourceTests {
    @Test func prometheusSamplesAreParsedWithTheirLabels() {
        let text = """
            # HELP loom_requests_total Requests ended, by outcome.
            # TYPE loom_requests_total counter
            loom_requests_total{outcome="length"} 12
            loom_requests_total{outcome="worker_lost"} 2
            loom_worker_up{worker="a \\"quoted\\" \\\\ one"} 1
            loom_queue_length 4
            not a sample
            """
        let samples = PrometheusSample.parse(text)
        #expect(samples.count == 4)
        #expect(samples.total("loom_requests_total") == 14)
        #expect(samples.total("loom_requests_total") { $0["outcome"] == "worker_lost" } == 2)
        #expect(samples.first { $0.name == "loom_worker_up" }?.labels["worker"] == "a \"quoted\" \\ one")
        #expect(samples.total("loom_queue_length") == 4)
    }

    @Test func ratesComeFromSuccessivePolls() {
        var history = CounterHistory(rateSpan: 10)
        for second in 0...20 {
            history.add(.init(requests: Double(second * 2), tokens: Double(second * 100), errors: Double(second / 10)), at: Double(second))
        }
        #expect(history.requestsPerSecond == 2)
        #expect(history.tokensPerSecond == 100)
        #expect(history.errorsLastMinute == 2)
        // A controller restart: totals fall, the history starts over.
        history.add(.init(requests: 1, tokens: 10, errors: 0), at: 21)
        #expect(history.requestsPerSecond == 0 && history.errorsLastMinute == 0)
    }

    @Test func theWorkerListDecodesAsTheControllerWritesIt() throws {
        let json = """
            {"data":[{"capacity":{"kv_block_tokens":16,"kv_blocks":64,"max_running":32},"heartbeat_age_ms":188,"host":"vm",\
            "id":"wa","load":{"kv_blocks_total":64,"kv_blocks_used":8,"recent_images":0,"running":2,"tokens_per_second":12.5,\
            "waiting":1},"models":["tiny-llama-f32"],"state":"busy","version":"0.1.0"}],"object":"list"}
            """
        let workers = try JSONDecoder().decode(WorkerListDocument.self, from: Data(json.utf8)).workers
        #expect(workers.count == 1)
        #expect(workers[0].id == "wa" && workers[0].state == .busy && workers[0].heartbeatAgeMs == 188)
        #expect(workers[0].load.kvBlocksUsed == 8 && workers[0].load.waiting == 1 && workers[0].load.tokensPerSecond == 12.5)
        #expect(workers[0].models.map(\.name) == ["tiny-llama-f32"])
        #expect(workers[0].load.prefixCache == PrefixCacheCounters(), "a controller that does not write it: zeros")
        #expect(workers[0].load.vision == VisionCounters(), "a controller that does not write it: zeros")
    }

    @Test func theWorkerListCarriesTheImageEncoderThereAndBack() throws {
        var worker = Samples.worker("wa", state: .busy, running: 2, kvUsed: 8, tokensPerSecond: 12.5)
        worker.load.vision = VisionCounters(imagesEncoded: 318, encodeSeconds: 95.375, queueDepth: 4)
        let json = try JSONEncoder().encode(WorkerListDocument([worker]))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let load = try #require(((object["data"] as? [[String: Any]])?.first)?["load"] as? [String: Any])
        let vision = try #require(load["vision"] as? [String: Any])
        #expect(vision["images_encoded"] as? Int == 318 && vision["encode_seconds"] as? Double == 95.375
                && vision["queue_depth"] as? Int == 4)
        let decoded = try JSONDecoder().decode(WorkerListDocument.self, from: json).workers
        #expect(decoded.first?.load == worker.load)
    }

    @Test func theWorkerListCarriesThePrefixCacheThereAndBack() throws {
        let counters = PrefixCacheCounters(queriedTokens: 90_210, hitTokens: 81_000, cachedBlocks: 700, evictions: 12)
        let worker = Samples.worker("wa", state: .busy, running: 2, kvUsed: 8, tokensPerSecond: 12.5, prefixCache: counters)
        let json = try JSONEncoder().encode(WorkerListDocument([worker]))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let load = try #require(((object["data"] as? [[String: Any]])?.first)?["load"] as? [String: Any])
        #expect(load["prefix_cache"] as? [String: Int]
                == ["queried_tokens": 90_210, "hit_tokens": 81_000, "cached_blocks": 700, "evictions": 12])
        let decoded = try JSONDecoder().decode(WorkerListDocument.self, from: json).workers
        #expect(decoded.first?.load == worker.load)
    }
}
