package fr.spro.orientation.ui

import androidx.compose.material3.ColorScheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.unit.Density

/** Every colour set explicitly, so that tests compute each text/background contrast from the scheme. */
val LightColors: ColorScheme = lightColorScheme(
    primary = Color(0xFF1B4FA0),
    onPrimary = Color(0xFFFFFFFF),
    primaryContainer = Color(0xFFD8E2FF),
    onPrimaryContainer = Color(0xFF001A43),
    secondary = Color(0xFF4F5B70),
    onSecondary = Color(0xFFFFFFFF),
    secondaryContainer = Color(0xFFD9E2F9),
    onSecondaryContainer = Color(0xFF0C1829),
    tertiary = Color(0xFF7A3C8C),
    onTertiary = Color(0xFFFFFFFF),
    tertiaryContainer = Color(0xFFF8D8FF),
    onTertiaryContainer = Color(0xFF310040),
    error = Color(0xFFB3261E),
    onError = Color(0xFFFFFFFF),
    errorContainer = Color(0xFFF9DEDC),
    onErrorContainer = Color(0xFF410E0B),
    background = Color(0xFFFBFBFF),
    onBackground = Color(0xFF1A1C20),
    surface = Color(0xFFFBFBFF),
    onSurface = Color(0xFF1A1C20),
    surfaceVariant = Color(0xFFE0E2EC),
    onSurfaceVariant = Color(0xFF43474E),
    surfaceContainer = Color(0xFFEEEDF4),
    surfaceContainerLow = Color(0xFFF4F3FA),
    surfaceContainerHigh = Color(0xFFE8E7EE),
    surfaceContainerHighest = Color(0xFFE2E2E9),
    outline = Color(0xFF73777F),
    outlineVariant = Color(0xFFC3C6CF),
)

val DarkColors: ColorScheme = darkColorScheme(
    primary = Color(0xFFAEC6FF),
    onPrimary = Color(0xFF002E6B),
    primaryContainer = Color(0xFF0C4496),
    onPrimaryContainer = Color(0xFFD8E2FF),
    secondary = Color(0xFFBDC7DC),
    onSecondary = Color(0xFF273141),
    secondaryContainer = Color(0xFF3D4758),
    onSecondaryContainer = Color(0xFFD9E2F9),
    tertiary = Color(0xFFEBB5FB),
    onTertiary = Color(0xFF48085A),
    tertiaryContainer = Color(0xFF602473),
    onTertiaryContainer = Color(0xFFF8D8FF),
    error = Color(0xFFF2B8B5),
    onError = Color(0xFF601410),
    errorContainer = Color(0xFF8C1D18),
    onErrorContainer = Color(0xFFF9DEDC),
    background = Color(0xFF111318),
    onBackground = Color(0xFFE2E2E9),
    surface = Color(0xFF111318),
    onSurface = Color(0xFFE2E2E9),
    surfaceVariant = Color(0xFF43474E),
    onSurfaceVariant = Color(0xFFC3C6CF),
    surfaceContainer = Color(0xFF1D2024),
    surfaceContainerLow = Color(0xFF191C20),
    surfaceContainerHigh = Color(0xFF282A2F),
    surfaceContainerHighest = Color(0xFF33353A),
    outline = Color(0xFF8D9199),
    outlineVariant = Color(0xFF43474E),
)

/** The pairs of colours that carry text in this app (foreground, background), checked for ≥ 4.5:1. */
fun textPairs(c: ColorScheme): Map<String, Pair<Color, Color>> = mapOf(
    "onBackground/background" to (c.onBackground to c.background),
    "onSurface/surface" to (c.onSurface to c.surface),
    "onSurfaceVariant/surface" to (c.onSurfaceVariant to c.surface),
    "onSurfaceVariant/surfaceVariant" to (c.onSurfaceVariant to c.surfaceVariant),
    "onSurface/surfaceContainer" to (c.onSurface to c.surfaceContainer),
    "onSurfaceVariant/surfaceContainer" to (c.onSurfaceVariant to c.surfaceContainer),
    "onSurface/surfaceContainerHigh" to (c.onSurface to c.surfaceContainerHigh),
    "onSurfaceVariant/surfaceContainerLow" to (c.onSurfaceVariant to c.surfaceContainerLow),
    "primary/surface" to (c.primary to c.surface),
    "primary/surfaceContainer" to (c.primary to c.surfaceContainer),
    "onPrimary/primary" to (c.onPrimary to c.primary),
    "onPrimaryContainer/primaryContainer" to (c.onPrimaryContainer to c.primaryContainer),
    "onSecondaryContainer/secondaryContainer" to (c.onSecondaryContainer to c.secondaryContainer),
    "onTertiaryContainer/tertiaryContainer" to (c.onTertiaryContainer to c.tertiaryContainer),
    "onErrorContainer/errorContainer" to (c.onErrorContainer to c.errorContainer),
    "error/surface" to (c.error to c.surface),
)

/** The app's theme; [fontScale] multiplies the system's (tests render at 2.0). */
@Composable
fun OrientationTheme(dark: Boolean, fontScale: Float? = null, content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = if (dark) DarkColors else LightColors) {
        if (fontScale == null) {
            content()
        } else {
            val d = LocalDensity.current
            CompositionLocalProvider(LocalDensity provides Density(d.density, fontScale), content = content)
        }
    }
}
