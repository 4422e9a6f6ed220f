// Android-only helpers (the AssetManager type is not on the JVM the tests run on; the logic they call,
// Clipforge.registerFontAssets, is tested there with a folder standing in for the assets).
package dev.clipforge

import android.content.res.AssetManager

/**
 * Registers every font the app ships under `assets/[dir]` (`.ttf`, `.otf`, `.ttc`, `.otc`) in one call:
 *
 * ```
 * lifecycleScope.launch { Clipforge.registerFontAssets(context.assets) }  // assets/fonts/*.ttf
 * ```
 *
 * Call it once at start-up, before the first export with captions. Returns how many fonts were
 * registered; a file that is not a font throws [ClipforgeException.InvalidFont].
 */
suspend fun Clipforge.registerFontAssets(assets: AssetManager, dir: String = "fonts"): Int =
    registerFontAssets(list = { assets.list(it) }, open = { assets.open(it) }, dir = dir)
