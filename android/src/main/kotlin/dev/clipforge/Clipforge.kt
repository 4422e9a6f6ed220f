// Idiomatic Kotlin over the generated bindings (clipforge_ffi.kt, the same package): suspend
// functions for every call that reads files or decodes, Flows for what streams (export events,
// thumbnails), cancellation through coroutine cancellation. Platform-free: compiled and tested on
// the JVM (tests/kotlin), used unchanged on Android (src/main/kotlin-android adds AssetManager
// helpers).
package dev.clipforge

import com.sun.jna.Native
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.channelFlow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.flowOn
import kotlinx.coroutines.withContext
import java.io.InputStream

/** What [Clipforge.exportEvents] emits: progress, then the reports once every file is in place. */
sealed class ExportEvent {
    /** 0..1, never decreasing. */
    data class Progress(val fraction: Float) : ExportEvent()

    /** The last event: one report per output, in recipe order. */
    data class Done(val reports: List<OutputReport>) : ExportEvent()
}

/**
 * Entry points for apps. Errors are [ClipforgeException] subclasses, one per kind (`InvalidRecipe`,
 * `UnsupportedInput`, `Io`, `Cancelled`, `LimitExceeded`, `Internal`, `InvalidFont`, `MissingGlyphs`,
 * `InvalidProfile`), each with `message`. Every `suspend` function here runs its blocking work on
 * [Dispatchers.IO]: safe to call from the main thread.
 */
object Clipforge {
    /** Name of the thread every progress callback of an export runs on (one thread per export). */
    const val PROGRESS_THREAD = "clipforge-progress"

    /** Container and stream facts of a local media file. */
    suspend fun probe(path: String): MediaInfo = io { dev.clipforge.probe(path) }

    // ---- export -----------------------------------------------------------------------------------

    /**
     * Exports [recipe]; every output or none is written. [onProgress] gets 0..1 (never decreasing) on
     * the export's progress thread ([PROGRESS_THREAD], the same thread for every call of one export;
     * hop to your UI thread yourself, or collect [exportEvents] where you like). Cancelling the calling
     * coroutine cancels the export, and this function returns (throwing [CancellationException]) only
     * after the partial files are gone.
     */
    suspend fun export(recipe: Recipe, onProgress: (Float) -> Unit = {}): List<OutputReport> =
        startExport(recipe, ProgressListener(onProgress)).runToEnd()

    /** [export] for recipe JSON (the README's format); relative paths resolve against [baseDir]. */
    suspend fun exportJson(recipeJson: String, baseDir: String? = null, onProgress: (Float) -> Unit = {}): List<OutputReport> =
        startExportJson(recipeJson, baseDir, ProgressListener(onProgress)).runToEnd()

    /**
     * Exporting [recipe] as a Flow: [ExportEvent.Progress] events, then one [ExportEvent.Done] with the
     * reports. Runs when collected, delivers on the collector's context (choose it with `flowOn` /
     * where you collect), throws a [ClipforgeException] on failure. Cancelling the collector cancels
     * the export and leaves no file.
     */
    fun exportEvents(recipe: Recipe): Flow<ExportEvent> = events { export(recipe, it) }

    /** [exportEvents] for recipe JSON. */
    fun exportJsonEvents(recipeJson: String, baseDir: String? = null): Flow<ExportEvent> =
        events { exportJson(recipeJson, baseDir, it) }

    private fun events(run: suspend ((Float) -> Unit) -> List<OutputReport>): Flow<ExportEvent> = channelFlow {
        val reports = run { trySend(ExportEvent.Progress(it)) }
        send(ExportEvent.Done(reports))
    }.buffer(Channel.UNLIMITED) // at most ~200 progress steps: none is dropped, Done never is

    // ---- fonts ------------------------------------------------------------------------------------

    /** Registers a font file, or every font in a folder, for every later export of this process. */
    suspend fun registerFontPath(path: String) = io { dev.clipforge.registerFontPath(path) }

    /** Registers a font from its bytes. */
    suspend fun registerFontBytes(bytes: ByteArray) = io { dev.clipforge.registerFontBytes(bytes) }

    /**
     * Registers every font (`.ttf`, `.otf`, `.ttc`, `.otc`) in the asset folder [dir], in one call:
     * [list] names a folder's entries, [open] reads one (`assets::list`, `assets::open` on Android, or
     * use the `AssetManager` overload in `AndroidFonts.kt`). Returns how many were registered; a file
     * that is not a font is [ClipforgeException.InvalidFont].
     */
    suspend fun registerFontAssets(list: (String) -> Array<String>?, open: (String) -> InputStream, dir: String = "fonts"): Int = io {
        val fonts = list(dir).orEmpty().filter { it.substringAfterLast('.').lowercase() in FONT_EXTENSIONS }.sorted()
        for (name in fonts) {
            open("$dir/$name").use { dev.clipforge.registerFontBytes(it.readBytes()) }
        }
        fonts.size
    }

    private val FONT_EXTENSIONS = setOf("ttf", "otf", "ttc", "otc")

    // ---- smart reframe (Fit.SMART) -----------------------------------------------------------------

    /**
     * Loads the subject models [Fit.SMART] needs (BlazeFace; EfficientNet-Lite0 as the saliency
     * fallback, null for faces only) through ONNX Runtime's library [runtimeLib], for every later
     * export of this process: call it once at start-up, like the fonts.
     */
    suspend fun registerSubjectModels(runtimeLib: String, faceModel: String, saliencyModel: String? = null, threads: Int = 2) =
        io { dev.clipforge.registerSubjectModels(runtimeLib, faceModel, saliencyModel, threads) }

    /** [registerSubjectModels] with the models' bytes (e.g. read from assets). */
    suspend fun registerSubjectModels(runtimeLib: String, faceModel: ByteArray, saliencyModel: ByteArray? = null, threads: Int = 2) =
        io { dev.clipforge.registerSubjectModelBytes(runtimeLib, faceModel, saliencyModel, threads) }

    // ---- preview personalization ------------------------------------------------------------------

    /** Loads ONNX Runtime and the model (100–200 ms): a [PreviewRanker]. */
    suspend fun previewRanker(runtimeLib: String, model: String, threads: Int = 2): PreviewRanker =
        io { PreviewRanker(runtimeLib, model, threads) }

    /** [previewRanker] with the model's bytes (e.g. read from assets). */
    suspend fun previewRanker(runtimeLib: String, model: ByteArray, threads: Int = 2): PreviewRanker =
        io { PreviewRanker.fromModelBytes(runtimeLib, model, threads) }

    /**
     * Poster frame and preview loop of [clip] for [profile], written into the existing folder [outDir].
     * Not cancellable midway: a cancelled coroutine still waits for this clip (about a second).
     */
    suspend fun preview(ranker: PreviewRanker, clip: String, profile: TasteProfile, outDir: String, options: PreviewOptions? = null): PreviewResult =
        io { ranker.preview(clip, profile, outDir, options) }

    /**
     * [preview] as a Flow, for a progressive UI: a [PreviewEvent.Candidate] for each candidate frame as it is
     * decoded and embedded (provisional scores; the first within tens of milliseconds), one [PreviewEvent.Ranked],
     * a [PreviewEvent.Poster] once the poster file is written (the loop is still being made), then one
     * [PreviewEvent.Done] with the result. Cancelling the collection stops the preview at its next event and
     * leaves no file; after the poster event only the loop's encoding is left, which finishes (both files stay).
     */
    fun previewEvents(ranker: PreviewRanker, clip: String, profile: TasteProfile, outDir: String, options: PreviewOptions? = null): Flow<PreviewEvent> =
        channelFlow {
            val events = this
            withContext(Dispatchers.IO) {
                try {
                    ranker.preview(clip, profile, outDir, options, object : PreviewListener {
                        // Unlimited buffer: a send fails only once the collector has gone, which stops the preview.
                        override fun onEvent(event: PreviewEvent): Boolean = events.trySend(event).isSuccess
                    })
                } catch (e: ClipforgeException.Cancelled) {
                    ensureActive() // stopped because the collector went: end as a coroutine cancellation
                    throw e
                }
            }
        }.buffer(Channel.UNLIMITED)

    /** [clips] in prefetch order, most likely opened first. */
    suspend fun rankClips(ranker: PreviewRanker, profile: TasteProfile, clips: List<String>): List<ClipRank> =
        io { ranker.rankClips(profile, clips) }

    /** Records in [profile] that the viewer liked [clip] (200–300 ms of sampling and the model). */
    suspend fun likeClip(ranker: PreviewRanker, profile: TasteProfile, clip: String) = io { ranker.likeClip(profile, clip) }

    /** Records in [profile] that the viewer skipped [clip]. */
    suspend fun skipClip(ranker: PreviewRanker, profile: TasteProfile, clip: String) = io { ranker.skipClip(profile, clip) }

    // ---- editor -----------------------------------------------------------------------------------

    /**
     * [count] pictures evenly spread over [clip], [height] pixels high, emitted as each is decoded
     * (`picture.data` is RGBA unless [format] says PNG / JPEG). Cancelling the collector stops the
     * decoding after the picture in hand.
     */
    fun thumbnails(clip: String, count: Int, height: Int, format: ImageFormat? = null): Flow<Thumbnail> = flow {
        dev.clipforge.thumbnails(clip, count, height, format).use { strip ->
            while (true) emit(strip.next() ?: break)
        }
    }.flowOn(Dispatchers.IO)

    /** Opens [clip] for scrubbing at [height] pixels; keep it while the trim screen is open, then `close()`. */
    suspend fun frameReader(clip: String, height: Int): FrameReader = io { FrameReader(clip, height) }

    /** The frame [reader]'s clip shows at [seconds]: exact, fast when moving forward or back a little. */
    suspend fun frameAt(reader: FrameReader, seconds: Double, format: ImageFormat? = null): VideoFrame =
        io { reader.frameAt(seconds, format) }

    /** Min/max audio peaks of [clip] in [buckets] equal stretches. */
    suspend fun waveform(clip: String, buckets: Int): Waveform = io { dev.clipforge.waveform(clip, buckets) }

    // ---- plumbing ---------------------------------------------------------------------------------

    private suspend fun <T> io(block: () -> T): T = withContext(Dispatchers.IO) { block() }

    /**
     * Calls [onProgress] on the export's progress thread and keeps that thread attached to the JVM:
     * JNA otherwise attaches a native thread for each callback and detaches it after, which makes
     * every call look like a new Java thread. Attached once, it is one named [Thread] for the whole
     * export; JNA detaches it when the native thread ends.
     */
    private class ProgressListener(private val deliver: (Float) -> Unit) : ExportListener {
        override fun onProgress(fraction: Float) {
            val thread = Thread.currentThread()
            if (thread.name != PROGRESS_THREAD) {
                Native.detach(false)
                thread.name = PROGRESS_THREAD
            }
            deliver(fraction)
        }
    }

    private suspend fun ExportJob.runToEnd(): List<OutputReport> = use { job ->
        try {
            job.outcome()
        } catch (e: CancellationException) {
            job.cancel()
            // Wait (briefly: one frame's work) for the export to remove its partial files.
            withContext(NonCancellable) { runCatching { job.outcome() } }
            throw e
        }
    }
}
