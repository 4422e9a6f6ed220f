// swift-tools-version:5.9
// clipforge for iOS: the generated uniffi Swift bindings (Sources/Clipforge/Generated, committed and
// checked against the library in CI) + an idiomatic async layer, over ClipforgeFFI.xcframework
// (static libclipforge_ffi.a for device and simulator + Headers/), built by build-xcframework.sh.
import PackageDescription

let package = Package(
    name: "Clipforge",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Clipforge", targets: ["Clipforge"]),
    ],
    targets: [
        // The C half: header + module map (module `ClipforgeFFI`) and the static library.
        .binaryTarget(name: "ClipforgeFFI", path: "ClipforgeFFI.xcframework"),
        .target(
            name: "Clipforge",
            dependencies: ["ClipforgeFFI"],
            path: "Sources/Clipforge",
            linkerSettings: [
                // FFmpeg (VideoToolbox build) and its system frameworks; see README.md in this folder.
                .linkedFramework("VideoToolbox"),
                .linkedFramework("AudioToolbox"),
                .linkedFramework("CoreMedia"),
                .linkedFramework("CoreVideo"),
                .linkedLibrary("z"),
                .linkedLibrary("bz2"),
                .linkedLibrary("iconv"),
            ]
        ),
    ]
)
