import Testing
@testable import Engine

/// A pass in slices: every budget gives the same bits as a whole pass, an image's embeddings do not
/// depend on the images beside it, and each `advance` does about what it was given.
struct VisionSliceTests {
    static func encoder(maxBatch: Int = 4) throws -> VisionEncoder {
        try VisionEncoder(path: VisionReferenceTests.mmprojPath, pool: ComputePool(threads: 2), maxBatch: maxBatch)
    }

    @Test(arguments: [1.0, 5e3, 1e5, 3e6])
    func slicedPassesGiveTheBitsOfAWholeOne(budget: Double) throws {
        let encoder = try Self.encoder()
        let inputs = try VisionReferenceTests.inputs(encoder, VisionReferenceTests.cases())
        let whole = try encoder.encode(inputs)
        try encoder.begin(inputs)
        var calls = 0
        var done = false
        while !done {
            let step = encoder.advance(flops: budget)
            #expect(step.flops > 0, "every call makes progress")
            done = step.finished
            calls += 1
        }
        #expect(!budget.isFinite || budget > encoder.flops(imageCount: inputs.count) || calls > 1)
        #expect(encoder.takeEmbeddings() == whole)
        #expect(!encoder.isEncoding)
    }

    @Test func timedPassesGiveTheBitsOfAWholeOne() throws {
        let encoder = try Self.encoder()
        let inputs = try VisionReferenceTests.inputs(encoder, VisionReferenceTests.cases())
        let whole = try encoder.encode(inputs)
        for seconds in [0.0, 1e-4, .infinity] {
            try encoder.begin(inputs)
            var calls = 0
            while encoder.isEncoding {
                let step = encoder.advance(seconds: seconds)
                #expect(step.flops > 0, "every call runs at least one slice")
                calls += 1
                if step.finished { #expect(encoder.takeEmbeddings() == whole, "\(seconds) s a call") }
            }
            if seconds == .infinity { #expect(calls == 1) }
            if seconds == 0 { #expect(calls > 10, "no time: one smallest slice a call") }
        }
    }

    @Test func anImagesEmbeddingsDoNotDependOnItsNeighbours() throws {
        let encoder = try Self.encoder()
        let inputs = try VisionReferenceTests.inputs(encoder, VisionReferenceTests.cases())
        let together = try encoder.encode(inputs)
        for (i, image) in inputs.enumerated() {
            #expect(try encoder.encode([image]) == [together[i]], "image \(i) alone")
        }
        #expect(try encoder.encode(inputs.reversed()) == together.reversed())
    }

    @Test func aSliceDoesAboutWhatItsBudgetPays() throws {
        let encoder = try Self.encoder()
        let inputs = try VisionReferenceTests.inputs(encoder, VisionReferenceTests.cases())
        let total = encoder.flops(imageCount: inputs.count)
        try encoder.begin(inputs)
        #expect(encoder.remainingFlops == total)
        let budget = total / 20
        var spent = 0.0
        while encoder.isEncoding {
            let before = encoder.remainingFlops
            let step = encoder.advance(flops: budget)
            #expect(abs(before - encoder.remainingFlops - step.flops) <= 1e-6 * total, "remaining work falls by what was done")
            // At most the budget plus one smallest slice (16 rows of the costliest row stage).
            #expect(step.flops <= budget + total / 8, "a slice stays near its budget")
            spent += step.flops
            if step.finished { _ = encoder.takeEmbeddings() }
        }
        #expect(abs(spent - total) <= 1e-6 * total)
    }
}
