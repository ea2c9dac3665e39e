import FuzzSupport
@testable import WardenCore

/// The `text/event-stream` parser (hand-written, reads the revocation feed): never crashes, and
/// the events do not depend on how the stream was cut into reads — all at once, at one place (a
/// CR and its LF in different reads, say), and in small reads (every byte alone for inputs up to
/// 256 bytes; past that, reads of 1 to 8 bytes in a pattern the input chooses: every byte alone
/// made 4 KiB inputs run at 480 a second, too slow for a long run) give the same events, or the
/// same error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerSentEvents(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let whole = outcome([bytes[...]])
    let cut = count == 0 ? 0 : Int(bytes[0]) % (count + 1)
    let halves = outcome([bytes[..<cut], bytes[cut...]])
    let small = outcome(smallReads(bytes))
    guard whole == halves, whole == small else {
        propertyFailed("events depend on the reads: \(whole) / \(halves) / \(small) for \(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }
    return 0
}

/// `bytes` cut into reads of one byte each (up to 256 bytes), or of 1…8 bytes as a generator
/// seeded by the input decides.
func smallReads(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    guard bytes.count > 256 else { return bytes.indices.map { bytes[$0...$0] } }
    var state = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes[bytes.count / 2])
    var reads: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let end = min(bytes.count, start + 1 + Int(state >> 61))
        reads.append(bytes[start..<end])
        start = end
    }
    return reads
}

enum Outcome: Equatable {
    case events([ServerSentEventParser.Event])
    case lineTooLong
    case eventTooLarge
}

func outcome(_ reads: [ArraySlice<UInt8>]) -> Outcome {
    var parser = ServerSentEventParser()
    var events: [ServerSentEventParser.Event] = []
    for read in reads {
        do { events += try parser.feed(read) } catch is ServerSentEventParser.LineTooLong { return .lineTooLong } catch { return .eventTooLarge }
    }
    return .events(events)
}

@_cdecl("FuzzServerSentEvents_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzServerSentEvents)
}
