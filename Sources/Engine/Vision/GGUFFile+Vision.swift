extension GGUFFile {
    /// Tensor `name` as F32 values in file order, after checking its ggml shape. The vision tower keeps
    /// F32: F16, BF16 and quantized tensors (as llama.cpp's CLIP quantizer writes them: Q8_0, Q4_0, Q4_1,
    /// Q5_0, Q5_1 and the K-quants) are widened once, here, exactly as ggml dequantizes them.
    func floats(_ name: String, shape: [Int]) throws(GGUFError) -> [Float] {
        let info = try tensor(name)
        guard info.shape == shape else {
            throw GGUFError(path, "tensor \(name) has shape \(info.shape), expected \(shape)")
        }
        let n = info.elementCount
        guard n % info.type.blockSize == 0 else {
            throw GGUFError(path, "tensor \(name) is \(info.type) but holds \(n) values, not whole blocks of \(info.type.blockSize)")
        }
        var values = [Float](repeating: 0, count: n)
        let source = data(info)
        values.withUnsafeMutableBufferPointer { Dequantize.values(info.type, from: source, count: n, into: $0.baseAddress!) }
        return values
    }
}
