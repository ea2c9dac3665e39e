import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WardenCore
import WardenServer

/// Turns whatever escapes a handler into a standard answer: ``OAuthError``s and Hummingbird's
/// HTTP errors pass as they are; a storage failure is 503 `temporarily_unavailable` with
/// `Retry-After` (logged once per outage, ``StorageOutageLog``); anything
/// else is 500 `server_error` with no detail (the detail goes to the log, never a secret in it).
/// It also counts OAuth errors by code and times every request (``ServerMetrics``).
struct ServerErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let outage: StorageOutageLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        func record(_ status: Int) {
            // The route template (bounded), never the raw path.
            let route = context.endpointPath ?? "unmatched"
            metrics.recordRequest(route: route, method: request.method.rawValue, status: status, duration: ContinuousClock.now - started)
        }
        do {
            let response = try await next(request, context)
            record(response.status.code)
            return response
        } catch let error as OAuthError {
            metrics.recordError(error.code)
            record(error.statusCode)
            throw error
        } catch let error as any HTTPResponseError {
            record(error.status.code)
            throw error
        } catch let error as StoreError {
            outage.failed(error, logger: context.logger)
            metrics.recordError("temporarily_unavailable")
            record(503)
            // RFC 9110 §10.2.3: when to try again.
            throw OAuthError.temporarilyUnavailable("The server cannot reach its storage; try again shortly.", retryAfter: 5)
        } catch {
            context.logger.error("internal error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            metrics.recordError("server_error")
            record(500)
            throw OAuthError.serverError("The server failed to handle the request.")
        }
    }
}
