import Testing
import TestSupport

/// The built `loom-controller` and `loom-worker` as real processes on 127.0.0.1. Each test starts
/// its own and kills them all on the way out; they run one after another (the machine has 2 cores),
/// none for more than a minute. Build the executables first: `swift build --build-tests`.
@Suite(.serialized, .timeLimit(.minutes(1)), .requires(.servers, .sharedFixtures))
enum Integration {}
