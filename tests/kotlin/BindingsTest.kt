// Runs every item the clipforge FFI exports, from Kotlin on the JVM, against the host release build of
// libclipforge_ffi.so: real exports of fixtures with progress, cancellation (job and coroutine), every
// error kind as a typed exception, probe, the async variants and the idiomatic layer, captions and
// subtitles (typed and JSON, checked on decoded frames with the ffmpeg CLI), app fonts, and preview
// personalization (PreviewRanker, TasteProfile) with the real model and ONNX Runtime (system properties
// clipforge.ortLib / clipforge.model, set by scripts/test-kotlin.sh).
// Like a phone app, the library has only its built-in Noto Sans Bold until the test registers fonts
// (nothing is found on the build machine's disk).
// Usage: java -Djna.library.path=target/release -cp ... dev.clipforge.test.BindingsTestKt REPO_ROOT
package dev.clipforge.test

import dev.clipforge.*
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.io.File
import java.nio.file.Files
import java.security.MessageDigest
import java.util.Collections
import kotlin.system.exitProcess

private lateinit var root: File
private lateinit var media: File
private val results = mutableListOf<Pair<String, String?>>()

private fun test(name: String, body: () -> Unit) {
    val t0 = System.nanoTime()
    val failure = try {
        body(); null
    } catch (e: Throwable) {
        "${e::class.qualifiedName}: ${e.message}"
    }
    val ms = (System.nanoTime() - t0) / 1_000_000
    println(if (failure == null) "PASS  $name (${ms} ms)" else "FAIL  $name (${ms} ms): $failure")
    results += name to failure
}

private fun expect(cond: Boolean, what: () -> String) {
    if (!cond) throw AssertionError(what())
}

/** Runs [body], which must throw exactly [T]; returns it. */
private inline fun <reified T : ClipforgeException> expectError(body: () -> Unit): T {
    try {
        body()
    } catch (e: ClipforgeException) {
        expect(e is T) { "expected ${T::class.simpleName}, got ${e::class.simpleName}: ${e.message}" }
        expect(!e.message.isNullOrBlank()) { "${T::class.simpleName} has no message" }
        return e as T
    }
    throw AssertionError("expected ${T::class.simpleName}, nothing was thrown")
}

private val tempDirs = mutableListOf<File>()
private fun tempDir(tag: String): File = Files.createTempDirectory("clipforge-kt-$tag").toFile().also { tempDirs += it }

/** Every file left in [dir], hidden *.part files included. */
private fun leftovers(dir: File): List<String> = dir.listFiles().orEmpty().map { it.name }.sorted()

/** Collects progress from the Rust worker thread and checks it is 0..1 and never decreasing. */
private class Recorder(val onEach: (Float) -> Unit = {}) : ExportListener {
    val values: MutableList<Float> = Collections.synchronizedList(mutableListOf())
    val threads: MutableSet<String> = Collections.synchronizedSet(mutableSetOf())
    override fun onProgress(fraction: Float) {
        values += fraction
        threads += Thread.currentThread().name
        onEach(fraction)
    }
    fun assertComplete() {
        val v = synchronized(values) { values.toList() }
        expect(v.size >= 5) { "too few progress events: $v" }
        expect(v.zipWithNext().all { (a, b) -> b >= a }) { "progress went back: $v" }
        expect(v.all { it in 0f..1f }) { "progress outside 0..1: $v" }
        expect(v.last() == 1f) { "progress did not end at 1.0: ${v.last()}" }
    }
}

private fun sha256(f: File): String =
    MessageDigest.getInstance("SHA-256").digest(f.readBytes()).joinToString("") { "%02x".format(it) }

private fun checkReport(r: OutputReport, w: Int, h: Int, seconds: Double) {
    val f = File(r.path)
    expect(f.isFile) { "missing output ${r.path}" }
    expect(r.width == w && r.height == h) { "${r.path}: ${r.width}x${r.height}, want ${w}x$h" }
    expect(Math.abs(r.duration - seconds) < 0.05) { "${r.path}: duration ${r.duration}, want $seconds" }
    expect(r.frames == (seconds * 30).toInt()) { "${r.path}: ${r.frames} frames at 30 fps for $seconds s" }
    expect(r.bytes == f.length()) { "${r.path}: bytes ${r.bytes} vs ${f.length()}" }
    expect(r.sha256 == sha256(f)) { "${r.path}: sha256 differs" }
    // The output probes back as H.264 at the reported size.
    val v = probe(r.path).streams.mapNotNull { it.video }.single()
    expect(v.width == w && v.height == h) { "${r.path} probes as ${v.width}x${v.height}" }
}

/** An 8 s full-size export, slow enough to cancel in the middle. */
private fun longRecipe(out: File) = Recipe(
    source = "counter.mp4",
    baseDir = media.path,
    loop = LoopSpec(mode = LoopMode.NONE),
    outputs = listOf(OutputSpec(path = File(out, "long.mp4").path, aspect = "9:16", height = 1280, fit = Fit.BLUR)),
)

/** Caption tests: 6 s of counter.mp4 at 270x480 (9:16), played once. */
private const val CAP_W = 270
private const val CAP_H = 480
private fun captionRecipe(out: File, name: String, captions: List<Caption>? = null, subtitles: SubtitlesSpec? = null) = Recipe(
    source = "counter.mp4", baseDir = media.path, trim = Trim(start = 0.0, end = 6.0), loop = LoopSpec(mode = LoopMode.NONE),
    outputs = listOf(OutputSpec(path = File(out, name).path, aspect = "9:16", height = CAP_H)),
    captions = captions, subtitles = subtitles,
)

/** The luma plane of the frame shown at [seconds], decoded by the ffmpeg CLI. */
private fun grayFrame(path: String, seconds: Double): ByteArray {
    val p = ProcessBuilder("ffmpeg", "-v", "error", "-ss", "$seconds", "-i", path, "-frames:v", "1",
        "-f", "rawvideo", "-pix_fmt", "gray", "-").redirectError(ProcessBuilder.Redirect.INHERIT).start()
    val bytes = p.inputStream.readBytes()
    expect(p.waitFor() == 0 && bytes.size == CAP_W * CAP_H) { "ffmpeg decoded ${bytes.size} bytes of $path at $seconds s" }
    return bytes
}

/** Share of the pixels in rows [from, to) (fractions of the height) whose luma differs by more than 48. */
private fun changed(a: ByteArray, b: ByteArray, from: Double, to: Double): Double {
    val rows = (from * CAP_H).toInt() until (to * CAP_H).toInt()
    val n = rows.sumOf { y -> (0 until CAP_W).count { x -> Math.abs((a[y * CAP_W + x].toInt() and 0xff) - (b[y * CAP_W + x].toInt() and 0xff)) > 48 } }
    return n.toDouble() / (rows.count() * CAP_W)
}

/** Frames of [withText] and [without] at [seconds]: text in rows [from, to), nothing elsewhere. */
private fun expectTextOnlyIn(withText: String, without: String, seconds: Double, from: Double, to: Double) {
    val (a, b) = grayFrame(withText, seconds) to grayFrame(without, seconds)
    val inside = changed(a, b, from, to)
    val outside = (changed(a, b, 0.0, from) * from + changed(a, b, to, 1.0) * (1 - to))
    expect(inside > 0.01) { "at $seconds s only ${"%.4f".format(inside)} of rows $from..$to changed: no text there" }
    expect(outside < 0.001) { "at $seconds s ${"%.4f".format(outside)} of the frame outside rows $from..$to changed" }
}

/** Two captions as typed records: bold-outline karaoke at the bottom all along, a custom box at the top from 4 s. */
private val typedCaptions = listOf(
    Caption(
        text = "CLIPFORGE 123", start = 0.0, end = 6.0, style = CaptionStyle(preset = StylePreset.BOLD_OUTLINE), position = CaptionPosition.Bottom,
        words = listOf(WordTime(start = 0.0, end = 3.0), WordTime(start = 3.0, end = 6.0)),
    ),
    Caption(
        text = "top box", start = 4.0, end = 6.0, position = CaptionPosition.At(x = 0.5f, y = 0.25f),
        style = CaptionStyle(preset = StylePreset.BOX, size = 0.06f, color = "#FFD600",
            align = TextAlign.CENTER, shadowOffset = ShadowOffset(x = 0.05f, y = 0.05f)),
        fadeIn = 0.2, pop = true,
    ),
)

/** [typedCaptions] as recipe JSON. */
private const val JSON_CAPTIONS = """[
    { "text": "CLIPFORGE 123", "start": 0, "end": 6, "style": "bold-outline", "position": "bottom",
      "words": [ { "start": 0, "end": 3 }, { "start": 3, "end": 6 } ] },
    { "text": "top box", "start": 4, "end": 6, "position": { "x": 0.5, "y": 0.25 },
      "style": { "preset": "box", "size": 0.06, "color": "#FFD600", "align": "center", "shadow_offset": [0.05, 0.05] },
      "fade_in": 0.2, "pop": true } ]"""

/** The counter fixture's frame number (8-bit barcode of 40 px cells at 560,320 in 1280x720) in a picture. */
private fun frameNumber(p: Picture): Int {
    expect(p.format == ImageFormat.RGBA && p.data.size == p.width * p.height * 4) { "picture ${p.width}x${p.height} ${p.format} ${p.data.size} bytes" }
    val s = p.width / 1280.0
    var n = 0
    for (b in 0 until 8) {
        val x = ((560 + 40 * (b % 4) + 20) * s).toInt()
        val y = ((320 + 40 * (b / 4) + 20) * s).toInt()
        val i = (y * p.width + x) * 4
        val luma = (p.data[i].toInt() and 0xff) + (p.data[i + 1].toInt() and 0xff) + (p.data[i + 2].toInt() and 0xff)
        if (luma > 3 * 128) n = n or (1 shl b)
    }
    return n
}

fun main(args: Array<String>) {
    root = File(args.getOrElse(0) { "." }).absoluteFile
    media = File(root, "fixtures/media")
    val counter = File(media, "counter.mp4").path

    test("clipforgeVersion") {
        expect(clipforgeVersion().matches(Regex("""\d+\.\d+\.\d+.*"""))) { "version '${clipforgeVersion()}'" }
    }

    test("probe: MediaInfo, StreamInfo, VideoStreamInfo, AudioStreamInfo") {
        val info = probe(counter)
        expect(info.container.contains("mp4")) { "container ${info.container}" }
        expect(Math.abs(info.duration - 8.0) < 0.1) { "duration ${info.duration}" }
        expect(info.sizeBytes == File(counter).length()) { "size ${info.sizeBytes}" }
        val video = info.streams.single { it.kind == "video" }
        val v = video.video!!
        expect(video.codec == "h264" && v.width == 1280 && v.height == 720) { "video $video" }
        expect(v.rotation == 0 && v.displayWidth == 1280 && Math.abs(v.fps - 30.0) < 0.01) { "video $v" }
        expect(v.pixelFormat == "yuv420p") { "pixel format ${v.pixelFormat}" }
        val a = info.streams.single { it.kind == "audio" }.audio!!
        expect(a.sampleRate == 44100 && a.channels == 1) { "audio $a" }
        val rotated = probe(File(media, "portrait_rotated.mp4").path).streams.mapNotNull { it.video }.single()
        expect(rotated.rotation != 0 && rotated.displayWidth == rotated.height) { "rotated $rotated" }
    }

    test("startExport typed recipe: repeat, three fits, one decode pass each (maxMemoryMb), progress from a Rust thread, join") {
        val out = tempDir("typed")
        val rec = Recorder()
        val recipe = Recipe(
            source = counter,
            trim = Trim(start = 0.5, end = 2.5),
            loop = LoopSpec(mode = LoopMode.REPEAT, duration = 6.0),
            audio = AudioSpec(mute = false),
            outputs = listOf(
                OutputSpec(path = File(out, "crop.mp4").path, aspect = "1:1", height = 240, fit = Fit.CROP, crf = 28),
                OutputSpec(path = File(out, "pad.mp4").path, aspect = "4:5", height = 320, fit = Fit.PAD, background = "#202020", preset = "ultrafast"),
                OutputSpec(path = File(out, "blur.mp4").path, aspect = "9:16", width = 180, height = 320, fit = Fit.BLUR, fps = 30.0, bitrate = 400_000L, encoder = "libx264"),
            ),
            // Below any output's estimate: three decode passes, progress still one monotonic 0..1.
            maxMemoryMb = 1,
        )
        val job = startExport(recipe, rec)
        val reports = job.join()
        expect(job.isFinished()) { "isFinished false after join" }
        expect(job.join() == reports) { "a second join differs" }
        expect(reports.size == 3) { "reports $reports" }
        checkReport(reports[0], 240, 240, 6.0)
        checkReport(reports[1], 256, 320, 6.0)
        checkReport(reports[2], 180, 320, 6.0)
        rec.assertComplete()
        expect(rec.threads.none { it == Thread.currentThread().name }) { "progress on the caller's thread" }
        expect(leftovers(out) == listOf("blur.mp4", "crop.mp4", "pad.mp4")) { "files ${leftovers(out)}" }
        job.close()
    }

    test("startExportJson: README recipe format, base dir, boomerang, async outcome()") {
        val out = tempDir("json")
        val json = """
            { "version": 1, "source": "counter.mp4",
              "trim": { "start": 1.0, "end": 2.0 },
              "loop": { "mode": "boomerang", "duration": 6.0 },
              "outputs": [ { "path": "${File(out, "boom.mp4").path}", "aspect": "16:9", "height": 180 } ] }
        """.trimIndent()
        val rec = Recorder()
        val reports = runBlocking { startExportJson(json, media.path, rec).use { it.outcome() } }
        checkReport(reports.single(), 320, 180, 6.0)
        rec.assertComplete()
        // Boomerang is muted by default: no audio stream.
        expect(probe(reports.single().path).streams.none { it.kind == "audio" }) { "boomerang has audio" }
    }

    test("Clipforge.export (suspend) and exportJson, LoopMode.NONE, no listener") {
        val out = tempDir("suspend")
        val recipe = Recipe(
            source = "counter.mp4", baseDir = media.path, trim = Trim(start = 1.0, end = 7.0),
            loop = LoopSpec(mode = LoopMode.NONE),
            outputs = listOf(OutputSpec(path = File(out, "none.mp4").path, aspect = "1:1", height = 160)),
        )
        val reports = runBlocking { Clipforge.export(recipe) }
        checkReport(reports.single(), 160, 160, 6.0)
        val json = """{"version":1,"source":"counter.mp4","loop":{"mode":"repeat","count":1},
            "outputs":[{"path":"${File(out, "j.mp4").path}","aspect":"1:1","height":160}]}"""
        val fromJson = runBlocking { Clipforge.exportJson(json, media.path) }
        checkReport(fromJson.single(), 160, 160, 8.0)
    }

    test("Clipforge.exportEvents: Progress events never decreasing, then Done with the reports") {
        val out = tempDir("flow")
        val recipe = Recipe(
            source = counter, trim = Trim(start = 0.0, end = 3.0), loop = LoopSpec(mode = LoopMode.REPEAT, count = 2),
            outputs = listOf(OutputSpec(path = File(out, "flow.mp4").path, aspect = "9:16", height = 320)),
        )
        val events = runBlocking { Clipforge.exportEvents(recipe).toList() }
        val done = events.last()
        expect(done is ExportEvent.Done) { "last event $done" }
        checkReport((done as ExportEvent.Done).reports.single(), 180, 320, 6.0)
        val values = events.dropLast(1).map { (it as ExportEvent.Progress).fraction }
        expect(values.isNotEmpty() && values.last() == 1f) { "progress values $values" }
        expect(values.zipWithNext().all { (a, b) -> b >= a }) { "progress went back: $values" }
        // JSON recipes too.
        val json = """{"version":1,"source":"counter.mp4","trim":{"end":3},"loop":{"mode":"repeat","count":2},
            "outputs":[{"path":"${File(out, "j.mp4").path}","aspect":"1:1","height":160}]}"""
        val last = runBlocking { Clipforge.exportJsonEvents(json, media.path).toList() }.last()
        expect(last is ExportEvent.Done && last.reports.single().width == 160) { "json events ended with $last" }
    }

    test("progress arrives on one stable thread per export (named clipforge-progress), not the caller's") {
        val out = tempDir("thread")
        val recipe = Recipe(
            source = counter, trim = Trim(start = 0.0, end = 3.0), loop = LoopSpec(mode = LoopMode.REPEAT, count = 2),
            outputs = listOf(OutputSpec(path = File(out, "a.mp4").path, aspect = "1:1", height = 240),
                             OutputSpec(path = File(out, "b.mp4").path, aspect = "9:16", height = 320)),
            maxMemoryMb = 1,  // two decode passes: two sets of worker threads inside
        )
        fun threadsOf(name: String): Pair<Int, Set<Thread>> {
            val threads = Collections.synchronizedSet(mutableSetOf<Thread>())
            val names = Collections.synchronizedSet(mutableSetOf<String>())
            var calls = 0
            runBlocking { Clipforge.export(recipe.copy(outputs = recipe.outputs.map { it.copy(path = File(out, "$name-" + File(it.path).name).path) })) {
                calls++; threads += Thread.currentThread(); names += Thread.currentThread().name
            } }
            expect(names == setOf(Clipforge.PROGRESS_THREAD)) { "thread names $names" }
            return calls to threads.toSet()
        }
        val (calls1, first) = threadsOf("one")
        val (calls2, second) = threadsOf("two")
        expect(calls1 >= 20 && calls2 >= 20) { "only $calls1 / $calls2 progress calls" }
        expect(first.size == 1 && second.size == 1) { "${first.size} and ${second.size} threads for one export each" }
        expect(first.single() !== Thread.currentThread()) { "progress on the caller's thread" }
        expect(first.single() !== second.single()) { "two exports shared a progress thread" }
    }

    test("signed numbers: Int/Long everywhere; a negative one is InvalidRecipe naming the field") {
        val out = tempDir("negative")
        val bad = Recipe(source = counter, outputs = listOf(OutputSpec(path = File(out, "x.mp4").path, aspect = "1:1", height = -640)))
        val e = expectError<ClipforgeException.InvalidRecipe> { startExport(bad) }
        expect(e.message!!.contains("outputs[0].height") && e.message!!.contains("-640")) { e.message!! }
        expectError<ClipforgeException.InvalidRecipe> {
            startExport(bad.copy(outputs = listOf(OutputSpec(path = File(out, "x.mp4").path, aspect = "1:1", bitrate = -1L))))
        }
        expectError<ClipforgeException.InvalidRecipe> { startExport(bad.copy(loop = LoopSpec(mode = LoopMode.REPEAT, count = -2))) }
        expectError<ClipforgeException.InvalidRecipe> { runBlocking { Clipforge.waveform(counter, -1) } }
        expect(leftovers(out).isEmpty()) { "left behind: ${leftovers(out)}" }
        // Messages use the recipe's words, not Rust's (no "None", no "Some(").
        val short = expectError<ClipforgeException.InvalidRecipe> { startExport(Recipe(source = counter, trim = Trim(end = 2.0),
            outputs = listOf(OutputSpec(path = File(out, "y.mp4").path, aspect = "1:1")))).join() }
        expect(!short.message!!.contains("None") && short.message!!.contains("loop mode \"none\"")) { short.message!! }
    }

    test("ExportJob.cancel mid-export: Cancelled, no file left") {
        val out = tempDir("cancel")
        val started = CompletableDeferred<Unit>()
        val rec = Recorder { if (it >= 0.1f) started.complete(Unit) }
        val job = startExport(longRecipe(out), rec)
        runBlocking { withTimeout(120_000) { started.await() } }
        job.cancel()
        val t0 = System.nanoTime()
        expectError<ClipforgeException.Cancelled> { job.join() }
        val ms = (System.nanoTime() - t0) / 1_000_000
        expect(ms < 2_000) { "cancel took $ms ms" }
        expect(rec.values.last() < 1f) { "finished before the cancel" }
        expect(leftovers(out).isEmpty()) { "left behind: ${leftovers(out)}" }
    }

    test("coroutine cancellation cancels the export, no file left") {
        val out = tempDir("coroutine")
        val started = CompletableDeferred<Unit>()
        var last = 0f
        runBlocking {
            val export = async { Clipforge.export(longRecipe(out)) { last = it; if (it >= 0.1f) started.complete(Unit) } }
            withTimeout(120_000) { started.await() }
            export.cancelAndJoin()
            expect(export.isCancelled) { "not cancelled" }
        }
        expect(last < 1f) { "finished before the cancel" }
        expect(leftovers(out).isEmpty()) { "left behind: ${leftovers(out)}" }
    }

    test("exportEvents collector stopping early (first progress >= 0.1) cancels the export, no file left") {
        val out = tempDir("flowcancel")
        val first = runBlocking {
            withTimeout(120_000) { Clipforge.exportEvents(longRecipe(out)).first { it is ExportEvent.Progress && it.fraction >= 0.1f } }
        }
        expect(first is ExportEvent.Progress && first.fraction < 1f) { "finished before the collector stopped: $first" }
        expect(leftovers(out).isEmpty()) { "left behind: ${leftovers(out)}" }
    }

    test("error InvalidRecipe: clip too short (typed), malformed JSON, wrong version") {
        val out = tempDir("invalid")
        val short = Recipe(
            source = counter, trim = Trim(start = 0.0, end = 2.0),
            outputs = listOf(OutputSpec(path = File(out, "x.mp4").path, aspect = "1:1")),
        )
        val e = expectError<ClipforgeException.InvalidRecipe> { startExport(short).join() }
        expect(e.message!!.contains("2")) { "message does not state the length: ${e.message}" }
        expectError<ClipforgeException.InvalidRecipe> { startExportJson("{ not json") }
        expectError<ClipforgeException.InvalidRecipe> {
            startExportJson("""{"version":2,"source":"a.mp4","outputs":[]}""")
        }
        expect(leftovers(out).isEmpty()) { "left behind: ${leftovers(out)}" }
    }

    test("error UnsupportedInput: an HLS playlist is refused (probe and export)") {
        val dir = tempDir("hls")
        val playlist = File(dir, "clip.m3u8").apply {
            writeText("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n${media.path}/counter.mp4\n#EXT-X-ENDLIST\n")
        }
        expectError<ClipforgeException.UnsupportedInput> { probe(playlist.path) }
        val recipe = Recipe(
            source = playlist.path, loop = LoopSpec(mode = LoopMode.REPEAT, duration = 6.0),
            outputs = listOf(OutputSpec(path = File(dir, "x.mp4").path, aspect = "1:1")),
        )
        expectError<ClipforgeException.UnsupportedInput> { runBlocking { Clipforge.export(recipe) } }
        expect(leftovers(dir) == listOf("clip.m3u8")) { "left behind: ${leftovers(dir)}" }
    }

    test("error Io: a missing file (probe, suspend probe, export)") {
        val missing = File(tempDir("io"), "missing.mp4").path
        expectError<ClipforgeException.Io> { probe(missing) }
        expectError<ClipforgeException.Io> { runBlocking { Clipforge.probe(missing) } }
        val recipe = Recipe(source = missing, outputs = listOf(OutputSpec(path = "$missing.out.mp4", aspect = "1:1")))
        expectError<ClipforgeException.Io> { startExport(recipe).join() }
    }

    test("error LimitExceeded: more outputs than one export may write") {
        val out = tempDir("limit")
        val outputs = (1..9).map { OutputSpec(path = File(out, "o$it.mp4").path, aspect = "1:1", height = 64) }
        val recipe = Recipe(source = counter, loop = LoopSpec(mode = LoopMode.REPEAT, duration = 6.0), outputs = outputs)
        expectError<ClipforgeException.LimitExceeded> { startExport(recipe).join() }
        expect(leftovers(out).isEmpty()) { "left behind: ${leftovers(out)}" }
    }

    println("(the Rust panic report printed by the next test is expected: the listener throws on purpose)")
    test("error Internal: a listener that throws ends the export cleanly, no crash, no file") {
        val out = tempDir("internal")
        val recipe = Recipe(
            source = counter, trim = Trim(start = 0.0, end = 2.0), loop = LoopSpec(mode = LoopMode.REPEAT, duration = 6.0),
            outputs = listOf(OutputSpec(path = File(out, "x.mp4").path, aspect = "1:1", height = 160)),
        )
        val throwing = object : ExportListener {
            override fun onProgress(fraction: Float) = throw IllegalStateException("app bug in a progress listener")
        }
        expectError<ClipforgeException.Internal> { startExport(recipe, throwing).join() }
        expect(leftovers(out).isEmpty()) { "left behind: ${leftovers(out)}" }
    }

    test("error Cancelled before any work: cancel right after start") {
        val out = tempDir("early")
        val job = startExport(longRecipe(out))
        job.cancel()
        expectError<ClipforgeException.Cancelled> { runBlocking { job.outcome() } }
        expect(leftovers(out).isEmpty()) { "left behind: ${leftovers(out)}" }
    }

    test("Clipforge.thumbnails: a Flow of RGBA pictures, thumbnail i shows the frame at its stated time") {
        val strip = runBlocking { Clipforge.thumbnails(counter, count = 10, height = 360).toList() }
        expect(strip.map { it.index } == (0 until 10).toList()) { "indices ${strip.map { it.index }}" }
        for (t in strip) {
            expect(t.picture.width == 640 && t.picture.height == 360) { "size ${t.picture.width}x${t.picture.height}" }
            val n = frameNumber(t.picture)
            expect(n == Math.round(t.time * 30).toInt()) { "thumbnail ${t.index} says ${t.time} s, shows frame $n" }
            expect(t.time >= t.index * 0.8 - 1e-6 && t.time < (t.index + 1) * 0.8) { "thumbnail ${t.index} at ${t.time} s outside its slot" }
        }
        // Stopping early stops the decoding; PNG bytes decode with the JVM's own ImageIO.
        val two = runBlocking { Clipforge.thumbnails(counter, 8, 160, ImageFormat.PNG).take(2).toList() }
        expect(two.size == 2) { "took ${two.size}" }
        val img = javax.imageio.ImageIO.read(java.io.ByteArrayInputStream(two[0].picture.data))
        expect(img.width == 284 && img.height == 160) { "PNG is ${img.width}x${img.height}" }
        val red = java.awt.Color(img.getRGB(14, 14))
        expect(red.red > 180 && red.green < 80 && red.blue < 80) { "top-left marker is $red" }
        expectError<ClipforgeException.Io> { runBlocking { Clipforge.thumbnails(File(media, "missing.mp4").path, 4, 160).toList() } }
        expectError<ClipforgeException.InvalidRecipe> { runBlocking { Clipforge.thumbnails(counter, 0, 160).toList() } }
    }

    test("FrameReader: exact frames at 20 random times (suspend frameAt), kept open between calls, usable from any thread") {
        val reader = runBlocking { Clipforge.frameReader(counter, 360) }
        reader.use {
            expect(Math.abs(reader.duration() - 8.0) < 0.05) { "duration ${reader.duration()}" }
            val rnd = java.util.Random(15)
            val times = List(20) { rnd.nextDouble() * 8.0 }
            for (t in times) {
                val f = runBlocking { Clipforge.frameAt(reader, t) }
                val want = Math.floor(t * 30 + 1e-9).toInt()
                expect(frameNumber(f.picture) == want) { "frameAt($t) shows frame ${frameNumber(f.picture)}, want $want" }
                expect(Math.abs(f.time - want / 30.0) < 1e-6) { "frameAt($t) says ${f.time}" }
            }
            // From several threads at once: calls wait for each other, each answer still exact.
            val pool = java.util.concurrent.Executors.newFixedThreadPool(3)
            val answers = times.map { t -> pool.submit<Pair<Double, Int>> { t to frameNumber(reader.frameAt(t).picture) } }.map { it.get() }
            pool.shutdown()
            expect(answers.all { (t, n) -> n == Math.floor(t * 30 + 1e-9).toInt() }) { "threads: $answers" }
            // JPEG bytes when asked.
            val jpeg = reader.frameAt(2.0, ImageFormat.JPEG).picture
            expect(jpeg.format == ImageFormat.JPEG && jpeg.data[0] == 0xff.toByte() && jpeg.data[1] == 0xd8.toByte()) { "not a JPEG" }
        }
    }

    test("Clipforge.waveform: peaks of the counter's 1/8-scale sine; a clip without audio is flat") {
        val w = runBlocking { Clipforge.waveform(counter, 100) }
        expect(w.hasAudio && w.peaks.size == 100 && Math.abs(w.duration - 8.0) < 0.05) { "waveform ${w.duration} s, ${w.peaks.size} peaks" }
        expect(w.peaks.drop(1).all { Math.abs(it.max - 0.125f) < 0.005f && Math.abs(it.min + 0.125f) < 0.005f }) { "peaks ${w.peaks.take(5)}" }
        val silent = runBlocking { Clipforge.waveform(File(media, "noaudio.mp4").path, 10) }
        expect(!silent.hasAudio && silent.peaks.all { it.min == 0f && it.max == 0f }) { "noaudio $silent" }
    }

    val capOut = tempDir("captions")
    var plain: OutputReport? = null
    var typed: OutputReport? = null
    test("captions (typed records): Caption, CaptionStyle (preset and fields), CaptionPosition (named, At), words; text only where placed") {
        plain = startExport(captionRecipe(capOut, "plain.mp4")).join().single()
        typed = startExport(captionRecipe(capOut, "typed.mp4", captions = typedCaptions)).join().single()
        checkReport(plain!!, CAP_W, CAP_H, 6.0)
        checkReport(typed!!, CAP_W, CAP_H, 6.0)
        expect(typed!!.sha256 != plain!!.sha256) { "the captioned export equals the caption-free one" }
        // At 1 s only the bottom caption shows (9:16 keeps captions above the bottom 20 %).
        expectTextOnlyIn(typed!!.path, plain!!.path, 1.0, 0.55, 0.85)
        // At 5 s the top box shows too.
        expect(changed(grayFrame(typed!!.path, 5.0), grayFrame(plain!!.path, 5.0), 0.1, 0.4) > 0.01) { "no top caption at 5 s" }
    }

    test("captions (JSON recipe): the same captions as JSON give the same frames") {
        val json = """{ "version": 1, "source": "counter.mp4", "trim": { "start": 0, "end": 6 }, "loop": { "mode": "none" },
            "outputs": [ { "path": "${File(capOut, "json.mp4").path}", "aspect": "9:16", "height": $CAP_H } ],
            "captions": $JSON_CAPTIONS }"""
        val report = runBlocking { Clipforge.exportJson(json, media.path) }.single()
        checkReport(report, CAP_W, CAP_H, 6.0)
        // Not byte-for-byte: repeated exports in one process may differ by 1 luma level in a few source
        // pixels (seen here, not with one export per CLI process), so compare the decoded frames.
        for (t in listOf(1.0, 5.0)) {
            val (j, k) = grayFrame(report.path, t) to grayFrame(typed!!.path, t)
            val most = j.indices.maxOf { Math.abs((j[it].toInt() and 0xff) - (k[it].toInt() and 0xff)) }
            expect(most <= 2) { "JSON and typed captions differ at $t s (luma by up to $most)" }
        }
    }

    test("subtitles (typed SubtitlesSpec): SRT cue at the top; a malformed file is InvalidRecipe naming it") {
        val dir = tempDir("subs")
        File(dir, "talk.srt").writeText("1\n00:00:00,000 --> 00:00:03,000\nHello subtitles\n")
        val subs = SubtitlesSpec(path = File(dir, "talk.srt").path, style = CaptionStyle(preset = StylePreset.BOX), position = CaptionPosition.Top)
        val report = startExport(captionRecipe(dir, "subs.mp4", subtitles = subs)).join().single()
        expectTextOnlyIn(report.path, plain!!.path, 1.0, 0.1, 0.35)
        File(dir, "bad.srt").writeText("1\nnot a time line\nHello\n")
        val e = expectError<ClipforgeException.InvalidRecipe> {
            startExport(captionRecipe(dir, "bad.mp4", subtitles = SubtitlesSpec(path = File(dir, "bad.srt").path))).join()
        }
        expect(e.message!!.contains("bad.srt")) { "message does not name the file: ${e.message}" }
        expect(leftovers(dir) == listOf("bad.srt", "subs.mp4", "talk.srt")) { "files ${leftovers(dir)}" }
    }

    test("app fonts: registerFontBytes (Noto Sans Regular read in Kotlin) changes a plain caption; bad bytes InvalidFont") {
        val fonts = File(root, "fixtures/fonts")
        val caption = listOf(Caption(text = "Hamburgefonstiv", start = 0.0, end = 6.0, style = CaptionStyle(preset = StylePreset.PLAIN)))
        // Plain asks for the regular weight; with no fonts folder only the built-in Bold exists so far.
        val before = startExport(captionRecipe(capOut, "font-before.mp4", captions = caption)).join().single()
        registerFontBytes(File(fonts, "NotoSans-Regular.ttf").readBytes())
        val after = startExport(captionRecipe(capOut, "font-after.mp4", captions = caption)).join().single()
        // The caption's pixels change (Regular instead of Bold), nothing else does.
        expectTextOnlyIn(after.path, before.path, 1.0, 0.55, 0.85)
        val bad = expectError<ClipforgeException.InvalidFont> { registerFontBytes("not a font".toByteArray()) }
        expect("font" in bad.message!!) { "message ${bad.message}" }
        expectError<ClipforgeException.InvalidFont> { registerFontBytes(ByteArray(0)) }
        expectError<ClipforgeException.InvalidFont> { registerFontPath(File(fonts, "LICENSE-noto-core.txt").path) }
        expectError<ClipforgeException.Io> { registerFontPath(File(fonts, "missing.ttf").path) }
    }

    test("missing glyphs: reported in OutputReport.missingGlyphs, MissingGlyphs under strictFonts, gone after registerFontAssets") {
        val scripts = listOf(Caption(text = "नमस्ते 日本 🌮", start = 0.0, end = 6.0, position = CaptionPosition.Center))
        // Only the built-in Latin face (and Noto Sans Regular) so far: exported with empty boxes, and said.
        val boxes = startExport(captionRecipe(capOut, "boxes.mp4", captions = scripts)).join().single()
        expect(listOf("日", "本", "🌮").all { it in boxes.missingGlyphs }) { "missingGlyphs ${boxes.missingGlyphs}" }
        expect(boxes.missingGlyphs.any { g -> g.any { it in '\u0900'..'\u097F' } }) { "no Devanagari in ${boxes.missingGlyphs}" }
        val strict = captionRecipe(capOut, "strict.mp4", captions = scripts).copy(strictFonts = true)
        val e = expectError<ClipforgeException.MissingGlyphs> { startExport(strict).join() }
        expect("U+65E5" in e.message!!) { e.message!! }
        expect(!File(capOut, "strict.mp4").exists()) { "strict export left a file" }
        // An app's assets folder (here a folder standing in for AssetManager): one call registers its fonts.
        val assets = tempDir("assets")
        File(assets, "fonts").mkdirs()
        File(root, "fixtures/fonts").listFiles()!!.filter { it.extension in setOf("ttf", "otf") }.forEach { it.copyTo(File(assets, "fonts/${it.name}")) }
        File(assets, "fonts/README.txt").writeText("not a font, skipped by extension")
        val n = runBlocking {
            Clipforge.registerFontAssets(list = { File(assets, it).list() }, open = { File(assets, it).inputStream() })
        }
        expect(n == File(assets, "fonts").list()!!.count { it.endsWith(".ttf") || it.endsWith(".otf") }) { "registered $n fonts" }
        val drawn = startExport(strict).join().single()
        expect(drawn.missingGlyphs.isEmpty()) { "still missing ${drawn.missingGlyphs}" }
        // The text is really drawn now: the middle band differs from the boxes version.
        expect(changed(grayFrame(drawn.path, 1.0), grayFrame(boxes.path, 1.0), 0.4, 0.6) > 0.005) { "same pixels as the empty boxes" }
        File(assets, "fonts/bad.ttf").writeText("not a font either")
        expectError<ClipforgeException.InvalidFont> {
            runBlocking { Clipforge.registerFontAssets(list = { File(assets, it).list() }, open = { File(assets, it).inputStream() }) }
        }
    }

    // Preview personalization with the real model through the real ONNX Runtime (scripts/setup-preview.sh).
    // test-kotlin.sh passes the paths as system properties. ONNX Runtime is process-wide (the first
    // library loaded stays loaded), so the missing-runtime case must run before any ranker is made.
    val ortLib = System.getProperty("clipforge.ortLib") ?: File(root, ".cache/onnxruntime/libonnxruntime.so.1.31.1").path
    val model = System.getProperty("clipforge.model") ?: File(root, "fixtures/models/efficientnet_lite0.onnx").path
    val photos = File(root, "fixtures/photos/media")
    fun photo(name: String) = File(photos, name).path

    test("PreviewRanker: a missing ONNX Runtime library is ClipforgeException.Io, not a crash") {
        val e = expectError<ClipforgeException.Io> { PreviewRanker(File(root, "no/libonnxruntime.so").path, model, 2) }
        expect("ONNX Runtime" in e.message!!) { "message ${e.message}" }
    }

    test("TasteProfile: JSON round trip; corrupt JSON is InvalidProfile") {
        TasteProfile().use { p ->
            expect(p.isCold() && p.likes() == 0 && p.skips() == 0) { "new profile not cold: ${p.toJson()}" }
            val json = p.toJson()
            TasteProfile.fromJson(json).use { back -> expect(back.toJson() == json) { "round trip changed $json" } }
        }
        expectError<ClipforgeException.InvalidProfile> { TasteProfile.fromJson("{ \"version\": 1, \"liked\": [") }
        expectError<ClipforgeException.InvalidProfile> { TasteProfile.fromJson("""{ "version": 1, "liked": [1.0, 2.0] }""") }
        expectError<ClipforgeException.InvalidProfile> { TasteProfile.fromJson("""{ "version": 99 }""") }
    }

    // The suspend form: loading the runtime and the model is 100-200 ms, off the caller's thread.
    val ranker = runBlocking { Clipforge.previewRanker(ortLib, model) }

    test("suspend Clipforge.preview, cold start: poster time inside the clip, poster and loop files exist") {
        val out = tempDir("preview")
        val clip = photo("mixed.mp4")
        val duration = probe(clip).duration
        val res = TasteProfile().use { cold -> runBlocking { Clipforge.preview(ranker, clip, cold, out.path) } }
        expect(res.poster.time >= 0.0 && res.poster.time < duration) { "poster at ${res.poster.time} s of $duration" }
        expect(File(res.poster.path).isFile && File(res.poster.path).length() > 0) { "no poster ${res.poster.path}" }
        expect(File(res.poster.path).readBytes().take(3) == listOf(0xff, 0xd8, 0xff).map { it.toByte() }) { "poster is not a JPEG" }
        expect(res.poster.width == 640 && res.poster.height == 360) { "poster ${res.poster.width}x${res.poster.height}" }
        val loop = res.loop
        expect(Math.abs(loop.end - loop.start - 3.0) < 1e-6 && loop.start >= 0.0 && loop.end <= duration + 1e-6) { "loop $loop" }
        expect(File(loop.path).isFile && File(loop.path).length() == loop.bytes) { "loop file $loop" }
        expect(probe(loop.path).streams.none { it.kind == "audio" }) { "the preview loop is not muted" }
        expect(res.candidates.isNotEmpty() && res.candidates.any { it.time == res.poster.time }) { "candidates ${res.candidates}" }
        expect(res.candidates.all { it.similarity == null }) { "cold start has similarities" }
        expect(leftovers(out) == listOf("mixed.poster.jpg", "mixed.preview.mp4")) { "files ${leftovers(out)}" }
        // Options: a 2 s PNG poster; a 7 s window is InvalidRecipe; a missing folder is Io.
        val png = TasteProfile().use { ranker.preview(clip, it, out.path, PreviewOptions(window = 2.0, posterFormat = PosterFormat.PNG)) }
        expect(png.poster.path.endsWith(".png") && Math.abs(png.loop.end - png.loop.start - 2.0) < 1e-6) { "png $png" }
        TasteProfile().use { p ->
            expectError<ClipforgeException.InvalidRecipe> { ranker.preview(clip, p, out.path, PreviewOptions(window = 7.0)) }
            expectError<ClipforgeException.Io> { ranker.preview(clip, p, File(out, "missing").path) }
        }
    }

    test("likeClip + rankClips: a profile that liked the cat ranks the cat clip first; it survives compact JSON") {
        TasteProfile().use { p ->
            runBlocking { Clipforge.likeClip(ranker, p, photo("cat.mp4")) }
            expect(p.likes() == 1 && !p.isCold()) { "likes ${p.likes()}" }
            // Version 2: the liked vector packed, about 1.8 kB instead of 16-20 kB of floats.
            val json = p.toJson()
            expect(json.length < 2500 && json.startsWith("{\"version\":2,")) { "${json.length} chars: ${json.take(60)}" }
            val clips = listOf("rocket.mp4", "cat.mp4", "coffee.mp4").map(::photo)
            val order = ranker.rankClips(p, clips)
            expect(order.map { it.path }.sorted() == clips.sorted()) { "order $order" }
            expect(order[0].path == photo("cat.mp4")) { "cat not first: $order" }
            TasteProfile.fromJson(p.toJson()).use { back ->
                expect(back.likes() == 1) { "likes after JSON ${back.likes()}" }
                expect(ranker.rankClips(back, clips) == order) { "a reloaded profile ranks differently" }
            }
            // An unreadable clip goes last instead of failing the list.
            val withMissing = ranker.rankClips(p, listOf(photo("missing.mp4")) + clips)
            expect(withMissing.last().path.endsWith("missing.mp4")) { "missing clip not last: $withMissing" }
            runBlocking { Clipforge.skipClip(ranker, p, photo("coffee.mp4")) }
            expect(p.skips() == 1) { "skips ${p.skips()}" }
            expect(p.toJson().length < 5000) { "like + skip: ${p.toJson().length} chars" }
            expectError<ClipforgeException.Io> { ranker.likeClip(p, photo("missing.mp4")) }
        }
    }

    test("Clipforge.previewEvents: each candidate as it is embedded, then Ranked, Poster (file written), Done; taking one stops it") {
        val out = tempDir("preview-events")
        val clip = photo("mixed.mp4")
        TasteProfile().use { p ->
            runBlocking { Clipforge.likeClip(ranker, p, photo("cat.mp4")) }
            var posterBytesOnEvent = -1L
            val events = runBlocking {
                Clipforge.previewEvents(ranker, clip, p, out.path).onEach { e ->
                    if (e is PreviewEvent.Poster) posterBytesOnEvent = File(e.poster.path).length()
                }.toList()
            }
            val res = (events.last() as PreviewEvent.Done).result
            val n = res.candidates.size
            val kinds = events.map { it::class.simpleName }
            expect(kinds == List(n) { "Candidate" } + listOf("Ranked", "Poster", "Done")) { "events $kinds" }
            val arrived = events.take(n).map { (it as PreviewEvent.Candidate).candidate }
            expect(arrived.map { it.time }.sorted() == res.candidates.map { it.time }) { "candidates $arrived" }
            expect(arrived.all { it.similarity != null || it.rejected != null }) { "a liked profile embeds each usable frame: $arrived" }
            expect((events[n] as PreviewEvent.Ranked).candidates == res.candidates) { "ranked ${events[n]}" }
            expect((events[n + 1] as PreviewEvent.Poster).poster == res.poster && posterBytesOnEvent > 0) { "poster ${events[n + 1]}, $posterBytesOnEvent bytes" }
            val first = res.timings.firstEmbeddingMs
            expect(first != null && first <= res.timings.sampleMs) { "timings ${res.timings}" }
            expect(res.poster.time >= 3.0 && res.poster.time < 6.0) { "liked the cat: poster at ${res.poster.time} s" }
            // Taking the first event ends the collection: the preview stops there and writes nothing.
            val out2 = tempDir("preview-first")
            val one = runBlocking { Clipforge.previewEvents(ranker, clip, p, out2.path).first() }
            expect(one is PreviewEvent.Candidate) { "first event $one" }
            expect(leftovers(out2).isEmpty()) { "files ${leftovers(out2)}" }
        }
    }

    test("a PreviewListener that throws on the poster: ClipforgeException.Internal, no file, no crash") {
        val out = tempDir("preview-throws")
        TasteProfile().use { p ->
            val listener = object : PreviewListener {
                override fun onEvent(event: PreviewEvent): Boolean {
                    if (event is PreviewEvent.Poster) throw IllegalStateException("the app's view is gone")
                    return true
                }
            }
            expectError<ClipforgeException.Internal> { ranker.preview(photo("mixed.mp4"), p, out.path, null, listener) }
            expect(leftovers(out).isEmpty()) { "files ${leftovers(out)}" }
            // Returning false instead is a clean stop: Cancelled, nothing written.
            val stop = object : PreviewListener { override fun onEvent(event: PreviewEvent) = event !is PreviewEvent.Ranked }
            expectError<ClipforgeException.Cancelled> { ranker.preview(photo("mixed.mp4"), p, out.path, null, stop) }
            expect(leftovers(out).isEmpty()) { "files ${leftovers(out)}" }
        }
    }

    test("README example (progressive preview): marks, highlight, poster on screen before the loop plays") {
        val out = tempDir("readme-preview")
        val calls = mutableListOf<String>()
        val card = object : FeedCard {
            override fun mark(seconds: Double, score: Float) { calls += "mark" }
            override fun highlight(seconds: Double) { calls += "highlight $seconds" }
            override fun showPoster(path: String) { calls += "poster ${File(path).isFile}" }
            override fun play(loopPath: String) { calls += "play ${File(loopPath).length() > 0}" }
        }
        TasteProfile().use { p ->
            runBlocking { Clipforge.likeClip(ranker, p, photo("coffee.mp4")) }
            runBlocking { fillCard(ranker, p, photo("mixed.mp4"), out.path, card) }
        }
        val marks = calls.takeWhile { it == "mark" }.size
        val rest = calls.drop(marks)
        expect(marks >= 12 && rest.size == 3) { "calls $calls" }
        val at = rest[0].removePrefix("highlight ").toDouble()
        expect(at >= 9.0 && at < 12.0) { "liked coffee, poster at $at s (coffee is 9-12 s)" }
        expect(rest.drop(1) == listOf("poster true", "play true")) { "calls $rest" }
    }

    test("PreviewRanker.fromModelBytes (int8 phone model read in Kotlin); a bad model is UnsupportedInput") {
        val phone = File(File(model).parentFile, "efficientnet_lite0_phone.onnx")
        runBlocking { Clipforge.previewRanker(ortLib, phone.readBytes(), threads = 1) }.use { r ->
            TasteProfile().use { p -> expect(r.rankClips(p, listOf(photo("cat.mp4"))).single().score > -10f) { "cat unreadable" } }
        }
        expectError<ClipforgeException.UnsupportedInput> { PreviewRanker.fromModelBytes(ortLib, "not a model".toByteArray(), 1) }
    }
    ranker.close()

    test("README example (Use from Kotlin)") {
        val out = tempDir("readme")
        val progress = MutableStateFlow(0f)
        val lines = runBlocking { makeLoop(counter, out.path, progress) }
        expect(lines.size == 2 && lines.all { "frames" in it }) { "README example returned $lines" }
        expect(progress.value == 1f) { "README example progress ended at ${progress.value}" }
        val shown = runBlocking { trimScreen(counter, listOf(0.5, 0.6, 0.55, 7.9)) }
        expect(shown.map { Math.round(it * 30).toInt() } == listOf(15, 18, 16, 237)) { "README trim screen frames at $shown" }
    }

    tempDirs.forEach { it.deleteRecursively() }
    val failed = results.filter { it.second != null }
    println()
    println("Kotlin bindings: ${results.size - failed.size} passed, ${failed.size} failed")
    failed.forEach { println("  FAILED ${it.first}: ${it.second}") }
    exitProcess(if (failed.isEmpty()) 0 else 1)
}
