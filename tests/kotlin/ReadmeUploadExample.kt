// The README's "Uploading and provenance" Kotlin code, compiled and run by scripts/test-kotlin.sh
// (UploadTest.kt runs it against the local S3); the README block between the README-UPLOAD markers
// must equal the lines between them here (the script checks).
package dev.clipforge.test

import dev.clipforge.UploadPlan
import okhttp3.MediaType
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.RequestBody
import java.io.File

// README-UPLOAD-BEGIN
// Part URLs come from the app's backend (presigned S3 UploadPart URLs, one per plan part).
fun uploadParts(clip: String, state: File, partUrls: List<String>, http: OkHttpClient, maxParts: Int = Int.MAX_VALUE): UploadPlan {
    // Resume from the saved state if the app was killed; otherwise plan (one streaming read).
    val plan = if (state.exists()) UploadPlan.fromJson(state.readText()) else UploadPlan(clip, 8L * 1024 * 1024)
    plan.checkFile()                                       // refuses a file changed since the plan
    val parts = plan.parts()
    for (i in plan.pending().take(maxParts)) {
        val part = parts[i]
        val body = RequestBody.create(null as MediaType?, plan.partBytes(i))  // re-hashed against the plan
        val request = Request.Builder().url(partUrls[i])
            .header("x-amz-checksum-sha256", part.sha256Base64)            // S3 refuses a corrupted part
            .put(body).build()
        http.newCall(request).execute().use { response ->
            check(response.isSuccessful) { "part ${part.number}: HTTP ${response.code()}" }
            plan.complete(i, response.header("ETag")!!)
        }
        state.writeText(plan.toJson())                     // (or plan.save(path): atomic)
    }
    return plan
}

fun completeXml(plan: UploadPlan): String = plan.parts().joinToString("", "<CompleteMultipartUpload>", "</CompleteMultipartUpload>") {
    "<Part><PartNumber>${it.number}</PartNumber><ETag>${it.etag}</ETag><ChecksumSHA256>${it.sha256Base64}</ChecksumSHA256></Part>"
}
// README-UPLOAD-END
