import Dispatch

/// What libFuzzer calls with each input (`LLVMFuzzerTestOneInput`'s shape).
public typealias FuzzTestOneInput = @convention(c) (UnsafeRawPointer, Int) -> CInt

// libFuzzer's documented entry for programs that own `main` (LLVMFuzzerRunDriver).
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzTestOneInput
) -> CInt

/// Hands the process over to libFuzzer. SwiftPM links an executable's entry point as
/// `TARGET_main` (`--defsym main=…`), so each target defines that symbol with `@_cdecl` and
/// calls this with its `LLVMFuzzerTestOneInput`.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ testOneInput: FuzzTestOneInput) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, testOneInput)
}

/// Runs async code to its end from libFuzzer's (synchronous, non-Swift-concurrency) thread.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: T?
    Task {
        result = await body()
        done.signal()
    }
    done.wait()
    return result!
}

/// Fails the run with `message` (libFuzzer records the input that did it).
public func propertyFailed(_ message: String) -> Never {
    fatalError("property failed: " + message)
}

/// The input split at its first NUL byte (two fields from one input); the second is empty
/// when there is none.
public func twoFields(_ bytes: UnsafeRawBufferPointer) -> ([UInt8], [UInt8]) {
    guard let cut = bytes.firstIndex(of: 0) else { return (Array(bytes), []) }
    return (Array(bytes[..<cut]), Array(bytes[(cut + 1)...]))
}
