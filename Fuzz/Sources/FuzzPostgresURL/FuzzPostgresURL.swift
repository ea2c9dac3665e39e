import Foundation
import FuzzSupport
import WardenPostgres

/// `WARDEN_DATABASE` as a PostgreSQL URL (hand-written on top of Foundation's URLComponents):
/// never a trap, whatever an operator or a deployment template puts there; what it accepts has
/// a host, a user, a pool of at least one; and no error message repeats the password (they are
/// printed and logged).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPostgresURL(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let url = try PostgresConnectionURL(text)
        guard !url.host.isEmpty, !url.user.isEmpty, url.configuration.options.maximumConnections >= 1 else {
            propertyFailed("accepted without host, user or pool: \(text.debugDescription)")
        }
    } catch {
        // The password, where the rest of the URL does not hold the same text anyway.
        guard let components = URLComponents(string: text), let password = components.password, password.count >= 3 else { return 0 }
        var withoutPassword = components
        withoutPassword.password = nil
        let rest = (withoutPassword.string ?? "") + (withoutPassword.queryItems?.map { "\($0.name)\($0.value ?? "")" }.joined() ?? "")
        guard !rest.contains(password) else { return 0 }
        guard !String(describing: error).contains(password), !String(reflecting: error).contains(password) else { propertyFailed("an error repeats the password: \(text.debugDescription)") }
    }
    return 0
}

@_cdecl("FuzzPostgresURL_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPostgresURL)
}
