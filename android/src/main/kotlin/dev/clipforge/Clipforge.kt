// Idiomatic Kotlin over the generated bindings (dev.clipforge.ffi): suspend functions, progress as a
// Flow, cancellation through coroutine cancellation. Platform-free: compiled and tested on the JVM
// (tests/kotlin), used unchanged on Android.
package dev.clipforge

import dev.clipforge.ffi.ExportJob
import dev.clipforge.ffi.ExportListener
import dev.clipforge.ffi.MediaInfo
import dev.clipforge.ffi.OutputReport
import dev.clipforge.ffi.PreviewOptions
import dev.clipforge.ffi.PreviewRanker
import dev.clipforge.ffi.PreviewResult
import dev.clipforge.ffi.TasteProfile
import dev.clipforge.ffi.ClipRank
import dev.clipforge.ffi.Recipe
import dev.clipforge.ffi.startExport
import dev.clipforge.ffi.startExportJson
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.channelFlow
import kotlinx.coroutines.withContext

/**
 * Entry points for apps. Errors are [dev.clipforge.ffi.ClipforgeException] subclasses, one per kind
 * (`InvalidRecipe`, `UnsupportedInput`, `Io`, `Cancelled`, `LimitExceeded`, `Internal`), each with `message`.
 */
object Clipforge {
    /** Container and stream facts of a local media file; reads the file on [Dispatchers.IO]. */
    suspend fun probe(path: String): MediaInfo = withContext(Dispatchers.IO) { dev.clipforge.ffi.probe(path) }

    /**
     * Exports [recipe]; every output or none is written. [onProgress] gets 0..1 (never decreasing) on a
     * clipforge worker thread. Cancelling the calling coroutine cancels the export, and this function
     * returns (throwing [CancellationException]) only after the partial files are gone.
     */
    suspend fun export(recipe: Recipe, onProgress: (Float) -> Unit = {}): List<OutputReport> =
        startExport(recipe, listener(onProgress)).runToEnd()

    /** [export] for recipe JSON (the README's format); relative paths resolve against [baseDir]. */
    suspend fun exportJson(recipeJson: String, baseDir: String? = null, onProgress: (Float) -> Unit = {}): List<OutputReport> =
        startExportJson(recipeJson, baseDir, listener(onProgress)).runToEnd()

    /**
     * Progress of exporting [recipe] as a Flow: runs when collected, emits 0..1 (the latest value when the
     * collector is slow), completes when the files are in place, throws a ClipforgeException on failure.
     * Cancelling the collector cancels the export.
     */
    fun exportProgress(recipe: Recipe): Flow<Float> = channelFlow {
        export(recipe) { trySend(it) }
    }.buffer(Channel.CONFLATED)

    /**
     * Poster frame and preview loop of [clip] for [profile], written into the existing folder [outDir];
     * runs the model and the encoder on [Dispatchers.IO]. Not cancellable midway: a cancelled coroutine
     * still waits for this clip (about a second) before it throws.
     */
    suspend fun preview(
        ranker: PreviewRanker, clip: String, profile: TasteProfile, outDir: String, options: PreviewOptions? = null,
    ): PreviewResult = withContext(Dispatchers.IO) { ranker.preview(clip, profile, outDir, options) }

    /** [PreviewRanker.rankClips] on [Dispatchers.IO]: [clips] in prefetch order, most likely opened first. */
    suspend fun rankClips(ranker: PreviewRanker, profile: TasteProfile, clips: List<String>): List<ClipRank> =
        withContext(Dispatchers.IO) { ranker.rankClips(profile, clips) }

    private fun listener(onProgress: (Float) -> Unit) = object : ExportListener {
        override fun onProgress(fraction: Float) = onProgress(fraction)
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
