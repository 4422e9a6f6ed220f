// Cancel latency as an app sees it (bench/cancel.sh; docs/BENCHMARKS.md): from ExportJob.cancel() to
// join() throwing Cancelled, and from cancelling the coroutine of Clipforge.export to its end, over N
// exports of a 1080p30 source to a 1080x1920 blur output, each cancelled at a different point of its
// progress (spread over the whole bar: decoding, encoding, the encoders' flush, audio, muxing).
// Usage: CancelLatencyKt SOURCE OUT_DIR N
package dev.clipforge.bench

import dev.clipforge.Clipforge
import dev.clipforge.ClipforgeException
import dev.clipforge.ExportListener
import dev.clipforge.Fit
import dev.clipforge.LoopMode
import dev.clipforge.LoopSpec
import dev.clipforge.OutputSpec
import dev.clipforge.Recipe
import dev.clipforge.Trim
import dev.clipforge.startExport
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.runBlocking
import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

private fun recipe(source: String, out: File, name: String) = Recipe(
    source = source, trim = Trim(start = 0.0, end = 8.0), loop = LoopSpec(mode = LoopMode.NONE),
    outputs = listOf(OutputSpec(path = File(out, name).path, aspect = "9:16", height = 1920, fit = Fit.BLUR)),
)

private fun quantile(v: List<Double>, q: Double): Double = v.sorted()[Math.round((v.size - 1) * q).toInt()]

private fun summary(what: String, ms: List<Double>, late: Int) {
    println("$what: n=${ms.size} p50 ${"%.1f".format(quantile(ms, 0.5))} ms, p95 ${"%.1f".format(quantile(ms, 0.95))} ms, " +
        "max ${"%.1f".format(ms.max())} ms; all: ${ms.map { "%.0f".format(it) }}" + if (late > 0) "; $late finished before the cancel" else "")
}

fun main(args: Array<String>) {
    val source = args[0]
    val out = File(args[1]).apply { mkdirs() }
    val n = args.getOrElse(2) { "20" }.toInt()
    val at = List(n) { 0.03 + 0.94 * it / (n - 1).coerceAtLeast(1) }  // where on the progress bar to cancel

    // 1. ExportJob.cancel() → join() throws Cancelled.
    val jobMs = mutableListOf<Double>()
    var late = 0
    for ((i, point) in at.withIndex()) {
        val reached = CountDownLatch(1)
        val job = startExport(recipe(source, out, "job$i.mp4"), object : ExportListener {
            override fun onProgress(fraction: Float) { if (fraction >= point) reached.countDown() }
        })
        reached.await(300, TimeUnit.SECONDS)
        val t0 = System.nanoTime()
        job.cancel()
        try {
            job.join(); late++
        } catch (e: ClipforgeException.Cancelled) {
            jobMs += (System.nanoTime() - t0) / 1e6
        }
        job.close()
        check(out.listFiles()!!.none { it.name.startsWith(".job") }) { "a partial file was left" }
        out.listFiles()!!.forEach { it.delete() }
    }
    summary("ExportJob.cancel -> join throws", jobMs, late)

    // 2. Coroutine cancellation: cancelAndJoin() on Clipforge.export returns once the files are gone.
    val coMs = mutableListOf<Double>()
    late = 0
    for ((i, point) in at.withIndex()) {
        runBlocking {
            val reached = CompletableDeferred<Unit>()
            val export = async { Clipforge.export(recipe(source, out, "co$i.mp4")) { if (it >= point) reached.complete(Unit) } }
            reached.await()
            val t0 = System.nanoTime()
            export.cancelAndJoin()
            if (export.isCancelled && !File(out, "co$i.mp4").exists()) coMs += (System.nanoTime() - t0) / 1e6 else late++
        }
        out.listFiles()!!.forEach { it.delete() }
    }
    summary("coroutine cancelAndJoin", coMs, late)
}
