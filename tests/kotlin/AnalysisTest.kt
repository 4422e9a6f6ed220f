// Seamless-loop candidates from Kotlin on the JVM (loopPoints, LoopSearch, LoopPoint), against the
// host release build of libclipforge_ffi.so and fixtures/analysis/media (scripts/setup-analysis.sh):
// the best window of a clip whose picture comes back every 2.4 s is a whole number of periods, a
// clip without a loop says so, bad input is a typed exception; a LoopMode.SEAMLESS export loops on
// that window (its length checked with ffprobe) and reports it. Fit.SMART: refused before the subject
// models are registered, then (registered with Clipforge.registerSubjectModels) the crop follows the
// astronaut: FFmpeg's decoded pixels show her suit where the centred crop shows only brick.
// Usage: java -Djna.library.path=target/release -cp ... dev.clipforge.test.analysis.AnalysisTestKt REPO_ROOT
package dev.clipforge.test.analysis

import dev.clipforge.Clipforge
import dev.clipforge.ClipforgeException
import dev.clipforge.Fit
import dev.clipforge.SmartReport
import dev.clipforge.SubjectKind
import dev.clipforge.registerSubjectModels
import dev.clipforge.subjectModelsRegistered
import kotlinx.coroutines.runBlocking
import dev.clipforge.LoopMode
import dev.clipforge.LoopSearch
import dev.clipforge.LoopSpec
import dev.clipforge.OutputSpec
import dev.clipforge.Recipe
import dev.clipforge.loopPoints
import dev.clipforge.startExport
import java.io.File
import kotlin.math.abs
import kotlin.math.roundToLong
import kotlin.system.exitProcess

private val results = mutableListOf<Pair<String, String?>>()

private fun test(name: String, body: () -> Unit) {
    val t0 = System.nanoTime()
    val error = try { body(); null } catch (e: Throwable) { "${e::class.simpleName}: ${e.message}" }
    results += name to error
    println("${if (error == null) "PASS" else "FAIL"} $name (${(System.nanoTime() - t0) / 1_000_000} ms)${error?.let { ": $it" } ?: ""}")
}

private fun expect(cond: Boolean, what: () -> String) {
    if (!cond) throw AssertionError(what())
}

fun main(args: Array<String>) {
    val media = File(File(args.getOrElse(0) { "." }).absoluteFile, "fixtures/analysis/media")
    fun clip(name: String) = File(media, name).path.also { expect(File(it).isFile) { "$it missing: run scripts/setup-analysis.sh" } }

    test("loopPoints: the best window of a 2.4 s periodic clip is a whole number of periods, ranked, seamless") {
        val points: List<dev.clipforge.LoopPoint> = loopPoints(clip("loop_period.mp4"), LoopSearch(min = 2.0, max = 6.0, count = 3))
        expect(points.size == 3) { "points $points" }
        val best = points[0]
        val frames: Long = ((best.end - best.start) * 30.0).roundToLong()
        val periods: Long = maxOf(1L, (frames / 72.0).roundToLong())
        expect(abs(frames - periods * 72L) <= 1L) { "best window $frames frames: $points" }
        expect(best.seamless && best.seam <= 1.5 && best.score > 0.0 && best.score <= 1.0) { "best $best" }
        expect(points.zipWithNext().all { (a, b) -> a.score >= b.score }) { "not ranked: $points" }
        val c: Int = 2
        expect(loopPoints(clip("loop_period.mp4"), LoopSearch(start = 1.0, end = 5.0, max = 3.0, count = c)).all { it.start >= 1.0 - 1e-6 && it.end <= 5.0 + 1e-6 }) { "range" }
    }

    test("loopPoints: a clip without a loop gets its best window, seamless = false; defaults when search is null") {
        val points = loopPoints(clip("object_cross.mp4"), null)
        expect(points.isNotEmpty() && !points[0].seamless) { "points $points" }
        expect(points.size == 5 && points.all { it.end - it.start in 1.99..6.01 }) { "defaults (5 candidates, 2–6 s): $points" }
    }

    test("loopPoints errors: Io (missing), UnsupportedInput (not a video), InvalidRecipe (min > max, count -1)") {
        try { loopPoints(File(media, "missing.mp4").path, null); throw AssertionError("no error") } catch (e: ClipforgeException.Io) {}
        val text = File.createTempFile("clipforge-kt", ".mp4").apply { writeText("not a video"); deleteOnExit() }
        try { loopPoints(text.path, null); throw AssertionError("no error") } catch (e: ClipforgeException.UnsupportedInput) {}
        try { loopPoints(clip("loop_period.mp4"), LoopSearch(min = 6.0, max = 2.0)); throw AssertionError("no error") } catch (e: ClipforgeException.InvalidRecipe) {}
        try { loopPoints(clip("loop_period.mp4"), LoopSearch(count = -1)); throw AssertionError("no error") } catch (e: ClipforgeException.InvalidRecipe) {}
    }

    test("LoopMode.SEAMLESS export: loops whole periods, reports its window; two clips are refused") {
        val out = kotlin.io.path.createTempDirectory("clipforge-kt-seamless").toFile().apply { deleteOnExit() }
        val target = File(out, "loop.mp4")
        val recipe = Recipe(source = clip("loop_period.mp4"), loop = LoopSpec(mode = LoopMode.SEAMLESS, duration = 9.6, crossfade = 0.3),
            outputs = listOf(OutputSpec(path = target.path, aspect = "16:9", height = 180)))
        val report = startExport(recipe).join().single()
        val w = report.loopWindow ?: throw AssertionError("no loopWindow in $report")
        val frames: Long = ((w.end - w.start) * 30.0).roundToLong()
        expect(abs(frames - maxOf(1L, (frames / 72.0).roundToLong()) * 72L) <= 1L && w.seamless && w.score > 0.0) { "window $w" }
        // FFmpeg's own reading of the file: 9.6 s of video.
        val p = ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "stream=nb_frames",
            "-of", "default=nw=1:nk=1", target.path).redirectErrorStream(true).start()
        val nb = p.inputStream.bufferedReader().readText().trim()
        expect(p.waitFor() == 0 && nb == "288") { "ffprobe frames: $nb" }
        val two = dev.clipforge.Clip(source = clip("loop_period.mp4"))
        try {
            startExport(recipe.copy(source = null, clips = listOf(two, two), outputs = listOf(OutputSpec(path = File(out, "x.mp4").path, aspect = "1:1")))).join()
            throw AssertionError("no error")
        } catch (e: ClipforgeException.InvalidRecipe) {
            expect(e.message!!.contains("single video clip")) { "message ${e.message}" }
        }
    }

    val root = File(args.getOrElse(0) { "." }).absoluteFile
    val ortLib = File(root, ".cache/onnxruntime/libonnxruntime.so.1.31.1").path
    val faceModel = File(root, "fixtures/models/blazeface_back_256.onnx").path
    val saliencyModel = File(root, "fixtures/models/efficientnet_lite0.onnx").path
    val smartDir = kotlin.io.path.createTempDirectory("clipforge-kt-smart").toFile().apply { deleteOnExit() }
    fun smartRecipe(name: String, fit: Fit) = Recipe(source = clip("subject_cross.mp4"),
        outputs = listOf(OutputSpec(path = File(smartDir, name).path, aspect = "9:16", height = 480, fit = fit)))

    test("Fit.SMART before registerSubjectModels: InvalidRecipe saying how to register them") {
        expect(!subjectModelsRegistered()) { "registered already" }
        try { startExport(smartRecipe("early.mp4", Fit.SMART)).join(); throw AssertionError("no error") } catch (e: ClipforgeException.InvalidRecipe) {
            expect(e.message!!.contains("registerSubjectModels")) { "message ${e.message}" }
        }
        try { registerSubjectModels(ortLib, File(smartDir, "missing.onnx").path); throw AssertionError("no error") } catch (e: ClipforgeException.Io) {}
        expect(!subjectModelsRegistered()) { "a failed registration registered" }
    }

    test("Fit.SMART: Clipforge.registerSubjectModels, then the crop follows the face (FFmpeg's pixels) and the report says so") {
        runBlocking { Clipforge.registerSubjectModels(ortLib, faceModel, saliencyModel) }
        expect(subjectModelsRegistered()) { "not registered" }
        val smart = runBlocking { Clipforge.export(smartRecipe("smart.mp4", Fit.SMART)) }.single()
        val s: SmartReport = smart.smart ?: throw AssertionError("no smart report in $smart")
        expect(!s.fallback && s.subjectFrames >= 0.95 && s.spans.isNotEmpty() && s.spans.all { it.kind == SubjectKind.FACE }) { "report $s" }
        val crop = runBlocking { Clipforge.export(smartRecipe("crop.mp4", Fit.CROP)) }.single()
        expect(crop.smart == null) { "crop has a smart report: $crop" }
        // At 7.5 s the astronaut stands at the right (x 920–1240 of 1280): the smart crop shows her
        // orange suit, the centred crop (x 437–843) only brick.
        fun orangeShare(file: String, t: Double): Double {
            val p = ProcessBuilder("ffmpeg", "-v", "error", "-ss", "$t", "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start()
            val rgb = p.inputStream.readBytes()
            expect(p.waitFor() == 0 && rgb.size == 270 * 480 * 3) { "ffmpeg gave ${rgb.size} bytes" }
            var n = 0
            for (i in rgb.indices step 3) {
                val (r, g, b) = Triple(rgb[i].toInt() and 255, rgb[i + 1].toInt() and 255, rgb[i + 2].toInt() and 255)
                if (r > 150 && g in 40..150 && b < 100 && r - g > 60) n++
            }
            return n / (270.0 * 480.0)
        }
        val (inSmart, inCrop) = orangeShare(smart.path, 7.5) to orangeShare(crop.path, 7.5)
        expect(inSmart > 0.05 && inCrop < 0.005) { "orange share at 7.5 s: smart $inSmart, crop $inCrop" }
    }

    val failed = results.filter { it.second != null }
    println()
    println("Kotlin analysis bindings: ${results.size - failed.size} passed, ${failed.size} failed")
    failed.forEach { println("  FAILED ${it.first}: ${it.second}") }
    exitProcess(if (failed.isEmpty()) 0 else 1)
}
