import FuzzSupport
@testable import WardenClient

/// The `text/event-stream` parser (hand-written, reads the revocation feed): never crashes, and
/// the events do not depend on how the stream was cut into reads — all at once, at every byte,
/// or at one place (a CR and its LF in different reads, say) give the same events, or the same
/// error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerSentEvents(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let whole = outcome([bytes[...]])
    let cut = count == 0 ? 0 : Int(bytes[0]) % (count + 1)
    let halves = outcome([bytes[..<cut], bytes[cut...]])
    let single = outcome(bytes.indices.map { bytes[$0...$0] })
    guard whole == halves, whole == single else {
        propertyFailed("events depend on the reads: \(whole) / \(halves) / \(single) for \(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }
    return 0
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
