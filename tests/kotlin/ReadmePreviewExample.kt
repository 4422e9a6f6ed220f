// The README's progressive-preview Kotlin code, compiled by scripts/test-kotlin.sh and run by
// BindingsTest.kt; the README block between the README-PREVIEW markers must equal the lines between
// them here (the script checks).
package dev.clipforge.test

import dev.clipforge.Clipforge
import dev.clipforge.PreviewEvent
import dev.clipforge.PreviewRanker
import dev.clipforge.TasteProfile

// README-PREVIEW-BEGIN
/** The app's feed card (its views); called on the collector's context. */
interface FeedCard {
    fun mark(seconds: Double, score: Float)   // a tick on the card's strip per candidate frame
    fun highlight(seconds: Double)            // where the poster was taken
    fun showPoster(path: String)
    fun play(loopPath: String)
}

suspend fun fillCard(ranker: PreviewRanker, profile: TasteProfile, clip: String, outDir: String, card: FeedCard) {
    Clipforge.previewEvents(ranker, clip, profile, outDir).collect { event ->
        when (event) {
            is PreviewEvent.Candidate -> card.mark(event.candidate.time, event.candidate.score)
            is PreviewEvent.Ranked -> card.highlight(event.posterTime)
            is PreviewEvent.Poster -> card.showPoster(event.poster.path)   // the loop is still being made
            is PreviewEvent.Done -> card.play(event.result.loop.path)
        }
    }
}
// README-PREVIEW-END
