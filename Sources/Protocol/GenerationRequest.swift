/// REQUEST: one generation, with its images as raw body frames.
public struct GenerationRequest: Sendable, Equatable {
    /// Unique among the sender's requests in flight; empty from a client asks the controller to assign one.
    public var id: String
    public var model: String
    /// Absolute Unix time in milliseconds; 0 = none.
    public var deadlineUnixMs: Int
    public var prompt: Prompt
    public var sampling: SamplingParameters
    /// Image files as they are (JPEG, PNG), one body frame each; `ContentPart.image` indexes them.
    public var images: [[UInt8]]

    public init(
        id: String, model: String, deadlineUnixMs: Int = 0, prompt: Prompt,
        sampling: SamplingParameters = SamplingParameters(), images: [[UInt8]] = []
    ) {
        self.id = id
        self.model = model
        self.deadlineUnixMs = deadlineUnixMs
        self.prompt = prompt
        self.sampling = sampling
        self.images = images
    }
}

extension GenerationRequest {
    func encode(to writer: inout WireWriter) {
        writer.writeString(id)
        writer.writeString(model)
        writer.writeInt(deadlineUnixMs)
        writer.writeInt(images.count)
        prompt.encode(to: &writer)
        sampling.encode(to: &writer)
    }

    /// The header's image_count must equal the body frames, and every image part must index one.
    init(from reader: inout WireReader, bodies: ArraySlice<[UInt8]>) throws(WireError) {
        id = try reader.readName("request_id")
        model = try reader.readName("model")
        deadlineUnixMs = try reader.readInt("deadline")
        let imageCount = try reader.readInt("image_count")
        guard imageCount == bodies.count else {
            throw .imageCountMismatch(declared: imageCount, frames: bodies.count)
        }
        prompt = try Prompt(from: &reader, imageCount: imageCount)
        sampling = try SamplingParameters(from: &reader)
        images = Array(bodies)
    }
}
