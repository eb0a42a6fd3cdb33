package fr.spro.orientation.ui

import androidx.compose.material3.ColorScheme
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.luminance
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.SemanticsActions
import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.isHeading
import androidx.compose.ui.test.isRoot
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.printToString
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.unit.dp
import fr.spro.orientation.ItemKind
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File

/** WCAG relative-luminance contrast ratio. */
fun contrast(a: Color, b: Color): Double {
    val (hi, lo) = listOf(a.luminance().toDouble(), b.luminance().toDouble()).sortedDescending()
    return (hi + 0.05) / (lo + 0.05)
}

@OptIn(ExperimentalTestApi::class)
class AccessibilityTest {
    private fun label(n: SemanticsNode): String {
        val c = n.config
        val parts = c.getOrNull(SemanticsProperties.ContentDescription).orEmpty() +
            c.getOrNull(SemanticsProperties.Text).orEmpty().map { it.text } +
            listOfNotNull(c.getOrNull(SemanticsProperties.EditableText)?.text?.takeIf { it.isNotEmpty() }) +
            listOfNotNull(c.getOrNull(SemanticsActions.OnClick)?.label)
        return parts.joinToString(" ").trim()
    }

    @Test
    fun theme_text_contrast_is_at_least_4_5_to_1_in_light_and_dark() {
        for ((name, scheme) in listOf<Pair<String, ColorScheme>>("clair" to LightColors, "sombre" to DarkColors)) {
            for ((pair, colours) in textPairs(scheme)) {
                val r = contrast(colours.first, colours.second)
                assertTrue("$name $pair: contrast ${"%.2f".format(r)} < 4.5", r >= 4.5)
            }
        }
    }

    /** Every clickable node on every screen, phone and tablet: a label read aloud, and at least 48×48 dp. */
    @Test
    fun every_clickable_has_a_label_and_a_48dp_target_on_every_screen() {
        for (size in listOf(PHONE, TABLET)) uiTest(size) {
            TestApp().use { app ->
                setContent { app.Content() }
                waitReady(app)
                val tour = ScreenTour(this, app)
                val problems = mutableListOf<String>()
                for ((screen, go) in tour.all) {
                    go()
                    val clickables = onAllNodes(hasClickAction()).fetchSemanticsNodes()
                    assertTrue("$screen: nothing to tap?", clickables.isNotEmpty())
                    for (n in clickables) {
                        val l = label(n)
                        if (l.isEmpty()) problems += "$screen: a clickable without label ${n.config}"
                        // touch bounds: what a finger hits (minimumInteractiveComponentSize included)
                        val b = n.touchBoundsInRoot
                        val w = b.width / density.density
                        val h = b.height / density.density
                        // nodes half scrolled out of view are clipped: judge only what is fully on screen
                        val visible = n.boundsInRoot.height >= n.size.height - 1 && n.boundsInRoot.width >= n.size.width - 1
                        if (visible && (w < 47.5f || h < 47.5f)) problems += "$screen: « $l » is ${w}×${h} dp"
                    }
                    assertTrue("$screen: no heading", onAllNodes(isHeading()).fetchSemanticsNodes().isNotEmpty())
                }
                File(screenshotsDir, "semantics-${size.width.toInt()}.txt").writeText(onRoot().printToString(Int.MAX_VALUE))
                assertTrue(problems.joinToString("\n"), problems.isEmpty())
            }
        }
    }

    @Test
    fun tabs_chips_live_regions_and_stars_are_announced() = uiTest(PHONE) {
        TestApp().use { app ->
            setContent { app.Content() }
            waitReady(app)
            val tour = ScreenTour(this, app)
            tour.searchNear()
            val tabs = onAllNodes(SemanticsMatcher.expectValue(SemanticsProperties.Role, Role.Tab)).fetchSemanticsNodes()
            // 5 in the bottom bar + "Tout" and the 4 kinds
            assertEquals(10, tabs.size)
            assertTrue(tabs.all { it.config.getOrNull(SemanticsProperties.Selected) != null })
            val selectedKind = tabs.filter { it.config.getOrNull(SemanticsProperties.Selected) == true }.map { label(it) }
            assertTrue(selectedKind.toString(), selectedKind.any { it.startsWith(fr.spro.orientation.kindLabel(ItemKind.TRAINING, true)) })
            val chips = onAllNodes(SemanticsMatcher.expectValue(SemanticsProperties.Role, Role.Checkbox)).fetchSemanticsNodes()
            assertTrue("chips from the facets", chips.size >= 4)
            assertTrue(chips.all { it.config.getOrNull(SemanticsProperties.Selected) != null || it.config.getOrNull(SemanticsProperties.ToggleableState) != null })
            // the result count is a polite live region
            val count = onNodeWithTag(Tags.RESULT_COUNT).fetchSemanticsNode()
            assertEquals(LiveRegionMode.Polite, count.config.getOrNull(SemanticsProperties.LiveRegion))
            // every star says what it does
            val stars = onAllNodes(SemanticsMatcher("star") {
                val d = it.config.getOrNull(SemanticsProperties.ContentDescription).orEmpty()
                d.contains(fr.spro.orientation.favouriteActionLabel(false)) || d.contains(fr.spro.orientation.favouriteActionLabel(true))
            }).fetchSemanticsNodes()
            assertTrue(stars.isNotEmpty())
            assertEquals(app.model.page!!.items.size.coerceAtMost(stars.size), stars.size)
        }
    }
}
