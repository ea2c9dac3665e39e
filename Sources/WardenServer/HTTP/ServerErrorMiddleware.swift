import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WardenCore

/// Turns whatever escapes a handler into a standard answer: ``OAuthError``s and Hummingbird's
/// HTTP errors pass as they are; a storage failure is 503 `temporarily_unavailable`; anything
/// else is 500 `server_error` with no detail (the detail goes to the log, never a secret in it).
struct ServerErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as OAuthError {
            throw error
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as StoreError {
            context.logger.error("storage failure", metadata: ["error": "\(error.debugDescription)"])
            throw OAuthError.temporarilyUnavailable("The server cannot reach its storage; try again shortly.")
        } catch {
            context.logger.error("internal error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            throw OAuthError.serverError("The server failed to handle the request.")
        }
    }
}
