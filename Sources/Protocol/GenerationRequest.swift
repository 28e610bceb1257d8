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
    /// Functions the model may call (chat prompts only), and whether it must.
    public var tools: [ToolDefinition]
    public var toolChoice: ToolChoice

    public init(
        id: String, model: String, deadlineUnixMs: Int = 0, prompt: Prompt,
        sampling: SamplingParameters = SamplingParameters(), images: [[UInt8]] = [],
        tools: [ToolDefinition] = [], toolChoice: ToolChoice = .auto
    ) {
        self.id = id
        self.model = model
        self.deadlineUnixMs = deadlineUnixMs
        self.prompt = prompt
        self.sampling = sampling
        self.images = images
        self.tools = tools
        self.toolChoice = toolChoice
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
        writer.writeList(tools) { $1.encode(to: &$0) }
        toolChoice.encode(to: &writer)
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
        tools = try reader.readList("tools", limit: reader.limits.maxTools) {
            (reader: inout WireReader) throws(WireError) in try ToolDefinition(from: &reader)
        }
        toolChoice = try ToolChoice(from: &reader)
        images = Array(bodies)
    }
}
