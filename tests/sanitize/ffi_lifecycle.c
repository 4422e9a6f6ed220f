// Leaks and memory errors across the FFI boundary (scripts/sanitize.sh): a C caller that uses
// libclipforge_ffi exactly as the generated Swift does — through the committed C header, cloning an
// object's handle for every method call, freeing every RustBuffer it is handed and every handle it
// owns — built with AddressSanitizer against an ASan build of the library. LeakSanitizer then
// reports anything the Rust side keeps after the caller has given everything back: objects
// (TasteProfile, ExportJob), buffers, error payloads, a finished, a failed and a cancelled export.
// Usage: ffi_lifecycle FIXTURE.mp4 OUT_DIR
#include "ClipforgeFFI.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
// `cond` is evaluated once: it may free what a call returned.
#define CHECK(cond, ...)                          \
    do {                                          \
        int ok_ = (cond);                         \
        printf(ok_ ? "PASS  " : "FAIL  ");        \
        printf(__VA_ARGS__);                      \
        printf("\n");                             \
        if (!ok_) failures++;                     \
    } while (0)

static RustCallStatus ok(void) { return (RustCallStatus){0}; }

// A top-level String argument: a RustBuffer of its UTF-8 bytes, owned by the callee.
static RustBuffer lower_string(const char *s) {
    RustCallStatus st = ok();
    ForeignBytes fb = {(int32_t)strlen(s), (const uint8_t *)s};
    RustBuffer b = ffi_clipforge_ffi_rustbuffer_from_bytes(fb, &st);
    if (st.code != 0) { fprintf(stderr, "rustbuffer_from_bytes failed\n"); exit(1); }
    return b;
}

// An Option<String> / Option<object> argument: a serialised buffer (tag byte, then the value).
static RustBuffer lower_some_string(const char *s) {
    size_t n = strlen(s);
    RustCallStatus st = ok();
    RustBuffer b = ffi_clipforge_ffi_rustbuffer_alloc(5 + n, &st);
    b.data[0] = 1;
    b.data[1] = (uint8_t)(n >> 24); b.data[2] = (uint8_t)(n >> 16); b.data[3] = (uint8_t)(n >> 8); b.data[4] = (uint8_t)n;
    memcpy(b.data + 5, s, n);
    b.len = 5 + n;
    return b;
}

static RustBuffer lower_none(void) {
    RustCallStatus st = ok();
    RustBuffer b = ffi_clipforge_ffi_rustbuffer_alloc(1, &st);
    b.data[0] = 0;
    b.len = 1;
    return b;
}

static void free_buffer(RustBuffer b) {
    RustCallStatus st = ok();
    ffi_clipforge_ffi_rustbuffer_free(b, &st);
}

// After a call: the error payload (if any) is the caller's to free.
static int8_t settle(RustCallStatus *st) {
    if (st->code != 0 && st->errorBuf.data != NULL) free_buffer(st->errorBuf);
    return st->code;
}

static void taste_profiles(void) {
    RustCallStatus st = ok();
    uint64_t p = uniffi_clipforge_ffi_fn_constructor_tasteprofile_new(&st);
    CHECK(settle(&st) == 0 && p != 0, "TasteProfile.new");
    st = ok();
    int8_t cold = uniffi_clipforge_ffi_fn_method_tasteprofile_is_cold(uniffi_clipforge_ffi_fn_clone_tasteprofile(p, &st), &st);
    CHECK(settle(&st) == 0 && cold == 1, "TasteProfile.isCold");
    st = ok();
    RustBuffer json = uniffi_clipforge_ffi_fn_method_tasteprofile_to_json(uniffi_clipforge_ffi_fn_clone_tasteprofile(p, &st), &st);
    CHECK(settle(&st) == 0 && json.len > 0, "TasteProfile.toJson: %d bytes", (int)json.len);
    char *text = calloc(1, json.len + 1);
    memcpy(text, json.data, json.len);
    free_buffer(json);
    st = ok();
    uint64_t q = uniffi_clipforge_ffi_fn_constructor_tasteprofile_from_json(lower_string(text), &st);
    CHECK(settle(&st) == 0 && q != 0, "TasteProfile.fromJson(toJson())");
    free(text);
    st = ok();
    uniffi_clipforge_ffi_fn_constructor_tasteprofile_from_json(lower_string("{ not json"), &st);
    CHECK(settle(&st) == 1, "TasteProfile.fromJson(damaged) is an error");
    st = ok();
    uniffi_clipforge_ffi_fn_free_tasteprofile(p, &st);
    uniffi_clipforge_ffi_fn_free_tasteprofile(q, &st);
    CHECK(st.code == 0, "TasteProfile handles freed");
}

static void probes(const char *fixture) {
    RustCallStatus st = ok();
    RustBuffer info = uniffi_clipforge_ffi_fn_func_probe(lower_string(fixture), &st);
    CHECK(settle(&st) == 0 && info.len > 0, "probe(%s)", fixture);
    if (st.code == 0) free_buffer(info);
    st = ok();
    uniffi_clipforge_ffi_fn_func_probe(lower_string("/nonexistent/clip.mp4"), &st);
    CHECK(settle(&st) == 1, "probe(missing) is an error");
}

// Runs one export of `recipe` to its end (or cancels it first) and returns the call status code of
// join (0 = the outputs were written).
static int8_t export_once(const char *recipe, const char *base_dir, int cancel) {
    RustCallStatus st = ok();
    uint64_t job = uniffi_clipforge_ffi_fn_func_start_export_json(lower_string(recipe), lower_some_string(base_dir), lower_none(), &st);
    if (settle(&st) != 0) return -1;
    if (cancel) {
        st = ok();
        uniffi_clipforge_ffi_fn_method_exportjob_cancel(uniffi_clipforge_ffi_fn_clone_exportjob(job, &st), &st);
    }
    st = ok();
    RustBuffer reports = uniffi_clipforge_ffi_fn_method_exportjob_join(uniffi_clipforge_ffi_fn_clone_exportjob(job, &st), &st);
    int8_t code = settle(&st);
    if (code == 0) free_buffer(reports);
    st = ok();
    uniffi_clipforge_ffi_fn_free_exportjob(job, &st);
    return code;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s FIXTURE.mp4 OUT_DIR\n", argv[0]); return 2; }
    const char *fixture = argv[1], *out = argv[2];
    char recipe[2048];
    snprintf(recipe, sizeof recipe,
             "{\"version\":1,\"source\":\"%s\",\"trim\":{\"start\":0,\"end\":2},\"loop\":{\"mode\":\"repeat\",\"duration\":6},"
             "\"captions\":[{\"text\":\"leak check\",\"start\":0,\"end\":3}],"
             "\"outputs\":[{\"path\":\"a.mp4\",\"aspect\":\"9:16\",\"height\":320},{\"path\":\"b.mp4\",\"aspect\":\"1:1\",\"height\":240,\"fit\":\"blur\"}]}",
             fixture);
    // Twice each: a leak per call shows as a count that grows with the calls.
    for (int round = 0; round < 2; round++) {
        taste_profiles();
        probes(fixture);
        CHECK(export_once(recipe, out, 0) == 0, "export (two outputs, captions) finishes");
        // Cancelled at once it ends Cancelled; should it have finished first, it still must not leak.
        int8_t cancelled = export_once(recipe, out, 1);
        CHECK(cancelled == 1 || cancelled == 0, "a cancelled export ends (status %d)", cancelled);
        CHECK(export_once("{\"version\":1,\"source\":\"missing.mp4\",\"outputs\":[]}", out, 0) == 1, "a failing export is an error");
    }
    printf("\nFFI lifecycle under AddressSanitizer: %s (%d failed)\n", failures ? "FAILED" : "all passed", failures);
    return failures ? 1 : 0;
}
