// The README's "Use from Kotlin" code, compiled and run by scripts/test-kotlin.sh; the README block
// between the README-KOTLIN markers must equal the lines between them here (the script checks).
package dev.clipforge.test

// README-KOTLIN-BEGIN
import dev.clipforge.Clipforge
import dev.clipforge.ClipforgeException
import dev.clipforge.ExportEvent
import dev.clipforge.Fit
import dev.clipforge.LoopMode
import dev.clipforge.LoopSpec
import dev.clipforge.OutputSpec
import dev.clipforge.Recipe
import dev.clipforge.Trim
import kotlinx.coroutines.flow.MutableStateFlow

suspend fun makeLoop(clip: String, outDir: String, progress: MutableStateFlow<Float>): List<String> {
    val info = Clipforge.probe(clip)                      // container, duration, streams
    println("${info.container}, ${info.duration} s")
    val recipe = Recipe(
        source = clip,
        trim = Trim(start = 0.5, end = 2.5),
        loop = LoopSpec(mode = LoopMode.REPEAT, duration = 6.0),
        outputs = listOf(
            OutputSpec(path = "$outDir/loop-9x16.mp4", aspect = "9:16", height = 640, fit = Fit.BLUR),
            OutputSpec(path = "$outDir/loop-1x1.mp4", aspect = "1:1", height = 360, fit = Fit.CROP),
        ),
    )
    val lines = mutableListOf<String>()
    try {
        // Collecting runs the export; cancelling the collector cancels it and leaves no file behind.
        Clipforge.exportEvents(recipe).collect { event ->
            when (event) {
                is ExportEvent.Progress -> progress.value = event.fraction  // 0..1, in the collector's context
                is ExportEvent.Done -> event.reports.mapTo(lines) { "${it.path}: ${it.width}x${it.height}, ${it.frames} frames" }
            }
        }
    } catch (e: ClipforgeException.InvalidRecipe) {
        lines += "bad recipe: ${e.message}"                   // every kind is a subclass with `message`
    }
    return lines
}

// A trim screen: filmstrip, waveform, and the exact frame under the finger.
suspend fun trimScreen(clip: String, finger: List<Double>): List<Double> {
    Clipforge.thumbnails(clip, count = 10, height = 160).collect { thumb ->
        println("thumbnail ${thumb.index} at ${thumb.time} s: ${thumb.picture.width}x${thumb.picture.height} RGBA")
    }
    val wave = Clipforge.waveform(clip, buckets = 200)    // min/max per bucket, -1..1
    println("${wave.peaks.size} peaks over ${wave.duration} s")
    return Clipforge.frameReader(clip, height = 360).use { reader ->  // keep it open while scrubbing
        finger.map { t -> Clipforge.frameAt(reader, t).time }          // picture.data: RGBA
    }
}
// README-KOTLIN-END
