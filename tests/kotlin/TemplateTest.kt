// Templates from Kotlin on the JVM: the built-in drop-6s listed, its slots read, filled with typed
// values and rendered to a recipe, exported by the host build of libclipforge_ffi.so; zbarimg (ZBar)
// reads each output's end-card QR code from a frame FFmpeg decodes, and it must be that aspect's
// tracked link. The same template rendered to typed records (de-DE), inspected, tweaked with copy()
// and exported with startExport. A bad link or currency is a typed InvalidRecipe naming the slot.
// Usage: java -Djna.library.path=target/release -cp ... dev.clipforge.test.template.TemplateTestKt REPO_ROOT
package dev.clipforge.test.template

import dev.clipforge.*
import java.io.File
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

/** What ZBar reads in the frame at `t` seconds (null: no code). */
private fun qrAt(video: File, t: Double, work: File): String? {
    val png = File(work, "${video.nameWithoutExtension}-$t.png")
    val ff = ProcessBuilder("ffmpeg", "-v", "error", "-y", "-ss", "$t", "-i", video.path, "-frames:v", "1", png.path)
        .redirectErrorStream(true).start()
    val ffOut = ff.inputStream.bufferedReader().readText()
    expect(ff.waitFor() == 0) { "ffmpeg: $ffOut" }
    val z = ProcessBuilder("zbarimg", "-q", "--raw", png.path).start()
    val text = z.inputStream.bufferedReader().readText().trim()
    return when (z.waitFor()) { 0 -> text; 4 -> null; else -> throw AssertionError("zbarimg failed on $png") }
}

fun main(args: Array<String>) {
    val root = File(args.getOrElse(0) { "." }).absoluteFile
    val clip = File(root, "fixtures/media/compose/shot_green.mp4")
    expect(clip.isFile) { "fixtures missing: run bash fixtures/composer.sh" }
    val work = kotlin.io.path.createTempDirectory("clipforge-template").toFile()

    fun fills(link: String) = listOf(
        SlotFill("hero", FillValue.Clip(path = clip.path, start = null, end = null)),
        SlotFill("title", FillValue.Text("Glow serum")),
        SlotFill("price", FillValue.Price(amount = "24.50", currency = "EUR")),
        SlotFill("shop", FillValue.Link(url = link, code = "serum")),
    )

    test("builtinTemplateNames, slots with their constraints") {
        expect("drop-6s" in builtinTemplateNames()) { "${builtinTemplateNames()}" }
        Template.builtin("drop-6s").use { t ->
            val hero = t.slots().single { it.name == "hero" }
            expect(hero.kind == TemplateSlotKind.CLIP && hero.minSeconds == 2.0 && hero.maxSeconds == 4.0) { "$hero" }
            expect(t.slots().single { it.name == "brand" }.defaultValue == "#E4405F") { "${t.slots()}" }
        }
    }

    test("fill drop-6s, render, export: each aspect's QR is its tracked link") {
        val out = File(work, "drop").apply { mkdirs() }
        val json = Template.builtin("drop-6s").use { it.renderJson(fills("https://shop.example/serum#buy"), out.path) }
        val reports = startExportJson(json, out.path).use { it.join() }
        expect(reports.size == 4) { "${reports.size} outputs" }
        for (tag in listOf("9x16", "1x1", "4x5", "16x9")) {
            val want = "https://shop.example/serum?utm_source=clipforge&utm_medium=video&utm_campaign=drop-6s&utm_content=$tag#buy"
            val video = File(out, "drop-6s-$tag.mp4")
            expect(qrAt(video, 5.2, work) == want) { "$tag: QR ${qrAt(video, 5.2, work)}" }
            expect(qrAt(video, 0.0, work) == null) { "$tag: a QR code on the first frame" }
            val manifest = File(out, "drop-6s-$tag.mp4.links.json").readText()
            expect(manifest.contains("\"code\": \"serum-$tag\"") && manifest.contains(want)) { manifest }
        }
    }

    test("render to a typed Recipe in de-DE, inspect and tweak it, export it: QR, price, heights") {
        val out = File(work, "typed").apply { mkdirs() }
        val withDate = fills("https://shop.example/serum") + SlotFill("ends", FillValue.Date("2026-12-13T18:00"))
        val recipe = Template.builtin("drop-6s").use { it.render(withDate, out.path, locale = "de-DE") }
        // Inspect: the hero clip's trim, the localised price and badge, one tracked link per output.
        expect(recipe.clips!!.single().trim == Trim(start = 0.0, end = 4.0)) { "${recipe.clips}" }
        val texts = recipe.captions!!.map { it.text }
        expect("24,50\u00a0€" in texts && "endet So. 18:00" in texts) { "$texts" }
        expect(recipe.links!!.map { it.code } == listOf("serum-9x16", "serum-1x1", "serum-4x5", "serum-16x9")) { "${recipe.links}" }
        expect(recipe.links!!.all { it.expires == "2026-12-13T18:00" }) { "${recipe.links}" }
        expect(recipe.baseDir == out.path) { "${recipe.baseDir}" }
        // Tweak: smaller outputs and a shouted title, then export the records as they are.
        val tweaked = recipe.copy(
            outputs = recipe.outputs.map { it.copy(height = 540) },
            captions = recipe.captions!!.map { if (it.text == "Glow serum") it.copy(text = "GLOW SERUM") else it },
        )
        val reports = startExport(tweaked).use { it.join() }
        expect(reports.all { it.height == 540 }) { "${reports.map { it.height }}" }
        val video = File(out, "drop-6s-16x9.mp4")
        val want = "https://shop.example/serum?utm_source=clipforge&utm_medium=video&utm_campaign=drop-6s&utm_content=16x9"
        expect(qrAt(video, 5.2, work) == want) { "QR ${qrAt(video, 5.2, work)}" }
        expect(File(out, "drop-6s-16x9.mp4.links.json").readText().contains(want)) { "manifest" }
    }

    test("sponsored-moment and event-recap-15s are built in; an unknown currency names the slot") {
        val names = builtinTemplateNames()
        expect(names.containsAll(listOf("event-recap-15s", "sponsored-moment", "tip-jar", "menu-item"))) { "$names" }
        expect("de-DE" in templateLocales()) { "${templateLocales()}" }
        Template.builtin("event-recap-15s").use { t ->
            expect(t.slots().single { it.name == "closer" }.part == "loop") { "${t.slots()}" }
        }
        val out = File(work, "badprice").apply { mkdirs() }
        val bad = fills("https://shop.example/").filter { it.slot != "price" } + SlotFill("price", FillValue.Price("5", "ZZZ"))
        try {
            Template.builtin("drop-6s").use { it.render(bad, out.path) }
            throw AssertionError("no error")
        } catch (e: ClipforgeException.InvalidRecipe) {
            expect(e.message!!.contains("slot 'price': currency 'ZZZ'")) { e.message!! }
        }
        expect(out.list()!!.isEmpty()) { "wrote ${out.list()!!.toList()}" }
    }

    test("a javascript: link is InvalidRecipe naming the slot, nothing written") {
        val out = File(work, "bad").apply { mkdirs() }
        try {
            Template.builtin("drop-6s").use { it.renderJson(fills("javascript:alert(1)"), out.path) }
            throw AssertionError("no error")
        } catch (e: ClipforgeException.InvalidRecipe) {
            expect(e.message!!.contains("slot 'shop'")) { e.message!! }
        }
        expect(out.list()!!.isEmpty()) { "wrote ${out.list()!!.toList()}" }
    }

    work.deleteRecursively()
    val failed = results.count { it.second != null }
    println("${results.size - failed} passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
