// Idiomatic Swift over the generated bindings (Generated/Clipforge.swift): async throws, progress as an
// AsyncStream, cancellation through Task cancellation. Errors are `ClipforgeError` cases, one per kind,
// each with `message`.
import Foundation

/// Bridges the Rust worker thread's progress calls into an AsyncStream.
private final class StreamListener: ExportListener, @unchecked Sendable {
    let continuation: AsyncStream<Float>.Continuation
    init(_ continuation: AsyncStream<Float>.Continuation) { self.continuation = continuation }
    func onProgress(fraction: Float) { continuation.yield(fraction) }
}

/// Named `Composer`, not `Clipforge`: a type named like its module would hide the module name that
/// qualifies the generated free functions (`Clipforge.probe`).
public enum Composer {
    /// Container and stream facts of a local media file (reads the file off the caller's actor).
    public static func probe(path: String) async throws -> MediaInfo {
        try await Task.detached { try Clipforge.probe(path: path) }.value
    }

    /// Exports `recipe`; every output or none is written. Progress 0..1 goes to `progress` if given.
    /// Cancelling the calling Task cancels the export; it then throws `ClipforgeError.Cancelled`
    /// after the partial files are gone.
    public static func export(_ recipe: Recipe,
                              progress: AsyncStream<Float>.Continuation? = nil) async throws -> [OutputReport] {
        defer { progress?.finish() }
        let job = try startExport(recipe: recipe, listener: progress.map { StreamListener($0) })
        return try await run(job)
    }

    /// `export` for recipe JSON (the README's format); relative paths resolve against `baseDir`.
    public static func exportJson(_ json: String, baseDir: String? = nil,
                                  progress: AsyncStream<Float>.Continuation? = nil) async throws -> [OutputReport] {
        defer { progress?.finish() }
        let job = try startExportJson(recipeJson: json, baseDir: baseDir, listener: progress.map { StreamListener($0) })
        return try await run(job)
    }

    /// Progress as a stream plus the export as a Task: `for await p in progress { ... }`, then
    /// `try await result.value`. `result.cancel()` cancels the export.
    public static func exportWithProgress(_ recipe: Recipe)
        -> (progress: AsyncStream<Float>, result: Task<[OutputReport], Error>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Float.self, bufferingPolicy: .bufferingNewest(1))
        let task = Task { try await export(recipe, progress: continuation) }
        return (stream, task)
    }

    private static func run(_ job: ExportJob) async throws -> [OutputReport] {
        try await withTaskCancellationHandler {
            try await job.outcome()
        } onCancel: {
            job.cancel()
        }
    }
}
