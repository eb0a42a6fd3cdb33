// The thin Swift layer the iOS shell uses over the generated bindings (OrientationCore.swift, same module):
// async search that a cancelled Task interrupts, an AsyncStream of catalogue states, closures for callbacks,
// and the explicit cancellation Swift needs (it does not cancel Rust futures when a Task is cancelled).
// It mirrors bindings/kotlin/fr/spro/orientation/OrientationKtx.kt, which is tested on the JVM; no Swift
// toolchain exists on our build machines, so keep this file as small as that one.

import Foundation

extension Catalogue {
    /// Searches on a background thread; cancelling the calling Task interrupts the search, which then
    /// throws `CancellationError` (`OrientationError.Interrupted` only when someone else interrupted it).
    public func search(_ query: SearchQuery) async throws -> SearchPage {
        do {
            return try await withTaskCancellationHandler {
                try await Task.detached(priority: .userInitiated) { [self] in
                    try self.search(query: query)
                }.value
            } onCancel: {
                self.interrupt()
            }
        } catch OrientationError.Interrupted(_) where Task.isCancelled {
            throw CancellationError()
        }
    }

    /// A sheet read on a background thread.
    public func sheet(_ id: String) async throws -> Sheet {
        try await Task.detached(priority: .userInitiated) { [self] in
            try self.sheet(id: id)
        }.value
    }
}

private final class StateForwarder: CatalogueStateListener, @unchecked Sendable {
    let continuation: AsyncStream<CatalogueState>.Continuation
    init(_ continuation: AsyncStream<CatalogueState>.Continuation) { self.continuation = continuation }
    func onState(state: CatalogueState) throws { continuation.yield(state) }
}

private final class ProgressForwarder: BuildProgressListener, @unchecked Sendable {
    let onProgress: @Sendable (BuildProgress) -> Void
    init(_ onProgress: @escaping @Sendable (BuildProgress) -> Void) { self.onProgress = onProgress }
    func onProgress(progress: BuildProgress) throws { onProgress(progress) }
}

private final class LogForwarder: Logger, @unchecked Sendable {
    let log: @Sendable (LogRecord) -> Void
    init(_ log: @escaping @Sendable (LogRecord) -> Void) { self.log = log }
    func log(record: LogRecord) throws { log(record) }
}

extension Orientation {
    /// The catalogue state: the current one first, then each change, until the stream's consumer stops.
    public func catalogueStates() throws -> AsyncStream<CatalogueState> {
        let (stream, continuation) = AsyncStream<CatalogueState>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let handle = try watchCatalogue(listener: StateForwarder(continuation))
        continuation.onTermination = { _ in handle.cancel() }
        return stream
    }

    /// Builds the catalogue; `onProgress` runs on a background thread. Cancelling the calling Task cancels
    /// the build (it then throws `OrientationError.Cancelled` and the previous catalogue stays).
    public func buildCatalogue(onProgress: @escaping @Sendable (BuildProgress) -> Void) async throws -> BuildReport {
        try await withTaskCancellationHandler {
            try await buildCatalogue(listener: ProgressForwarder(onProgress))
        } onCancel: {
            self.cancelCatalogueBuild()
        }
    }

    /// Opens the catalogue, building it first when there is none: what the app calls at start-up.
    public func openCatalogue(onProgress: @escaping @Sendable (BuildProgress) -> Void = { _ in }) async throws -> Catalogue {
        try await withTaskCancellationHandler {
            try await openCatalogue(listener: ProgressForwarder(onProgress))
        } onCancel: {
            self.cancelCatalogueBuild()
        }
    }
}

/// Sends the Rust side's logs to `log` (in the app: `os_log(type(for: record.level), "%{public}@", record.message)`
/// with a `Logger(subsystem:category: record.target)`). Called from any thread.
public func setLogger(level: LogLevel = .info, _ log: @escaping @Sendable (LogRecord) -> Void) {
    setLogger(logger: LogForwarder(log), level: level)
}
