import Engine
import Foundation
import Testing
import TestSupport

extension Integration {
    /// The worker's prefix cache as a client sees it, over real sockets and processes.
    @Suite("Prefix cache")
    struct PrefixCacheTests {
        /// A chat body with a whole history: `turns` alternate user and assistant, starting with the
        /// user; images go in the first user message, before its text.
        static func chat(model: String, system: String?, turns: [String], images: [URL] = [], maxTokens: Int = 24) throws -> [UInt8] {
            var messages: [[String: Any]] = system.map { [["role": "system", "content": $0]] } ?? []
            for (i, text) in turns.enumerated() {
                if i == 0 && !images.isEmpty {
                    var parts: [[String: Any]] = try images.map { url in
                        let mime = url.pathExtension == "png" ? "image/png" : "image/jpeg"
                        return ["type": "image_url", "image_url": ["url": "data:\(mime);base64,\(try Data(contentsOf: url).base64EncodedString())"]]
                    }
                    parts.append(["type": "text", "text": text])
                    messages.append(["role": "user", "content": parts])
                } else {
                    messages.append(["role": i % 2 == 0 ? "user" : "assistant", "content": text])
                }
            }
            let object: [String: Any] = ["model": model, "max_tokens": maxTokens, "temperature": 0, "messages": messages]
            return Array(try JSONSerialization.data(withJSONObject: object))
        }

        struct Answer {
            var text: String
            var promptTokens: Int
            var cached: Int
        }

        static func ask(_ controller: ControllerProcess, _ body: [UInt8]) async throws -> Answer {
            let response = try await controller.client.post("/v1/chat/completions", body)
            try #require(response.status == 200, "\(response.status) \(response.text)")
            let json = try #require(response.json)
            let usage = try #require(json["usage"] as? [String: Any])
            let choices = try #require(json["choices"] as? [[String: Any]])
            return Answer(
                text: (choices.first?["message"] as? [String: Any])?["content"] as? String ?? "",
                promptTokens: usage["prompt_tokens"] as? Int ?? -1,
                cached: (usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int ?? -1)
        }

        /// Runs a conversation of `turns` user messages, resending the history each turn; returns every
        /// turn's answer.
        static func converse(_ controller: ControllerProcess, model: String, system: String, questions: [String]) async throws -> [Answer] {
            var history: [String] = []
            var answers: [Answer] = []
            for question in questions {
                history.append(question)
                let answer = try await ask(controller, try chat(model: model, system: system, turns: history))
                history.append(answer.text)
                answers.append(answer)
            }
            return answers
        }

        static let system = String(repeating: "You are a patient assistant for a museum of maps; answer briefly and kindly. ", count: 8)
        static let questions = ["Where is the oldest map kept?", "Who drew it?", "And what does it show?"]

        /// The same conversation against a worker with the cache and one without: every follow-up is
        /// mostly served from the cache and says word for word what the cacheless worker says.
        @Test(.requires(.smolLM2))
        func followUpsComeFromTheCacheAndAnswerAsWithout() async throws {
            let model = WorkerModel.smolLM2(try #require(DefaultModel.path))
            var runs: [[Answer]] = []
            for cache in ["on", "off"] {
                let cluster = try Cluster("prefix-\(cache)")
                defer { cluster.stopAll() }
                let controller = try await cluster.startController()
                _ = try cluster.startWorker("w-\(cache)", model, controller: controller, options: ["--prefix-cache", cache])
                #expect(await controller.waitForWorkers(["w-\(cache)"]), "\(cluster.logs)")
                runs.append(try await Self.converse(controller, model: model.name, system: Self.system, questions: Self.questions))
                if cache == "on" {
                    let hits = await controller.metric("loom_prefix_cache_hits_total{worker=\"w-on\"}")
                    let cachedTotal = runs[0].reduce(0) { $0 + $1.cached }
                    #expect(await eventually(within: .seconds(5)) {
                        await controller.metric("loom_prefix_cache_hits_total{worker=\"w-on\"}") == Double(cachedTotal)
                    }, "hits \(String(describing: hits)), cached tokens reported \(cachedTotal)")
                }
            }
            let (on, off) = (runs[0], runs[1])
            for turn in on.indices {
                #expect(on[turn].text == off[turn].text, "turn \(turn + 1): \(on[turn].text.debugDescription) vs \(off[turn].text.debugDescription)")
                #expect(on[turn].promptTokens == off[turn].promptTokens && off[turn].cached == 0)
            }
            #expect(on[0].cached == 0)
            for turn in 1..<on.count {
                // Everything up to the new turn, to whole blocks; the last answer's end and the new
                // question are computed.
                let earlier = on[turn - 1].promptTokens
                #expect(on[turn].cached >= earlier - 16 && on[turn].cached < on[turn].promptTokens,
                        "turn \(turn + 1): \(on[turn].cached) cached of \(on[turn].promptTokens)")
            }
        }

        /// Conversations on a pool that holds only a few of them at a time: cached blocks are evicted
        /// (the worker's metric says so), and every request is answered.
        @Test(.requires(.smolLM2))
        func aSmallPoolEvictsAndLosesNoRequest() async throws {
            let model = WorkerModel.smolLM2(try #require(DefaultModel.path))
            let cluster = try Cluster("prefix-evict")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            // 80 blocks of 16 positions: 1,280 positions, a bit over two conversations' worth.
            _ = try cluster.startWorker("w-small", model, controller: controller, options: ["--kv-budget", "\(80 * 16 * 23_040)"])
            #expect(await controller.waitForWorkers(["w-small"]), "\(cluster.logs)")
            let answers = try await withThrowingTaskGroup(of: [Answer].self) { group in
                for c in 0..<5 {
                    group.addTask {
                        try await Self.converse(controller, model: model.name, system: "Conversation \(c). " + Self.system,
                                                questions: Self.questions)
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(answers.count == 15 && answers.allSatisfy { !$0.text.isEmpty })
            #expect(await eventually(within: .seconds(5)) {
                (await controller.metric("loom_prefix_cache_evictions_total{worker=\"w-small\"}") ?? 0) > 0
            }, "the pool must have been too small to keep every conversation")
        }

        /// An image stands for its positions by its content: the same image again is a hit through its
        /// positions; another image at the same place misses from there on (the text after it, over 32
        /// tokens, is not found either, though it is the same).
        @Test func aDifferentImageAtTheSamePlaceIsAMiss() async throws {
            let cluster = try Cluster("prefix-image")
            defer { cluster.stopAll() }
            let controller = try await cluster.startController()
            _ = try cluster.startWorker("w-llava", .tinyLLaVA, controller: controller)
            #expect(await controller.waitForWorkers(["w-llava"]), "\(cluster.logs)")
            let name = WorkerModel.tinyLLaVA.name
            let text = String(repeating: "Describe the colours and the shapes in this picture, please. ", count: 4)
            func ask(_ images: [String]) async throws -> Answer {
                try await Self.ask(controller, try Self.chat(model: name, system: nil, turns: [text], images: images.map(Paths.image), maxTokens: 4))
            }
            let first = try await ask(["tiny_56.png"])
            let same = try await ask(["tiny_56.png"])
            let other = try await ask(["tiny_56.jpg"])  // the same picture, other bytes: another image
            let none = try await ask([])
            let imagePositions = first.promptTokens - none.promptTokens
            #expect(imagePositions > 0)
            #expect(first.cached == 0)
            #expect(same.cached >= same.promptTokens - 16 && same.cached < same.promptTokens, "\(same.cached) of \(same.promptTokens)")
            #expect(other.cached <= same.cached - imagePositions - 16, "only what precedes the image is shared: \(other.cached) vs \(same.cached)")
        }
    }
}
