import Testing
import WorkerKit

/// Images are encoded inside the step loop: while a request's images wait, every step plans a
/// bounded share of vision work beside the decodes, the request is not admitted until they are
/// encoded, and requests behind it go ahead.
@Suite struct VisionPlanningTests {
    /// 1 ms per decode item and 1 ms per logits row: four streams' decodes cost 8 ms of a 100 ms target.
    static let cost = StepCost(perItem: 1e-3, perLogitRow: 1e-3, perAttendedPosition: 0)
    static let target = 0.1

    static func executor(visionBudget: Double? = nil, stepTarget: Double? = target, cost: StepCost = cost) throws -> SimulatedExecutor {
        SimulatedExecutor(try .testing(maxRunning: 8, maxBatchTokens: 256, prefillChunk: 256, kvBlockCount: 512,
                                       stepTarget: stepTarget, visionBudget: visionBudget),
                          stepCost: cost)
    }

    @Test func imagesTakeWhatTheTargetLeavesAndTheStreamsKeepDecoding() throws {
        var executor = try Self.executor()
        let streams = (1...4).map { RequestID($0) }
        try executor.submitAll(streams.map { ($0, 8, 500) })
        for _ in 0..<3 { executor.step() }
        #expect(streams.allSatisfy { executor.scheduler.state(of: $0)?.phase == .decoding })

        let image: RequestID = 10
        #expect(executor.submit(image, promptLength: 50, maxTokens: 4, imageSeconds: 1.0) == .queued)
        var visionSteps = 0
        while executor.imagesDoneAt[image] == nil {
            let plan = executor.step()
            visionSteps += 1
            // The decodes' 8 ms and the step's own cost come first; vision gets the rest of the target.
            let decodes = Self.cost.of(count: 1, after: 0, logits: true) * 4
            #expect(abs(plan.visionSeconds - (Self.target - decodes)) < 1e-9 || executor.imagesDoneAt[image] != nil)
            #expect(plan.entries.count == 4, "every stream decodes while the image is encoded")
            #expect(!plan.admitted.contains { $0.id == image }, "not admitted before its images are encoded")
            #expect(visionSteps < 100)
        }
        #expect(visionSteps == Int((1.0 / (Self.target - 0.008)).rounded(.up)))
        // Admitted and prefilled in the next step; no vision planned after.
        let plan = executor.step()
        #expect(plan.admitted.map(\.id) == [image])
        #expect(plan.entries.contains { $0.id == image && $0.items == 0..<50 })
        #expect(plan.visionSeconds == 0)
    }

    @Test func aRequestWaitingForItsImagesIsPassedByLaterOnes() throws {
        var executor = try Self.executor()
        let image: RequestID = 1, text: RequestID = 2
        #expect(executor.submit(image, promptLength: 50, maxTokens: 4, imageSeconds: 0.5) == .queued)
        try executor.submitAll([(text, 20, 4)])
        let first = executor.step()
        #expect(first.admitted.map(\.id) == [text], "the text request starts at once")
        #expect(first.visionSeconds > 0)
        let idle = executor.runUntilIdle(maxSteps: 100)
        #expect(idle)
        #expect(executor.finished[image] == 4 && executor.finished[text] == 4)
        #expect(executor.scheduler.awaitingImageCount == 0)
    }

    @Test func visionGetsAQuarterOfTheTargetUnderAnyDecodeLoadAndNoMoreThanItsBudget() throws {
        var busy = try Self.executor(cost: StepCost(perItem: 0.02, perLogitRow: 0, perAttendedPosition: 0))
        let streams = (1...8).map { RequestID($0) }
        try busy.submitAll(streams.map { ($0, 4, 500) })
        for _ in 0..<20 where !streams.allSatisfy({ busy.scheduler.state(of: $0)?.phase == .decoding }) { busy.step() }
        _ = busy.submit(100, promptLength: 10, maxTokens: 2, imageSeconds: 10)
        let busyPlan = busy.step()
        #expect(busyPlan.visionSeconds == Self.target / 4, "8 decodes take 160 ms of a 100 ms target")

        var capped = try Self.executor(visionBudget: 0.03)
        _ = capped.submit(1, promptLength: 10, maxTokens: 2, imageSeconds: 10)
        let cappedPlan = capped.step()
        #expect(cappedPlan.visionSeconds == 0.03)

        var untimed = try Self.executor(stepTarget: nil)
        _ = untimed.submit(1, promptLength: 10, maxTokens: 2, imageSeconds: 10)
        let untimedPlan = untimed.step()
        #expect(untimedPlan.visionSeconds == .infinity, "without a target, whole passes")
    }

    @Test func aRequestWhoseImagesAreDoneIsPrefilledBeforeTheOthersImages() throws {
        var executor = try Self.executor()
        // The first request's image takes one step; the second's ten.
        _ = executor.submit(1, promptLength: 60, maxTokens: 2, imageSeconds: 0.05)
        _ = executor.submit(2, promptLength: 60, maxTokens: 2, imageSeconds: 1.0)
        let first = executor.step()
        #expect(first.visionSeconds > 0 && executor.imagesDoneAt[1] != nil && executor.imagesDoneAt[2] == nil)
        let second = executor.step()
        #expect(second.entries.contains { $0.id == 1 && $0.items == 0..<60 }, "its whole prompt at once")
        let prefill = Self.cost.of(count: 60, after: 0, logits: true)
        #expect(abs(second.visionSeconds - (Self.target - prefill)) < 1e-9, "the images get what the prefill leaves")
    }

    @Test func aCancelledRequestStopsTheVisionWork() throws {
        var executor = try Self.executor()
        _ = executor.submit(1, promptLength: 10, maxTokens: 2, imageSeconds: 10)
        let before = executor.step()
        #expect(before.visionSeconds > 0)
        executor.retire(1, .cancel)
        #expect(executor.scheduler.awaitingImageCount == 0)
        let after = executor.step()
        #expect(after.visionSeconds == 0)
    }
}
