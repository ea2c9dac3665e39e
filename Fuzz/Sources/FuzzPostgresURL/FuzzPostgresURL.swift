import Foundation
import FuzzSupport
@testable import WardenCore

/// `WARDEN_DATABASE` as a PostgreSQL URL (`PostgresURLSettings`, hand-written on top of
/// Foundation's URLComponents; WardenPostgres's `PostgresConnectionURL` only maps what it reads
/// to PostgresNIO and adds no mistake of its own): never a trap, whatever an operator or a
/// deployment template puts there; what it accepts has a host, a user, a pool of at least one;
/// and no error message repeats the password (they are printed and logged).
let marker = "Marker-pw-7f3a9c"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPostgresURL(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let url = try PostgresURLSettings(text)
        guard !url.host.isEmpty, !url.user.isEmpty, url.maximumConnections >= 1 else {
            propertyFailed("accepted without host, user or pool: \(text.debugDescription)")
        }
    } catch {}
    // No error repeats the password: the same URL with a password no message could hold by
    // chance (a fixed marker; the fuzzer's own password might be "pos", inside "postgres").
    guard var components = URLComponents(string: text), components.host != nil else { return 0 }
    components.password = marker
    guard let marked = components.string else { return 0 }
    do { _ = try PostgresURLSettings(marked) } catch {
        guard !String(describing: error).contains(marker), !String(reflecting: error).contains(marker) else {
            propertyFailed("an error repeats the password: \(marked.debugDescription)")
        }
    }
    return 0
}

@_cdecl("FuzzPostgresURL_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPostgresURL)
}
