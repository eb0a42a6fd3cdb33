package fr.spro.orientation.ui

import androidx.compose.foundation.border
import androidx.compose.foundation.clickable
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.IntrinsicSize
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.KeyboardArrowDown
import androidx.compose.material.icons.filled.KeyboardArrowUp
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.produceState
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import fr.spro.orientation.Availability
import fr.spro.orientation.Comparison
import fr.spro.orientation.Favourite
import fr.spro.orientation.FavouriteKind
import fr.spro.orientation.ItemKind
import fr.spro.orientation.OrientationException
import fr.spro.orientation.applicationStatusLabel
import fr.spro.orientation.kindLabel

private fun FavouriteKind.itemKind(): ItemKind? = when (this) {
    FavouriteKind.JOB -> ItemKind.JOB
    FavouriteKind.TRAINING -> ItemKind.TRAINING
    FavouriteKind.PLACE -> ItemKind.PLACE
    FavouriteKind.AID -> ItemKind.AID
    else -> null
}

@Composable
fun FavouritesScreen(model: AppModel) {
    val favs = model.favourites
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp)) {
        item { model.favouritesError?.let { ErrorText(it, Modifier.padding(vertical = 8.dp)) } }
        if (favs.isEmpty()) {
            item {
                Heading("Mes favoris", top = true)
                Body("Tu n'as pas encore de favori : touche le cœur d'un résultat pour le garder ici.")
            }
        }
        val selection = model.compareSelection
        if (selection.size >= 2) {
            item {
                Button(
                    onClick = { model.open(Detail.Compare(selection)) },
                    modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp).padding(vertical = 4.dp),
                ) { Text("Comparer ${selection.size} formations") }
            }
        }
        favs.groupBy { it.kind }.forEach { (kind, list) ->
            item(key = "h-$kind") {
                Heading(kind.itemKind()?.let { kindLabel(it, true) } ?: kind.name)
            }
            items(list, key = { "${it.kind}-${it.itemId}" }) { f ->
                FavouriteRow(model, f, list.indexOf(f), list.size)
                HorizontalDivider()
            }
        }
        if (model.savedSearches.isNotEmpty()) {
            item { Heading("Mes recherches") }
            items(model.savedSearches, key = { "s-${it.id}" }) { s ->
                Text(
                    s.name,
                    color = MaterialTheme.colorScheme.primary,
                    modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)
                        .clickable(onClickLabel = "Relancer la recherche", role = Role.Button) { model.runSavedSearch(s) }
                        .padding(vertical = 12.dp),
                )
            }
        }
    }
}

@Composable
private fun FavouriteRow(model: AppModel, f: Favourite, index: Int, count: Int) {
    Row(Modifier.fillMaxWidth().testTag(Tags.favourite(f.itemId)), verticalAlignment = Alignment.CenterVertically) {
        if (f.kind == FavouriteKind.TRAINING) {
            val on = f.itemId in model.compareSelection
            Checkbox(
                checked = on,
                onCheckedChange = { model.toggleCompare(f.itemId) },
                modifier = Modifier.semantics { contentDescription = "Comparer ${f.title}" },
            )
        }
        Column(
            Modifier.weight(1f).heightIn(min = 48.dp)
                .clickable(onClickLabel = "Ouvrir la fiche", role = Role.Button) { model.openItem(f.itemId) }
                .padding(vertical = 8.dp),
        ) {
            Text(f.title, style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onSurface)
            f.place?.let { Muted(it) }
            f.status?.let { Text(applicationStatusLabel(it), style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.primary) }
            f.note?.let { Muted("Note : $it") }
            if (f.tags.isNotEmpty()) Muted(f.tags.joinToString(" ") { "#$it" })
            if (f.availability !is Availability.Offered) {
                Text(
                    f.availabilityLabel,
                    color = MaterialTheme.colorScheme.error,
                    fontWeight = FontWeight.SemiBold,
                    style = MaterialTheme.typography.bodySmall,
                )
            }
        }
        if (f.availability !is Availability.Offered) {
            TextButton(onClick = { model.acknowledge(f.kind, f.itemId) }, modifier = Modifier.heightIn(min = 48.dp)) { Text("Vu") }
        }
        Column {
            IconButton(onClick = { model.moveFavourite(f.kind, f.itemId, index - 1) }, enabled = index > 0) {
                Icon(Icons.Filled.KeyboardArrowUp, contentDescription = "Monter ${f.title}")
            }
            IconButton(onClick = { model.moveFavourite(f.kind, f.itemId, index + 1) }, enabled = index < count - 1) {
                Icon(Icons.Filled.KeyboardArrowDown, contentDescription = "Descendre ${f.title}")
            }
        }
    }
}

/** The core's ready-made table: one row per criterion, one column per training; the best cell says so. */
@Composable
fun CompareScreen(model: AppModel, ids: List<String>) {
    val state by produceState<Loaded<Comparison>>(Loaded.Loading, ids) {
        value = try { Loaded.Done(model.comparison(ids)) } catch (e: OrientationException) { Loaded.Failed(messageOf(e)) }
    }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp)) {
        Heading("Comparer les formations", top = true)
        when (val s = state) {
            is Loaded.Loading -> Muted("Comparaison en cours…")
            is Loaded.Failed -> ErrorText(s.message)
            is Loaded.Done -> {
                val c = s.value
                Column(Modifier.horizontalScroll(rememberScrollState()).testTag(Tags.COMPARE_TABLE)) {
                    Row(Modifier.height(IntrinsicSize.Min)) {
                        Cell("Critère", header = true, width = 150)
                        c.trainings.forEach { t -> Cell(t.title, header = true, width = 220) }
                    }
                    c.rows.forEach { r ->
                        Row(Modifier.height(IntrinsicSize.Min)) {
                            Cell(r.label, header = true, width = 150)
                            r.cells.forEach { cell ->
                                val text = cell.lines.joinToString("\n")
                                Cell(if (cell.best) "$text\n★ le mieux placé" else text, width = 220, best = cell.best)
                            }
                        }
                    }
                }
            }
        }
    }
}

@Composable
private fun Cell(text: String, header: Boolean = false, width: Int, best: Boolean = false) {
    Text(
        text,
        style = if (header) MaterialTheme.typography.labelLarge else MaterialTheme.typography.bodySmall,
        fontWeight = if (header || best) FontWeight.SemiBold else FontWeight.Normal,
        color = MaterialTheme.colorScheme.onSurface,
        modifier = Modifier.width(width.dp).fillMaxHeight()
            .border(0.5.dp, MaterialTheme.colorScheme.outlineVariant)
            .padding(6.dp)
            .semantics { if (best) stateDescription = "le mieux placé" },
    )
}
