// What Swift will see, checked without Swift: this Objective-C program imports the committed C module
// (ios/Headers: ClipforgeFFI.h + module.modulemap, as the XCFramework ships them) with clang -fmodules
// and calls into libclipforge_ffi through it, the way the generated Swift does:
//  - the contract version and every API checksum the generated Swift verifies at load (checks.inc,
//    extracted from ios/Sources/Clipforge/Generated/Clipforge.swift by scripts/test-swift-c.sh);
//  - real calls: clipforge_version, probe of a fixture (record decoded), probe of a missing file (the
//    `Io` error case with its message), each through RustBuffer / RustCallStatus.
@import ClipforgeFFI;
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (cond) {                                        \
            printf("PASS  " __VA_ARGS__);                  \
        } else {                                           \
            printf("FAIL  " __VA_ARGS__);                  \
            failures++;                                    \
        }                                                  \
        printf("\n");                                      \
    } while (0)

// uniffi serialises records and errors big-endian: i32 lengths, i32 1-based enum variants.
static int32_t be_i32(const uint8_t *p) { return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]); }
static uint64_t be_u64(const uint8_t *p) { uint64_t v = 0; for (int i = 0; i < 8; i++) v = v << 8 | p[i]; return v; }
static double be_f64(const uint8_t *p) { uint64_t v = be_u64(p); double d; memcpy(&d, &v, 8); return d; }

static int contains(const char *s, int n, const char *word) {
    size_t w = strlen(word);
    for (int i = 0; i + (int)w <= n; i++) if (memcmp(s + i, word, w) == 0) return 1;
    return 0;
}

// A top-level String argument is lowered as a RustBuffer of its UTF-8 bytes.
static RustBuffer lower_string(const char *s) {
    RustCallStatus st = {0};
    ForeignBytes fb = {(int32_t)strlen(s), (const uint8_t *)s};
    RustBuffer b = ffi_clipforge_ffi_rustbuffer_from_bytes(fb, &st);
    if (st.code != 0) { fprintf(stderr, "rustbuffer_from_bytes failed\n"); exit(1); }
    return b;
}

static void free_buffer(RustBuffer b) {
    RustCallStatus st = {0};
    ffi_clipforge_ffi_rustbuffer_free(b, &st);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FIXTURE.mp4\n", argv[0]); return 2; }

#include "checks.inc"

    RustCallStatus st = {0};
    RustBuffer v = uniffi_clipforge_ffi_fn_func_clipforge_version(&st);
    CHECK(st.code == 0 && v.len > 0, "clipforge_version() = %.*s", (int)v.len, (const char *)v.data);
    free_buffer(v);

    // probe(path) -> MediaInfo { container: String, duration: f64, size_bytes: u64, streams: [StreamInfo] }
    st = (RustCallStatus){0};
    RustBuffer info = uniffi_clipforge_ffi_fn_func_probe(lower_string(argv[1]), &st);
    CHECK(st.code == 0, "probe(%s) succeeds (status %d)", argv[1], st.code);
    if (st.code == 0) {
        const uint8_t *p = info.data;
        int32_t n = be_i32(p); p += 4;
        const char *container = (const char *)p; p += n;
        double duration = be_f64(p); p += 8;
        uint64_t size = be_u64(p); p += 8;
        int32_t streams = be_i32(p);
        CHECK(n > 0 && contains(container, n, "mp4"), "probe: container %.*s", n, container);
        CHECK(duration > 7.9 && duration < 8.1, "probe: duration %.3f s", duration);
        CHECK(size > 0 && streams == 2, "probe: %llu bytes, %d streams", (unsigned long long)size, streams);
        free_buffer(info);
    }

    // probe(missing) -> CALL_ERROR (1) with ClipforgeError.Io (variant 3) { message }
    st = (RustCallStatus){0};
    uniffi_clipforge_ffi_fn_func_probe(lower_string("/nonexistent/clip.mp4"), &st);
    CHECK(st.code == 1, "probe(missing) is an error (status %d)", st.code);
    if (st.code == 1) {
        const uint8_t *p = st.errorBuf.data;
        int32_t variant = be_i32(p);
        int32_t n = be_i32(p + 4);
        CHECK(variant == 3 && n > 0, "probe(missing): ClipforgeError variant %d (3 = Io), message \"%.*s\"",
              variant, n, (const char *)(p + 8));
        free_buffer(st.errorBuf);
    }

    printf("\nC/Objective-C through the Swift module map: %s (%d failed)\n", failures ? "FAILED" : "all passed", failures);
    return failures ? 1 : 0;
}
