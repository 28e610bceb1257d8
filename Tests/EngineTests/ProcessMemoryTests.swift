import Testing
@testable import Engine

struct ProcessMemoryTests {
    /// Values of 8 digits and more (10 GB and up) have no padding after the tab: they once read as 0.
    @Test func readsSmallAndLargeValues() {
        let status = "Name:\tloom-worker\nVmHWM:\t20890340 kB\nVmRSS:\t  265832 kB\n"
        #expect(ProcessMemory.bytes(of: "VmHWM", in: status) == 20_890_340 * 1024)
        #expect(ProcessMemory.bytes(of: "VmRSS", in: status) == 265_832 * 1024)
        #expect(ProcessMemory.bytes(of: "VmSwap", in: status) == nil)
        #expect(ProcessMemory.peakResidentBytes > 0)
    }
}
