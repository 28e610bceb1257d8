import Engine
import Foundation
import Testing

/// `TokenLogprobs` on rows made here: the partial selection agrees with a full sort, ties go to the
/// lower id, and the values are the log-softmax.
struct TokenLogprobsTests {
    @Test func topAgreesWithASortAndValuesAreTheLogSoftmax() {
        var random = SystemRandomNumberGenerator()
        for size in [1, 3, 50, 1000] {
            let row = (0..<size).map { _ in Float.random(in: -30...30, using: &random).rounded() / 2 }
            for count in [0, 1, 5, 20] {
                let result = row.withUnsafeBufferPointer { TokenLogprobs(token: 0, logits: $0, top: count) }
                let expected = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(count)
                #expect(result.top.map { Int($0.token) } == Array(expected))
                let logZ = log(row.reduce(0.0) { $0 + exp(Double($1)) })
                #expect(abs(Double(result.logprob) - (Double(row[0]) - logZ)) < 1e-5)
                #expect(result.top.reduce(0.0) { $0 + exp(Double($1.logprob)) } <= 1 + 1e-6)
            }
        }
    }

    @Test func largeLogitsStayFinite() {
        let row: [Float] = [1e30, -1e30, 0]
        let result = row.withUnsafeBufferPointer { TokenLogprobs(token: 1, logits: $0, top: 3) }
        #expect(result.top.map(\.token) == [0, 2, 1])
        #expect(result.top[0].logprob == 0)
        #expect(result.logprob.isFinite && result.logprob < -1e29)
    }
}
