import Instrumentation
import NIOHTTP1

/// Puts trace context (e.g. W3C `traceparent`) into outgoing request headers, for whatever
/// instrument the application bootstrapped (swift-distributed-tracing).
struct HTTPHeadersInjector: Injector {
    func inject(_ value: String, forKey key: String, into headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: key, value: value)
    }
}
