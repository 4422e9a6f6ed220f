// Upload plans and provenance from Kotlin on the JVM, against the real local S3 (localstack) and the
// independent C2PA verifier (c2pa-python), both from scripts/upload-servers.sh: the README's OkHttp
// flow (plan → parts → app killed → resume from JSON → complete), a changed file refused, and
// signed exports with PEM bytes and an ephemeral chain.
// Usage: java ... dev.clipforge.test.UploadTestKt REPO_ROOT  (scripts/test-kotlin.sh)
// Without CLIPFORGE_TEST_S3 / CLIPFORGE_TEST_PYTHON (run by hand) it says so and skips; under CI it fails.
package dev.clipforge.test

import dev.clipforge.ClipforgeException
import dev.clipforge.Creator
import dev.clipforge.Fit
import dev.clipforge.LoopMode
import dev.clipforge.LoopSpec
import dev.clipforge.OutputSpec
import dev.clipforge.Provenance
import dev.clipforge.Recipe
import dev.clipforge.Trim
import dev.clipforge.UploadPlan
import dev.clipforge.UploadPlanOptions
import dev.clipforge.startExport
import okhttp3.MediaType
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.RequestBody
import java.io.File
import java.nio.file.Files
import java.security.MessageDigest
import java.util.Random
import kotlin.system.exitProcess

private val outcomes = mutableListOf<Pair<String, String?>>()

private fun case(name: String, body: () -> Unit) {
    val t0 = System.nanoTime()
    val error = try { body(); null } catch (e: Throwable) { "${e::class.simpleName}: ${e.message}" }
    outcomes += name to error
    println("${if (error == null) "PASS" else "FAIL"} $name (${(System.nanoTime() - t0) / 1_000_000} ms)${error?.let { "\n     $it" } ?: ""}")
}

private fun expect(ok: Boolean, what: () -> String) { if (!ok) throw AssertionError(what()) }

private fun run(vararg cmd: String): String {
    val p = ProcessBuilder(*cmd).redirectErrorStream(false).start()
    val out = p.inputStream.bufferedReader().readText()
    val err = p.errorStream.bufferedReader().readText()
    expect(p.waitFor() == 0) { "${cmd.joinToString(" ")} failed: $err" }
    return out
}

private fun sha256(f: File): String = MessageDigest.getInstance("SHA-256").digest(f.readBytes()).joinToString("") { "%02x".format(it) }

private fun jsonString(json: String, key: String): String =
    Regex("\"$key\": \"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: throw AssertionError("no $key in $json")

fun main(args: Array<String>) {
    val root = File(args.getOrElse(0) { "." }).absoluteFile
    val s3 = System.getenv("CLIPFORGE_TEST_S3")
    val python = System.getenv("CLIPFORGE_TEST_PYTHON")
    if (s3.isNullOrEmpty() || python.isNullOrEmpty()) {
        if (System.getenv("CI") != null) {
            println("FAIL upload tests: CI is set but the upload servers are not running (scripts/upload-servers.sh)")
            exitProcess(1)
        }
        println("SKIPPED upload tests: run `source scripts/upload-servers.sh` first (scripts/test.sh does)")
        return
    }
    val servers = File(root, "tests/servers")
    val work = Files.createTempDirectory("clipforge-kotlin-upload").toFile()
    val http = OkHttpClient()

    case("UploadPlan + OkHttp to S3: plan, 1 part, app killed, resume from JSON, complete, stored object checked") {
        val clip = File(work, "clip.mp4").apply { writeBytes(ByteArray(12 * 1024 * 1024 + 5).also { Random(3).nextBytes(it) }) }
        val planned = UploadPlan(clip.path, 5L * 1024 * 1024)
        val planFile = File(work, "plan.json").apply { writeText(planned.toJson()) }
        val key = "kotlin-${System.nanoTime()}"
        // The app's backend: starts the multipart upload, presigns each part with its SHA-256.
        val partsJson = File(work, "parts.json")
        run(python, File(servers, "s3_backend.py").path, "presign", s3, "clipforge-tests", key, planFile.path, partsJson.path)
        val presigned = partsJson.readText()
        val urls = Regex("\"url\": \"([^\"]*)\"").findAll(presigned).map { it.groupValues[1] }.toList()
        expect(urls.size == 3) { "${urls.size} part URLs" }

        val state = File(work, "clip.mp4.upload.json")
        state.writeText(planned.toJson())
        val first = uploadParts(clip.path, state, urls, http, maxParts = 1)
        expect(first.pending() == listOf(1, 2)) { "pending after the first part: ${first.pending()}" }
        // The app is killed here: the object is gone, only the JSON state is left.
        val resumed = uploadParts(clip.path, state, urls, http)
        expect(resumed.isComplete()) { "pending after resume: ${resumed.pending()}" }
        expect(resumed.parts()[0].etag == first.parts()[0].etag) { "part 0 was sent again" }

        val complete = Request.Builder().url(jsonString(presigned, "complete_url"))
            .post(RequestBody.create(MediaType.parse("application/xml"), completeXml(resumed))).build()
        val answer = http.newCall(complete).execute().use { r ->
            expect(r.isSuccessful) { "complete: HTTP ${r.code()}" }
            r.body()!!.string()
        }
        val composite = resumed.digests().s3CompositeSha256
        expect(answer.contains("<ChecksumSHA256>$composite</ChecksumSHA256>")) { "S3's checksum vs the plan's $composite: $answer" }
        val stored = run(python, File(servers, "s3_backend.py").path, "object", s3, "clipforge-tests", key)
        expect(jsonString(stored, "sha256") == sha256(clip)) { "stored object $stored" }
        expect(resumed.digests().sha256Hex == sha256(clip)) { "plan sha256" }
    }

    case("UploadPlan refuses a changed file (checkFile, partBytes) with ClipforgeException.InvalidRecipe") {
        val f = File(work, "changing.bin").apply { writeBytes(ByteArray(1000) { it.toByte() }) }
        val plan = UploadPlan(f.path, null)
        Thread.sleep(20)
        f.writeBytes(ByteArray(1001))
        for (call in listOf({ plan.checkFile() }, { plan.partBytes(0); Unit })) {
            try { call(); throw AssertionError("accepted a changed file") } catch (e: ClipforgeException.InvalidRecipe) {
                expect(e.message!!.contains("no longer matches")) { e.message!! }
            }
        }
        try { UploadPlan.fromJson("{}"); throw AssertionError("accepted {}") } catch (e: ClipforgeException.InvalidRecipe) {}
    }

    val counter = File(root, "fixtures/media/counter.mp4").path
    fun recipe(out: File, provenance: Provenance?) = Recipe(
        source = counter,
        trim = Trim(start = 0.5, end = 2.5),
        `loop` = LoopSpec(mode = LoopMode.REPEAT, duration = 6.0),
        outputs = listOf(OutputSpec(path = out.path, aspect = "9:16", height = 320, fit = Fit.CROP)),
        provenance = provenance,
        uploadPlan = UploadPlanOptions(partSize = null),
    )
    fun verify(f: File): String = run(python, File(servers, "c2pa_verify.py").path, f.path)

    case("provenance from PEM bytes: the manifest validates in c2pa-python; the upload plan beside it matches") {
        run(python, File(servers, "make_chain.py").path, work.path)
        val out = File(work, "signed.mp4")
        val p = Provenance(
            certificateChainPem = File(work, "chain.pem").readBytes(),
            privateKeyPem = File(work, "key.pem").readBytes(),
            creator = Creator(name = "Grace Hopper", identifier = null),
        )
        startExport(recipe(out, p), null).join()
        val v = verify(out)
        expect(v.contains("\"codes\": [\"signingCredential.untrusted\"]") || v.contains("\"codes\": []")) { v }
        expect(v.contains("Grace Hopper") && v.contains("dev.clipforge.trimmed")) { v }
        val plan = UploadPlan.fromJson(File(work, "signed.mp4.upload.json").readText())
        expect(plan.digests().sha256Hex == sha256(out)) { "side plan vs the signed file" }
        plan.checkFile()
    }

    case("provenance: ephemeral signs; a wrong key (bytes) is InvalidRecipe before any file is written") {
        val out = File(work, "ephemeral.mp4")
        startExport(recipe(out, Provenance(ephemeral = true)), null).join()
        expect(verify(out).contains("c2pa.created")) { "no manifest" }
        val bad = File(work, "bad.mp4")
        try {
            startExport(recipe(bad, Provenance(certificateChainPem = File(work, "chain.pem").readBytes(), privateKeyPem = File(work, "other_key.pem").readBytes())), null).join()
            throw AssertionError("a key of another certificate was accepted")
        } catch (e: ClipforgeException.InvalidRecipe) {
            expect(e.message!!.contains("does not belong")) { e.message!! }
        }
        expect(!bad.exists() && !File(work, "bad.mp4.upload.json").exists()) { "files left behind" }
    }

    work.deleteRecursively()
    val failed = outcomes.count { it.second != null }
    println("upload: ${outcomes.size - failed} passed, $failed failed")
    if (failed > 0) exitProcess(1)
}
