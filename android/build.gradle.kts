// Android library module for clipforge: the generated uniffi bindings + the idiomatic Kotlin layer
// (src/main/kotlin, platform-free and tested on the JVM by scripts/test-kotlin.sh) and the native
// libraries built by build-rust-android.sh into src/main/jniLibs/<abi>/.
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.4.20"
}

android {
    namespace = "dev.clipforge"
    compileSdk = 35
    defaultConfig {
        minSdk = 24 // JNA 5.13 and FFmpeg's MediaCodec wrappers both work from API 24
        consumerProguardFiles("consumer-rules.pro")
    }
    // libclipforge_ffi.so, FFmpeg's .so files and libonnxruntime.so per ABI (see build-rust-android.sh).
    sourceSets["main"].jniLibs.srcDirs("src/main/jniLibs")
    // Android-only Kotlin (AssetManager helpers) beside the platform-free layer in src/main/kotlin.
    sourceSets["main"].kotlin.srcDirs("src/main/kotlin", "src/main/kotlin-android")
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlin { jvmToolchain(17) }
}

dependencies {
    // The generated bindings call the library through JNA; on Android the AAR carries libjnidispatch.so.
    implementation("net.java.dev.jna:jna:5.13.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.8.0")
}
