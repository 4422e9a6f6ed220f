// Idiomatic Swift over the generated bindings (Generated/Clipforge.swift): async functions for every
// call that reads files or decodes, AsyncThrowingStreams for what streams (export and preview
// events, thumbnails), cancellation through Task cancellation. Errors are `ClipforgeError` cases, one per
// kind, each with `message`.
import Foundation

/// What `Composer.exportEvents` yields: progress, then the reports once every file is in place.
public enum ExportEvent: Sendable {
    /// 0..1, never decreasing.
    case progress(Float)
    /// The last event: one report per output, in recipe order.
    case done([OutputReport])
}

/// Bridges the export's progress thread (`clipforge-progress`, one per export) into a callback.
private final class ProgressListener: ExportListener, @unchecked Sendable {
    let deliver: @Sendable (Float) -> Void
    init(_ deliver: @escaping @Sendable (Float) -> Void) { self.deliver = deliver }
    func onProgress(fraction: Float) { deliver(fraction) }
}

private final class EventListener: PreviewListener, @unchecked Sendable {
    let deliver: (PreviewEvent) -> Bool
    init(_ deliver: @escaping (PreviewEvent) -> Bool) { self.deliver = deliver }
    func onEvent(event: PreviewEvent) -> Bool { deliver(event) }
}

/// Named `Composer`, not `Clipforge`: a type named like its module would hide the module name that
/// qualifies the generated free functions (`Clipforge.probe`).
public enum Composer {
    /// Runs blocking library work off the caller's actor (the main actor stays responsive).
    private static func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await Task.detached(priority: .userInitiated) { try work() }.value
    }

    /// Container and stream facts of a local media file.
    public static func probe(path: String) async throws -> MediaInfo {
        try await detached { try Clipforge.probe(path: path) }
    }

    // MARK: export

    /// Exports `recipe`; every output or none is written. Progress 0..1 goes to `progress` if given,
    /// from the export's progress thread. Cancelling the calling Task cancels the export; it then
    /// throws `ClipforgeError.Cancelled` after the partial files are gone.
    public static func export(_ recipe: Recipe,
                              progress: AsyncStream<Float>.Continuation? = nil) async throws -> [OutputReport] {
        defer { progress?.finish() }
        let job = try startExport(recipe: recipe, listener: progress.map { p in ProgressListener { p.yield($0) } })
        return try await run(job)
    }

    /// `export` for recipe JSON (the README's format); relative paths resolve against `baseDir`.
    public static func exportJson(_ json: String, baseDir: String? = nil,
                                  progress: AsyncStream<Float>.Continuation? = nil) async throws -> [OutputReport] {
        defer { progress?.finish() }
        let job = try startExportJson(recipeJson: json, baseDir: baseDir,
                                      listener: progress.map { p in ProgressListener { p.yield($0) } })
        return try await run(job)
    }

    /// Exporting `recipe` as a stream: `.progress` events, then one `.done` with the reports.
    /// Iterating runs the export; ending the iteration (or cancelling its Task) cancels it and
    /// leaves no file. Throws a `ClipforgeError` on failure.
    public static func exportEvents(_ recipe: Recipe) -> AsyncThrowingStream<ExportEvent, Error> {
        events { listener in try startExport(recipe: recipe, listener: listener) }
    }

    /// `exportEvents` for recipe JSON.
    public static func exportJsonEvents(_ json: String, baseDir: String? = nil) -> AsyncThrowingStream<ExportEvent, Error> {
        events { listener in try startExportJson(recipeJson: json, baseDir: baseDir, listener: listener) }
    }

    private static func events(_ start: @escaping @Sendable (ExportListener) throws -> ExportJob)
        -> AsyncThrowingStream<ExportEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let job = try start(ProgressListener { continuation.yield(.progress($0)) })
                    let reports = try await run(job)
                    continuation.yield(.done(reports))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
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

    // MARK: smart reframe (Fit.smart)

    /// Loads the subject models `Fit.smart` needs (BlazeFace; EfficientNet-Lite0 as the saliency
    /// fallback, nil for faces only) through ONNX Runtime's library `runtimeLib`, for every later
    /// export of this process: call it once at start-up, like the fonts.
    public static func registerSubjectModels(runtimeLib: String, faceModel: String, saliencyModel: String? = nil, threads: Int32 = 2) async throws {
        try await detached { try Clipforge.registerSubjectModels(runtimeLib: runtimeLib, faceModel: faceModel, saliencyModel: saliencyModel, threads: threads) }
    }

    /// `registerSubjectModels` with the models' bytes (e.g. from the app bundle's data).
    public static func registerSubjectModels(runtimeLib: String, faceModel: Data, saliencyModel: Data? = nil, threads: Int32 = 2) async throws {
        try await detached { try Clipforge.registerSubjectModelBytes(runtimeLib: runtimeLib, faceModel: faceModel, saliencyModel: saliencyModel, threads: threads) }
    }

    // MARK: fonts

    /// Registers a font file, or every font in a folder, for every later export of this process.
    public static func registerFontPath(_ path: String) async throws {
        try await detached { try Clipforge.registerFontPath(path: path) }
    }

    /// Registers a font from its bytes.
    public static func registerFontBytes(_ data: Data) async throws {
        try await detached { try Clipforge.registerFontBytes(data: data) }
    }

    /// Registers every font (`.ttf`, `.otf`, `.ttc`, `.otc`) the app ships in `subdirectory` of
    /// `bundle` (default `Bundle.main`, folder `fonts`), in one call. Returns how many.
    @discardableResult
    public static func registerBundledFonts(in bundle: Bundle = .main, subdirectory: String = "fonts") async throws -> Int {
        let urls = ["ttf", "otf", "ttc", "otc"].flatMap {
            bundle.urls(forResourcesWithExtension: $0, subdirectory: subdirectory) ?? []
        }
        let paths = urls.map(\.path).sorted()
        try await detached { for p in paths { try Clipforge.registerFontPath(path: p) } }
        return paths.count
    }

    // MARK: preview personalization

    /// Loads ONNX Runtime and the model (100–200 ms): a `PreviewRanker`.
    public static func previewRanker(runtimeLib: String, model: String, threads: Int32 = 2) async throws -> PreviewRanker {
        try await detached { try PreviewRanker(runtimeLib: runtimeLib, model: model, threads: threads) }
    }

    /// `previewRanker` with the model's bytes.
    public static func previewRanker(runtimeLib: String, modelBytes: Data, threads: Int32 = 2) async throws -> PreviewRanker {
        try await detached { try PreviewRanker.fromModelBytes(runtimeLib: runtimeLib, model: modelBytes, threads: threads) }
    }

    /// Poster frame and preview loop of `clip` for `profile`, written into the existing folder `outDir`.
    public static func preview(_ ranker: PreviewRanker, clip: String, profile: TasteProfile, outDir: String,
                               options: PreviewOptions? = nil) async throws -> PreviewResult {
        try await detached { try ranker.preview(clip: clip, profile: profile, outDir: outDir, options: options) }
    }

    /// `preview` as a stream, for a progressive UI: `.candidate` for each candidate frame as it is
    /// decoded and embedded (provisional scores; the first within tens of milliseconds), one
    /// `.ranked`, `.poster` once the poster file is written (the loop is still being made), then
    /// `.done` with the result. Ending the iteration (or cancelling its Task) stops the preview at
    /// its next event and leaves no file; after `.poster` only the loop's encoding is left, which
    /// finishes (both files stay).
    public static func previewEvents(_ ranker: PreviewRanker, clip: String, profile: TasteProfile, outDir: String,
                                     options: PreviewOptions? = nil) -> AsyncThrowingStream<PreviewEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task.detached(priority: .userInitiated) {
                do {
                    // The listener runs synchronously inside this task: `Task.isCancelled` is this task's.
                    let listener = EventListener { event in
                        if case .terminated = continuation.yield(event) { return false }
                        return !Task.isCancelled
                    }
                    _ = try ranker.preview(clip: clip, profile: profile, outDir: outDir, options: options, listener: listener)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// `clips` in prefetch order, most likely opened first.
    public static func rankClips(_ ranker: PreviewRanker, profile: TasteProfile, clips: [String]) async throws -> [ClipRank] {
        try await detached { try ranker.rankClips(profile: profile, clips: clips) }
    }

    /// Records in `profile` that the viewer liked `clip` (200–300 ms of sampling and the model).
    public static func likeClip(_ ranker: PreviewRanker, profile: TasteProfile, clip: String) async throws {
        try await detached { try ranker.likeClip(profile: profile, clip: clip) }
    }

    /// Records in `profile` that the viewer skipped `clip`.
    public static func skipClip(_ ranker: PreviewRanker, profile: TasteProfile, clip: String) async throws {
        try await detached { try ranker.skipClip(profile: profile, clip: clip) }
    }

    // MARK: editor

    /// `count` pictures evenly spread over `clip`, `height` pixels high, yielded as each is decoded
    /// (`picture.data` is RGBA unless `format` says PNG / JPEG). Ending the iteration stops the decoding.
    public static func thumbnails(clip: String, count: Int32, height: Int32,
                                  format: ImageFormat? = nil) -> AsyncThrowingStream<Thumbnail, Error> {
        AsyncThrowingStream { continuation in
            let task = Task.detached {
                do {
                    let strip = try Clipforge.thumbnails(clip: clip, count: count, height: height, format: format)
                    while !Task.isCancelled, let thumb = try strip.next() {
                        continuation.yield(thumb)
                    }
                    strip.cancel()
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Opens `clip` for scrubbing at `height` pixels; keep it while the trim screen is open.
    public static func frameReader(clip: String, height: Int32) async throws -> FrameReader {
        try await detached { try FrameReader(clip: clip, height: height) }
    }

    /// The frame `reader`'s clip shows at `seconds`: exact, fast when moving forward or back a little.
    public static func frameAt(_ reader: FrameReader, seconds: Double, format: ImageFormat? = nil) async throws -> VideoFrame {
        try await detached { try reader.frameAt(seconds: seconds, format: format) }
    }

    /// Min/max audio peaks of `clip` in `buckets` equal stretches.
    public static func waveform(clip: String, buckets: Int32) async throws -> Waveform {
        try await detached { try Clipforge.waveform(clip: clip, buckets: buckets) }
    }
}
