package fr.spro.orientation.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
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
import androidx.compose.material.icons.filled.Clear
import androidx.compose.material.icons.filled.LocationOn
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.Card
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.ScrollableTabRow
import androidx.compose.material3.Tab
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import fr.spro.orientation.ItemKind
import fr.spro.orientation.SearchItem
import fr.spro.orientation.catalogueDateLabel
import fr.spro.orientation.distanceLabel
import fr.spro.orientation.kindLabel
import fr.spro.orientation.noResultsLabel
import fr.spro.orientation.resultsCountLabel
import fr.spro.orientation.searchHintLabel
import fr.spro.orientation.widenedLabel

@Composable
fun HomeScreen(model: AppModel) {
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp)) {
        Heading("Trouve ta voie", top = true)
        Muted("Métiers, formations, aides et lieux près de chez toi, avec des données publiques.")
        Spacer(Modifier.heightIn(min = 12.dp))
        Card(
            onClick = { model.select(Tab.SEARCH) },
            modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp).semantics { contentDescription = "Rechercher" },
        ) {
            Row(Modifier.padding(16.dp), verticalAlignment = Alignment.CenterVertically) {
                Icon(Icons.Filled.Search, contentDescription = null)
                Text("Rechercher un métier, une formation…", modifier = Modifier.padding(start = 12.dp))
            }
        }
        Heading("Je cherche")
        HomeEntry("Un métier", "Découvrir ce qu'on y fait, où on embauche") { model.browse(ItemKind.JOB) }
        HomeEntry("Une formation", "Diplômes, sessions, financements") { model.browse(ItemKind.TRAINING) }
        HomeEntry("Une aide", "Pour me former, me loger, me déplacer") { model.browse(ItemKind.AID) }
        HomeEntry("Un lieu près de moi", "Mission locale, France Travail, lycée, organisme") {
            model.browse(ItemKind.PLACE, nearMe = true)
        }
        HomeEntry("Parler à un conseiller", "Une vraie personne, par écrit") { model.select(Tab.CHAT) }
        Spacer(Modifier.heightIn(min = 16.dp))
        Muted(catalogueDateLabel(model.catalogueInfo?.builtAt))
    }
}

@Composable
private fun HomeEntry(title: String, subtitle: String, onClick: () -> Unit) {
    Column(
        Modifier.fillMaxWidth().heightIn(min = 56.dp)
            .clickable(onClickLabel = title, role = Role.Button, onClick = onClick)
            .padding(vertical = 8.dp),
    ) {
        Text(title, style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.primary)
        Muted(subtitle)
    }
    HorizontalDivider()
}

@OptIn(ExperimentalMaterial3Api::class, ExperimentalLayoutApi::class)
@Composable
fun SearchScreen(model: AppModel) {
    val page = model.page
    Column(Modifier.fillMaxSize()) {
        Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) {
            OutlinedTextField(
                value = model.text,
                onValueChange = model::onText,
                label = { Text("Métier, formation, aide, lieu") },
                singleLine = true,
                leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
                trailingIcon = {
                    if (model.text.isNotEmpty()) {
                        IconButton(onClick = { model.onText("") }) {
                            Icon(Icons.Filled.Clear, contentDescription = "Effacer la recherche")
                        }
                    }
                },
                modifier = Modifier.fillMaxWidth().testTag(Tags.SEARCH_FIELD),
            )
            NearRow(model)
        }
        // Kind tabs with the counts of the current query (counted before the kind filter).
        val counts = page?.facets?.kinds.orEmpty().associate { it.kind to it.count }
        val kinds = listOf<ItemKind?>(null) + ItemKind.entries
        ScrollableTabRow(selectedTabIndex = kinds.indexOf(model.kind), edgePadding = 8.dp) {
            kinds.forEach { k ->
                val n = if (k == null) counts.values.sum() else counts[k] ?: 0
                val label = if (k == null) "Tout" else kindLabel(k, true)
                Tab(
                    selected = model.kind == k,
                    onClick = { model.onKind(k) },
                    text = { Text(if (page != null) "$label ($n)" else label, maxLines = 1) },
                    modifier = Modifier.heightIn(min = 48.dp).testTag(Tags.kind(k)),
                )
            }
        }
        FilterChips(model)
        val error = model.searchError
        Column(Modifier.padding(horizontal = 16.dp)) {
            if (error != null) ErrorText(error, Modifier.padding(vertical = 4.dp))
            page?.widenedToKm?.let { km ->
                Text(
                    widenedLabel(km),
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    style = MaterialTheme.typography.bodyMedium,
                    modifier = Modifier.padding(vertical = 4.dp).semantics { liveRegion = LiveRegionMode.Polite },
                )
            }
            if (page != null) {
                Text(
                    resultsCountLabel(page.items.size.toUInt()),
                    style = MaterialTheme.typography.labelLarge,
                    color = MaterialTheme.colorScheme.onSurface,
                    modifier = Modifier.padding(vertical = 4.dp).testTag(Tags.RESULT_COUNT)
                        .semantics { liveRegion = LiveRegionMode.Polite; heading() },
                )
            }
        }
        when {
            page == null && error == null -> Muted(searchHintLabel(), Modifier.padding(16.dp))
            page != null && page.items.isEmpty() -> Body(noResultsLabel(), Modifier.padding(16.dp))
            page != null -> LazyColumn(Modifier.fillMaxSize().testTag(Tags.RESULTS)) {
                items(page.items, key = { it.kind.name + it.id }) { item ->
                    ResultRow(item, onOpen = { model.openItem(item.id) }, onStar = { model.toggleStar(item) })
                    HorizontalDivider()
                }
            }
        }
    }
}

@Composable
private fun NearRow(model: AppModel) {
    var typed by remember { mutableStateOf("") }
    Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(top = 4.dp)) {
        OutlinedTextField(
            value = typed,
            onValueChange = { typed = it; if (it.length == 5 && it.all(Char::isDigit)) model.nearTyped(it) },
            label = { Text("Code postal, ville") },
            singleLine = true,
            modifier = Modifier.weight(1f).testTag(Tags.NEAR_FIELD),
            trailingIcon = {
                if (typed.isNotEmpty()) {
                    IconButton(onClick = { model.nearTyped(typed) }) {
                        Icon(Icons.Filled.Search, contentDescription = "Chercher près de ce lieu")
                    }
                }
            },
        )
        FilterChip(
            selected = model.nearLabel == "ma position",
            onClick = { if (model.nearLabel == "ma position") model.clearNear() else model.nearMe() },
            label = { Text("Près de moi") },
            leadingIcon = { Icon(Icons.Filled.LocationOn, contentDescription = null) },
            modifier = Modifier.padding(start = 8.dp),
        )
    }
    model.nearLabel?.let { Muted("Autour de : $it", Modifier.padding(top = 2.dp)) }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun FilterChips(model: AppModel) {
    val facets = model.page?.facets
    val f = model.filters
    // One line that scrolls sideways: the results stay high on a phone.
    Row(
        Modifier.fillMaxWidth().horizontalScroll(rememberScrollState()).padding(horizontal = 16.dp),
        horizontalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        FilterChip(f.registrationOpen, { model.toggleRegistrationOpen() }, label = { Text("Inscriptions ouvertes") })
        FilterChip(model.startSoon, { model.toggleStartSoon() }, label = { Text("Rentrée d'ici 3 mois") })
        FilterChip(f.disabilityAccess, { model.toggleDisability() }, label = { Text("Accessible (handicap)") })
        facets?.funding.orEmpty().filter { it.count > 0 || it.funding in f.funding }.forEach { c ->
            FilterChip(c.funding in f.funding, { model.toggleFunding(c.funding) }, label = { Text("${c.label} (${c.count})") })
        }
        facets?.levels.orEmpty().filter { it.count > 0 }.forEach { c ->
            val on = f.levelMin == c.level && f.levelMax == c.level
            FilterChip(on, { model.toggleLevel(c.level) }, label = { Text("${c.label} (${c.count})") })
        }
        facets?.modes.orEmpty().filter { it.count > 0 || it.mode in f.modes }.forEach { c ->
            FilterChip(c.mode in f.modes, { model.toggleMode(c.mode) }, label = { Text("${c.label} (${c.count})") })
        }
    }
}

@Composable
fun ResultRow(item: SearchItem, onOpen: () -> Unit, onStar: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 56.dp).testTag(Tags.row(item.id)),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Column(
            Modifier.weight(1f).heightIn(min = 48.dp).testTag(Tags.result(item.id))
                .clickable(onClickLabel = "Ouvrir la fiche", role = Role.Button, onClick = onOpen)
                .padding(start = 16.dp, top = 8.dp, bottom = 8.dp, end = 4.dp),
        ) {
            Text(kindLabel(item.kind, false), style = MaterialTheme.typography.labelSmall, color = MaterialTheme.colorScheme.primary)
            Highlighted(item.title, item.titleHighlights)
            val sub = listOfNotNull(item.subtitle, item.location ?: item.distanceKm?.let { distanceLabel(it) }).joinToString(" · ")
            if (sub.isNotEmpty()) Muted(sub)
            Badges(item.badges)
        }
        Star(item.isFavourite, onStar, Modifier.padding(end = 4.dp).width(48.dp))
    }
}
