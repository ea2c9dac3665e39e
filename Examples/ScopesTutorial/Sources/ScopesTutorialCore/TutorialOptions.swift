public import ArgumentParser

/// The command-line options of both builds of the tutorial (`scopes-tutorial`,
/// `scopes-tutorial-vapor`): the same names, help and checks.
public struct TutorialOptions: ParsableArguments {
    @Option(help: "Address to listen on.")
    public var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    public var port = 8000

    @Option(help: ArgumentHelp("Trust tokens from this Warden authorization server (its issuer URL) instead of minting its own.", valueName: "url"))
    public var authorizationServer: String?

    public init() {}

    public func validate() throws {
        if let server = authorizationServer, !TutorialConfiguration.isIssuerURL(server) {
            throw ValidationError("--authorization-server must be Warden's issuer URL, e.g. http://127.0.0.1:8080")
        }
    }

    /// The app's settings from these options.
    public var configuration: TutorialConfiguration {
        var configuration = TutorialConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.authorizationServer = authorizationServer
        return configuration
    }

    /// What either build says when its port is taken.
    public var portInUse: TutorialFailure {
        TutorialFailure("cannot listen on \(host):\(port): the address is in use (another scopes-tutorial, or another program); stop it first or choose another --port")
    }
}
