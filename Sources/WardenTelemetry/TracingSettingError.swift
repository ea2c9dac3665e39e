/// An OpenTelemetry variable asks for what Warden cannot do; the message names it and the fix.
public struct TracingSettingError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
