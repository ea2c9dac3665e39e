/// Why a ``DetectionSetting`` could not be read, in words for the command line.
public struct DetectionSettingError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
