package fr.spro.orientation.ui

import androidx.compose.ui.test.ExperimentalTestApi
import org.jetbrains.skia.Bitmap
import org.jetbrains.skia.Image
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File

/**
 * Every screen at phone (411×891 dp, density 2.625) and tablet (1280×800 dp, density 2) size, light and
 * dark, and the main ones at font scale 2.0, as PNGs under target/screenshots. scripts/screenshots copies
 * the two shown in the README to docs/screenshots/.
 */
@OptIn(ExperimentalTestApi::class)
class ScreenshotTest {
    private fun distinctColours(f: File): Int {
        val img = Image.makeFromEncoded(f.readBytes())
        val bmp = Bitmap.makeFromImage(img)
        val seen = HashSet<Int>()
        var y = 0
        while (y < img.height) { var x = 0; while (x < img.width) { seen += bmp.getColor(x, y); x += 7 }; y += 7 }
        return seen.size
    }

    private fun tour(device: String, size: androidx.compose.ui.geometry.Size, density: Float, dark: Boolean, fontScale: Float?, only: Set<String>?) =
        uiTest(size, density) {
            TestApp().use { app ->
                setContent { app.Content(dark = dark, fontScale = fontScale) }
                waitReady(app)
                val t = ScreenTour(this, app)
                for ((name, go) in t.all) {
                    if (only != null && name !in only) continue
                    go()
                    val theme = if (dark) "sombre" else "clair"
                    val suffix = if (fontScale != null) "-texte-x2" else ""
                    val f = screenshot("$device-$name-$theme$suffix")
                    // text and colours really drawn (a font was found, the screen is not blank)
                    assertTrue("${f.name} looks blank", distinctColours(f) > 8)
                }
            }
        }

    @Test fun phone_light() = tour("telephone", PHONE, 2.625f, dark = false, fontScale = null, only = null)
    @Test fun phone_dark() = tour("telephone", PHONE, 2.625f, dark = true, fontScale = null, only = null)
    @Test fun tablet_light() = tour("tablette", TABLET, 2f, dark = false, fontScale = null, only = null)
    @Test fun tablet_dark() = tour("tablette", TABLET, 2f, dark = true, fontScale = null, only = null)
    @Test fun phone_font_scale_2() =
        tour("telephone", PHONE, 2.625f, dark = false, fontScale = 2f, only = setOf("accueil", "recherche", "fiche-metier", "fiche-formation", "favoris", "conseiller"))
}
