import ControllerKit
import LoomProtocol
import MetricsTestKit
import Prometheus
import Testing

/// What the controller records through swift-metrics, read back from a test factory.
@Suite("Metrics")
struct MetricsTests {
    @Test func timersMeasureEachStepOfARequest() throws {
        var harness = RelayHarness()
        harness.ready("a")
        harness.request("x")
        let dispatch = try #require(harness.take().dispatched.first)
        harness.advance(milliseconds: 50)
        harness.worker("a", partial(dispatch.id, 1))
        harness.advance(milliseconds: 30)
        // Three tokens in one PARTIAL: each counts as a third of the gap.
        harness.worker("a", partial(dispatch.id, 4))
        harness.worker("a", final(dispatch.id, tokens: 4))
        let millisecond: Int64 = 1_000_000
        #expect(try harness.metrics.expectTimer("loom_time_to_first_token_seconds").values == [50 * millisecond])
        #expect(try harness.metrics.expectTimer("loom_inter_token_latency_seconds").values == Array(repeating: 10 * millisecond, count: 3))
        #expect(try harness.metrics.expectTimer("loom_e2e_request_latency_seconds").values == [80 * millisecond])
        #expect(harness.total("loom_generation_tokens_total") == 4)
        #expect(harness.total("loom_prompt_tokens_total") == 4)
    }

    @Test func undecodableMessagesAreCountedButNotTimed() throws {
        var harness = RelayHarness()
        harness.passGrace()
        harness.request("x", model: "nobody-serves-this")
        harness.relay.receive(fromClient: ClientAddress(routingId: [1]), [Array("LOOMC1".utf8), [0x02], [0xFF]], now: harness.now)
        #expect(harness.outcomes == ["no_model": 1, "bad_request": 1])
        #expect(try harness.metrics.expectTimer("loom_e2e_request_latency_seconds").values == [0],
                "the no_model request was admitted and ended at once; the undecodable one never became a request")
    }

    @Test func gaugesFollowTheRegistryAndAreSetOnlyWhenTheyChange() async throws {
        let metrics = TestMetrics()
        let cluster = try Cluster(metrics: MetricsBackend(factory: metrics, registry: PrometheusCollectorRegistry()))
        let worker = try await cluster.worker("w")
        defer { cluster.stop([worker]) }
        // Several heartbeats and ticks in which nothing changes.
        try await Task.sleep(for: .milliseconds(300))
        #expect(try metrics.expectGauge("loom_worker_up", [("worker", "w")]).values == [1])
        #expect(try metrics.expectGauge("loom_worker_running", [("worker", "w")]).values == [0])
        #expect(try metrics.expectGauge("loom_queue_length").values == [0])
        #expect(try metrics.expectGauge("loom_requests_in_flight").values == [0])
        worker.kill()
        #expect(await eventually { (try? metrics.expectGauge("loom_worker_up", [("worker", "w")])) == nil },
                "the gauges of a worker that left are gone")
    }

    @Test func prefixCacheSeriesShowTheWorkersOwnTotalsAndItsRestarts() async throws {
        let backend = MetricsBackend()
        let cluster = try Cluster(metrics: backend)
        let worker = try await cluster.worker("w")
        defer { cluster.stop([worker]) }
        func exposes(_ lines: [String]) async -> Bool {
            await eventually {
                let text = backend.registry.emitToString()
                return lines.allSatisfy { text.contains($0 + "\n") }
            }
        }
        worker.set { $0.prefixCache = PrefixCacheCounters(queriedTokens: 1000, hitTokens: 870, cachedBlocks: 42, evictions: 5) }
        #expect(await exposes([
            #"loom_prefix_cache_queries_total{worker="w"} 1000"#, #"loom_prefix_cache_hits_total{worker="w"} 870"#,
            #"loom_prefix_cache_blocks{worker="w"} 42.0"#, #"loom_prefix_cache_evictions_total{worker="w"} 5"#,
        ]), "\(backend.registry.emitToString())")
        let text = backend.registry.emitToString()
        #expect(text.contains("# TYPE loom_prefix_cache_queries_total counter"))
        #expect(text.contains("# TYPE loom_prefix_cache_blocks gauge"))

        worker.set { $0.prefixCache = PrefixCacheCounters(queriedTokens: 1500, hitTokens: 1300, cachedBlocks: 50, evictions: 9) }
        #expect(await exposes([
            #"loom_prefix_cache_queries_total{worker="w"} 1500"#, #"loom_prefix_cache_hits_total{worker="w"} 1300"#,
            #"loom_prefix_cache_evictions_total{worker="w"} 9"#,
        ]), "\(backend.registry.emitToString())")

        // The worker restarted: its totals count again from zero, and so do its series (a counter reset).
        worker.set { $0.prefixCache = PrefixCacheCounters(queriedTokens: 40, hitTokens: 0, cachedBlocks: 2, evictions: 0) }
        #expect(await exposes([
            #"loom_prefix_cache_queries_total{worker="w"} 40"#, #"loom_prefix_cache_hits_total{worker="w"} 0"#,
            #"loom_prefix_cache_blocks{worker="w"} 2.0"#, #"loom_prefix_cache_evictions_total{worker="w"} 0"#,
        ]), "\(backend.registry.emitToString())")

        worker.kill()
        #expect(await eventually { !backend.registry.emitToString().contains(#"loom_prefix_cache_queries_total{worker="w"}"#) },
                "the series of a worker that left are gone")
    }

    @Test func visionSeriesShowTheWorkersEncoderAndGoWithIt() async throws {
        let backend = MetricsBackend()
        let cluster = try Cluster(metrics: backend)
        let worker = try await cluster.worker("w")
        let other = try await cluster.worker("v")
        defer { cluster.stop([worker, other]) }
        func exposes(_ lines: [String]) async -> Bool {
            await eventually {
                let text = backend.registry.emitToString()
                return lines.allSatisfy { text.contains($0 + "\n") }
            }
        }
        worker.set { $0.vision = VisionCounters(imagesEncoded: 12, encodeSeconds: 3.5, queueDepth: 2) }
        other.set { $0.vision = VisionCounters(imagesEncoded: 1, encodeSeconds: 0.25, queueDepth: 0) }
        #expect(await exposes([
            #"loom_images_encoded_total{worker="w"} 12"#, #"loom_image_encode_seconds_total{worker="w"} 3.5"#,
            #"loom_image_encoder_queue_depth{worker="w"} 2.0"#,
            #"loom_images_encoded_total{worker="v"} 1"#, #"loom_image_encode_seconds_total{worker="v"} 0.25"#,
            #"loom_image_encoder_queue_depth{worker="v"} 0.0"#,
        ]), "\(backend.registry.emitToString())")
        let text = backend.registry.emitToString()
        #expect(text.contains("# TYPE loom_images_encoded_total counter"))
        #expect(text.contains("# TYPE loom_image_encode_seconds_total counter"))
        #expect(text.contains("# TYPE loom_image_encoder_queue_depth gauge"))

        worker.set { $0.vision = VisionCounters(imagesEncoded: 15, encodeSeconds: 4.75, queueDepth: 0) }
        #expect(await exposes([
            #"loom_images_encoded_total{worker="w"} 15"#, #"loom_image_encode_seconds_total{worker="w"} 4.75"#,
            #"loom_image_encoder_queue_depth{worker="w"} 0.0"#,
        ]), "\(backend.registry.emitToString())")

        // The worker restarted: its totals count again from zero, and so do its series (a counter reset).
        worker.set { $0.vision = VisionCounters(imagesEncoded: 2, encodeSeconds: 0.5, queueDepth: 1) }
        #expect(await exposes([
            #"loom_images_encoded_total{worker="w"} 2"#, #"loom_image_encode_seconds_total{worker="w"} 0.5"#,
            #"loom_image_encoder_queue_depth{worker="w"} 1.0"#,
        ]), "\(backend.registry.emitToString())")

        worker.kill()
        #expect(await eventually {
            let text = backend.registry.emitToString()
            return !text.contains(#"{worker="w"}"#) && text.contains(#"loom_images_encoded_total{worker="v"} 1"#)
        }, "the series of a worker that left are gone, the other worker's stay")
    }

    @Test func imageTimingsOfAFinalAreTimedWhenItsImagesWereEncoded() throws {
        var harness = RelayHarness()
        harness.ready("a")
        harness.request("text")
        harness.request("pictures")
        let dispatched = harness.take().dispatched
        try #require(dispatched.count == 2)
        harness.worker("a", final(dispatched[0].id, tokens: 1))
        #expect(try harness.metrics.expectTimer("loom_request_image_encode_seconds").values.isEmpty,
                "a request with no image to encode reports zeros, and is not timed")
        harness.worker("a", .final(Final(
            requestId: dispatched[1].id, finishReason: .stop, usage: Usage(promptTokens: 4, imageTokens: 576, completionTokens: 1),
            timings: Timings(
                queueMs: 3, timeToFirstTokenMs: 900, decodeTokensPerSecond: 10, totalMs: 950, imageQueueMs: 120,
                imageEncodeMs: 640.5))))
        let millisecond: Int64 = 1_000_000
        #expect(try harness.metrics.expectTimer("loom_request_image_queue_seconds").values == [120 * millisecond])
        #expect(try harness.metrics.expectTimer("loom_request_image_encode_seconds").values == [640_500_000])
    }
}
