package fr.spro.orientation.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Favorite
import androidx.compose.material.icons.filled.FavoriteBorder
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.SpanStyle
import androidx.compose.ui.text.buildAnnotatedString
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextDecoration
import androidx.compose.ui.unit.dp
import fr.spro.orientation.Badge
import fr.spro.orientation.BadgeKind
import fr.spro.orientation.HiringChart
import fr.spro.orientation.TextRange
import fr.spro.orientation.favouriteActionLabel

/** Test tags (stable handles for the UI tests; never shown). */
object Tags {
    const val SEARCH_FIELD = "search-field"
    const val NEAR_FIELD = "near-field"
    const val RESULT_COUNT = "result-count"
    const val RESULTS = "results"
    const val SHEET_TITLE = "sheet-title"
    const val SHEET_ERROR = "sheet-error"
    const val CHAT_INPUT = "chat-input"
    const val COMPARE_TABLE = "compare-table"
    const val NOTE_FIELD = "note-field"
    fun result(id: String) = "result:$id"
    fun row(id: String) = "row:$id"
    fun tab(t: Tab) = "tab:${t.name}"
    fun kind(k: fr.spro.orientation.ItemKind?) = "kind:${k?.name ?: "ALL"}"
    fun favourite(id: String) = "favourite:$id"
    fun message(localId: Long) = "message:$localId"
}

/** A section title, marked as a heading for screen readers. */
@Composable
fun Heading(text: String, modifier: Modifier = Modifier, top: Boolean = false) {
    Text(
        text,
        style = if (top) MaterialTheme.typography.headlineSmall else MaterialTheme.typography.titleMedium,
        color = MaterialTheme.colorScheme.onSurface,
        modifier = modifier.padding(top = if (top) 0.dp else 16.dp, bottom = 4.dp).semantics { heading() },
    )
}

@Composable
fun Body(text: String, modifier: Modifier = Modifier) {
    Text(text, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurface, modifier = modifier)
}

@Composable
fun Muted(text: String, modifier: Modifier = Modifier) {
    Text(text, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant, modifier = modifier)
}

/** A title with the query's matches in bold and underlined (not colour alone). */
@Composable
fun Highlighted(title: String, ranges: List<TextRange>, modifier: Modifier = Modifier) {
    val text = buildAnnotatedString {
        append(title)
        for (r in ranges) {
            if (r.start in 0..r.end && r.end <= title.length) {
                addStyle(SpanStyle(fontWeight = FontWeight.Bold, textDecoration = TextDecoration.Underline), r.start, r.end)
            }
        }
    }
    Text(text, style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onSurface, modifier = modifier)
}

/** The star: its label says what a tap does. */
@Composable
fun Star(isFavourite: Boolean, onClick: () -> Unit, modifier: Modifier = Modifier) {
    val label = favouriteActionLabel(isFavourite)
    IconButton(onClick = onClick, modifier = modifier.semantics { contentDescription = label }) {
        Icon(
            if (isFavourite) Icons.Filled.Favorite else Icons.Filled.FavoriteBorder,
            contentDescription = null,
            tint = MaterialTheme.colorScheme.primary,
        )
    }
}

/** A badge with words (never colour alone): "inscriptions ouvertes", "à distance". */
@Composable
fun BadgeChip(badge: Badge) {
    val (bg, fg) = when (badge.kind) {
        BadgeKind.REGISTRATION_OPEN -> MaterialTheme.colorScheme.tertiaryContainer to MaterialTheme.colorScheme.onTertiaryContainer
        BadgeKind.DISTANCE_LEARNING -> MaterialTheme.colorScheme.secondaryContainer to MaterialTheme.colorScheme.onSecondaryContainer
    }
    Surface(color = bg, shape = RoundedCornerShape(8.dp)) {
        Text(badge.label, color = fg, style = MaterialTheme.typography.labelMedium, modifier = Modifier.padding(horizontal = 8.dp, vertical = 2.dp))
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun Badges(badges: List<Badge>) {
    if (badges.isEmpty()) return
    FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        badges.forEach { BadgeChip(it) }
    }
}

/**
 * A label and a value on one line ("Prix : 1 250 €"). When both do not fit (a long value, large fonts) the
 * value goes under the label and wraps across the whole width, instead of a narrow column beside it.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun Field(label: String, value: String?) {
    if (value.isNullOrBlank()) return
    FlowRow(Modifier.padding(vertical = 2.dp)) {
        Text(
            "$label : ",
            style = MaterialTheme.typography.bodyMedium,
            fontWeight = FontWeight.SemiBold,
            color = MaterialTheme.colorScheme.onSurface,
        )
        Body(value)
    }
}

/** A link-like action: a text button of at least 48 dp. */
@Composable
fun LinkButton(text: String, description: String = text, onClick: () -> Unit) {
    TextButton(
        onClick = onClick,
        modifier = Modifier.heightIn(min = 48.dp).semantics { contentDescription = description },
    ) { Text(text) }
}

/** The BMO figures as a small bar chart; screen readers get the chart's sentence. */
@Composable
fun HiringBars(chart: HiringChart) {
    Column(
        Modifier.fillMaxWidth().padding(vertical = 4.dp).clearAndSetSemantics { contentDescription = chart.summary },
    ) {
        chart.bars.forEach { bar ->
            Text(bar.label, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.onSurface)
            Row(verticalAlignment = Alignment.CenterVertically) {
                Box(Modifier.weight(1f).height(14.dp).background(MaterialTheme.colorScheme.surfaceVariant, RoundedCornerShape(7.dp))) {
                    Box(
                        Modifier.fillMaxWidth(bar.fraction.toFloat().coerceIn(0f, 1f)).height(14.dp)
                            .background(MaterialTheme.colorScheme.primary, RoundedCornerShape(7.dp)),
                    )
                }
                Text(
                    bar.value,
                    style = MaterialTheme.typography.labelLarge,
                    color = MaterialTheme.colorScheme.onSurface,
                    modifier = Modifier.width(88.dp).padding(start = 8.dp),
                )
            }
        }
        Muted(chart.caption, Modifier.padding(top = 4.dp))
    }
}

/** The core's French message in an error container. */
@Composable
fun ErrorText(message: String, modifier: Modifier = Modifier) {
    Surface(color = MaterialTheme.colorScheme.errorContainer, shape = RoundedCornerShape(8.dp), modifier = modifier.fillMaxWidth()) {
        Text(message, color = MaterialTheme.colorScheme.onErrorContainer, modifier = Modifier.padding(12.dp))
    }
}
