import ControllerKit
import Foundation
import LoomProtocol
import Testing

/// The HTTP front door's documents: completions, listings, health, metrics, keys.
@Suite("HTTP API")
struct HTTPAPITests {
    @Test func chatCompletionAnswersOneDocumentWithUsage() async throws {
        try await HTTPCluster.with { cluster in
            _ = try await cluster.worker("w")
            let response = try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 4))
            #expect(response.status == 200)
            let json = try #require(response.json)
            #expect(json["object"] as? String == "chat.completion")
            #expect((json["id"] as? String)?.hasPrefix("chatcmpl-") == true)
            let choice = try #require((json["choices"] as? [[String: Any]])?.first)
            #expect((choice["message"] as? [String: String]) == ["role": "assistant", "content": "t0 t1 t2 t3 "])
            #expect(choice["finish_reason"] as? String == "length")
            let usage = try #require(json["usage"] as? [String: Any])
            #expect(usage.compactMapValues { $0 as? Int } == ["prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9])
            #expect((usage["prompt_tokens_details"] as? [String: Int]) == ["cached_tokens": 3], "the worker's cached positions")
        }
    }

    @Test func completionAnswersText() async throws {
        try await HTTPCluster.with { cluster in
            _ = try await cluster.worker("w")
            let response = try await cluster.post("/v1/completions", json: #"{"model":"test-model","prompt":["Once"],"max_tokens":2}"#)
            let json = try #require(response.json)
            #expect(json["object"] as? String == "text_completion")
            #expect(((json["choices"] as? [[String: Any]])?.first)?["text"] as? String == "t0 t1 ")
        }
    }

    @Test func samplingFieldsAndImagesReachTheWorker() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3, 0xFF, 0xD9]
            let url = "data:image/jpeg;base64," + Data(jpeg).base64EncodedString()
            let body = #"""
                {"model":"test-model","max_completion_tokens":2,"temperature":0.5,"top_p":0.9,"top_k":40,"min_p":0.05,
                 "frequency_penalty":0.1,"presence_penalty":0.2,"repetition_penalty":1.1,"seed":18446744073709551615,"stop":"END",
                 "messages":[{"role":"system","content":"Be brief."},
                             {"role":"user","content":[{"type":"text","text":"What is this?"},
                                                       {"type":"image_url","image_url":{"url":"\#(url)"}}]}]}
                """#
            #expect(try await cluster.post("/v1/chat/completions", json: body).status == 200)
            let request = try #require(worker.requestsReceived().first)
            #expect(request.images == [jpeg], "the image travels as raw bytes, not base64")
            #expect(request.prompt == .chat([
                ChatMessage(role: .system, parts: [.text("Be brief.")]),
                ChatMessage(role: .user, parts: [.text("What is this?"), .image(0)]),
            ]))
            #expect(request.sampling == SamplingParameters(
                maxTokens: 2, temperature: 0.5, topK: 40, topP: 0.9, minP: 0.05, repetitionPenalty: 1.1,
                frequencyPenalty: 0.1, presencePenalty: 0.2, seed: UInt64.max, stop: ["END"]))
        }
    }

    @Test func listingsHealthAndMetricsFollowTheWorkers() async throws {
        try await HTTPCluster.with { cluster in
            #expect(try await cluster.get("/health").status == 503)
            let worker = try await cluster.worker("w")
            #expect(try await cluster.get("/health").status == 200)
            let models = try #require(try await cluster.get("/v1/models").json)
            #expect(models["object"] as? String == "list")
            #expect((models["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [testModel.name])
            let workers = try #require(try await cluster.get("/v1/workers").json?["data"] as? [[String: Any]])
            #expect(workers.count == 1)
            #expect(workers.first?["id"] as? String == "w" && workers.first?["state"] as? String == "ready")
            #expect(workers.first?["models"] as? [String] == [testModel.name])
            #expect((workers.first?["capacity"] as? [String: Int])?["max_running"] == 8)
            #expect(workers.first?["heartbeat_age_ms"] is Int && workers.first?["load"] is [String: Any])

            _ = try await cluster.post("/v1/chat/completions", json: chatBody(tokens: 3))
            #expect(await eventually {
                let metrics = (try? await cluster.get("/metrics").text) ?? ""
                return metrics.contains("loom_requests_total{outcome=\"length\"} 1\n")
            })
            let metrics = try await cluster.get("/metrics").text
            for line in [
                "loom_generation_tokens_total 3", "loom_prompt_tokens_total 5", "loom_time_to_first_token_seconds_count 1",
                "loom_inter_token_latency_seconds_count 2", "loom_e2e_request_latency_seconds_bucket{le=\"+Inf\"} 1",
                "loom_queue_length 0", "loom_worker_up{worker=\"w\"} 1", "loom_worker_running{worker=\"w\"}",
                "loom_worker_waiting{worker=\"w\"}", "loom_worker_kv_usage_ratio{worker=\"w\"}",
                "# TYPE loom_time_to_first_token_seconds histogram",
            ] {
                #expect(metrics.contains(line), "\(line)")
            }

            worker.kill()
            // Gone within liveness (3 × 100 ms), plus a tick.
            #expect(await eventually(within: .seconds(1)) {
                let models = try? await cluster.get("/v1/models").json?["data"] as? [Any]
                let workers = try? await cluster.get("/v1/workers").json?["data"] as? [Any]
                return models?.isEmpty == true && workers?.isEmpty == true
            })
            #expect(try await cluster.get("/health").status == 503)
            #expect(!(try await cluster.get("/metrics").text).contains("loom_worker_up{worker=\"w\"}"), "its gauges went with it")
        }
    }

    @Test func prefixCacheCountersReachTheListingAndMetrics() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            worker.set { $0.prefixCache = PrefixCacheCounters(queriedTokens: 640, hitTokens: 512, cachedBlocks: 24, evictions: 3) }
            let expected = ["queried_tokens": 640, "hit_tokens": 512, "cached_blocks": 24, "evictions": 3]
            #expect(await eventually {
                let workers = try? await cluster.get("/v1/workers").json?["data"] as? [[String: Any]]
                let load = workers?.first?["load"] as? [String: Any]
                return load?["prefix_cache"] as? [String: Int] == expected
            })
            let metrics = try await cluster.get("/metrics").text
            for line in [
                #"loom_prefix_cache_queries_total{worker="w"} 640"#, #"loom_prefix_cache_hits_total{worker="w"} 512"#,
                #"loom_prefix_cache_blocks{worker="w"} 24.0"#, #"loom_prefix_cache_evictions_total{worker="w"} 3"#,
            ] {
                #expect(metrics.contains(line + "\n"), "\(line)")
            }
        }
    }

    @Test func visionCountersReachTheListingAndMetrics() async throws {
        try await HTTPCluster.with { cluster in
            let worker = try await cluster.worker("w")
            worker.set { $0.vision = VisionCounters(imagesEncoded: 40, encodeSeconds: 18.25, queueDepth: 3) }
            #expect(await eventually {
                let workers = try? await cluster.get("/v1/workers").json?["data"] as? [[String: Any]]
                let vision = (workers?.first?["load"] as? [String: Any])?["vision"] as? [String: Any]
                return vision?["images_encoded"] as? Int == 40 && vision?["encode_seconds"] as? Double == 18.25
                    && vision?["queue_depth"] as? Int == 3
            })
            let metrics = try await cluster.get("/metrics").text
            for line in [
                #"loom_images_encoded_total{worker="w"} 40"#, #"loom_image_encode_seconds_total{worker="w"} 18.25"#,
                #"loom_image_encoder_queue_depth{worker="w"} 3.0"#,
            ] {
                #expect(metrics.contains(line + "\n"), "\(line)")
            }
        }
    }

    @Test func eachControllerCountsOnlyItsOwnRequests() async throws {
        try await HTTPCluster.with { busy in
            try await HTTPCluster.with { idle in
                _ = try await busy.worker("w")
                #expect(try await busy.post("/v1/chat/completions", json: chatBody(tokens: 2)).status == 200)
                #expect(await eventually {
                    ((try? await busy.get("/metrics").text) ?? "").contains("loom_generation_tokens_total 2\n")
                })
                let other = try await idle.get("/metrics").text
                #expect(other.contains("loom_generation_tokens_total 0\n"))
                #expect(!other.contains("loom_requests_total{"))
            }
        }
    }

    @Test func apiKeysGuardEverythingButHealth() async throws {
        try await HTTPCluster.with({ $0.apiKeys = ["sekrit", "other"] }) { cluster in
            let missing = try await cluster.get("/v1/models")
            #expect(missing.status == 401 && missing.errorCode == "unauthorized")
            #expect(try await cluster.get("/v1/models", headers: ["Authorization": "Bearer wrong"]).status == 401)
            #expect(try await cluster.post("/v1/chat/completions", json: chatBody()).status == 401)
            #expect(try await cluster.get("/v1/models", headers: ["Authorization": "Bearer other"]).status == 200)
            #expect(try await cluster.get("/health").status == 503, "open, and honest: no worker yet")
        }
    }
}
