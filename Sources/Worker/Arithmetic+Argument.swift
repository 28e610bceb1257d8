import ArgumentParser
import Engine

extension Arithmetic: ExpressibleByArgument {
    static let help = ArgumentHelp(
        "How the decoder adds: fast (the default: integer sums per block, one order for every position) or exact (llama.cpp's float order, logits equal to llama.cpp's; slower).",
        valueName: "fast|exact")
}
