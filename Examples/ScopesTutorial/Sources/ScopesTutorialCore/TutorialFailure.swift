/// A failure told in one line ("Error: …", exit code 1), without usage text.
public struct TutorialFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
