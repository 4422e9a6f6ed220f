// The README's "Use from Kotlin" code, compiled and run by scripts/test-kotlin.sh; the README block
// between the README-KOTLIN markers must equal the lines between them here (the script checks).
package dev.clipforge.test

import dev.clipforge.Clipforge
import dev.clipforge.ffi.ClipforgeException
import dev.clipforge.ffi.Fit
import dev.clipforge.ffi.LoopMode
import dev.clipforge.ffi.LoopSpec
import dev.clipforge.ffi.OutputSpec
import dev.clipforge.ffi.Recipe
import dev.clipforge.ffi.Trim
import kotlinx.coroutines.flow.MutableStateFlow

// README-KOTLIN-BEGIN
suspend fun makeLoop(clip: String, outDir: String, progress: MutableStateFlow<Float>): List<String> {
    val info = Clipforge.probe(clip)                      // container, duration, streams
    println("${info.container}, ${info.duration} s")
    val recipe = Recipe(
        source = clip,
        trim = Trim(start = 0.5, end = 2.5),
        looping = LoopSpec(mode = LoopMode.REPEAT, duration = 6.0),
        outputs = listOf(
            OutputSpec(path = "$outDir/loop-9x16.mp4", aspect = "9:16", height = 640u, fit = Fit.BLUR),
            OutputSpec(path = "$outDir/loop-1x1.mp4", aspect = "1:1", height = 360u, fit = Fit.CROP),
        ),
    )
    return try {
        // Cancelling this coroutine cancels the export and leaves no file behind.
        Clipforge.export(recipe) { p -> progress.value = p }  // 0..1 from a worker thread; UI collects it
            .map { "${it.path}: ${it.width}x${it.height}, ${it.frames} frames" }
    } catch (e: ClipforgeException.InvalidRecipe) {
        listOf("bad recipe: ${e.message}")                    // every kind is a subclass with `message`
    }
}
// README-KOTLIN-END
