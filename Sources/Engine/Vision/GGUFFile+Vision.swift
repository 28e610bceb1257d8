import CKernels

extension GGUFFile {
    /// Tensor `name` as F32 values in file order, after checking its ggml shape. The vision tower keeps
    /// F32 (and widens F16 and BF16 to F32 once, here); other types are refused.
    func floats(_ name: String, shape: [Int]) throws(GGUFError) -> [Float] {
        let info = try tensor(name)
        guard info.shape == shape else {
            throw GGUFError(path, "tensor \(name) has shape \(info.shape), expected \(shape)")
        }
        let n = info.elementCount
        let source = data(info)
        var values = [Float](repeating: 0, count: n)
        switch info.type {
        case .f32:
            values.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: source, count: n * 4)) }
        case .f16:
            values.withUnsafeMutableBufferPointer {
                ck_halfs_to_floats(source.assumingMemoryBound(to: UInt16.self), $0.baseAddress!, n)
            }
        case .bf16:
            for i in 0..<n {
                values[i] = Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            }
        default:
            throw GGUFError(path, "tensor \(name) is \(info.type): the vision tower takes F32, F16 or BF16 weights")
        }
        return values
    }
}
