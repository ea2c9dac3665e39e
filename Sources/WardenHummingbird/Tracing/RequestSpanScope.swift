/// Whether this task is inside a request's span already (``RequestTracingMiddleware``):
/// Hummingbird answers `HEAD` through the `GET` route's responder, middleware included, and one
/// request is one span.
enum RequestSpanScope {
    @TaskLocal static var isOpen = false
}
