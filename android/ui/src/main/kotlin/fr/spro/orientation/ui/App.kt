package fr.spro.orientation.ui

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material.icons.filled.Favorite
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.Person
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.NavigationRail
import androidx.compose.material3.NavigationRailItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.VerticalDivider
import androidx.compose.runtime.Composable
import androidx.compose.runtime.saveable.rememberSaveableStateHolder
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.rememberTextMeasurer
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.Dp
import androidx.compose.ui.unit.dp

private fun Tab.icon(): ImageVector = when (this) {
    Tab.HOME -> Icons.Filled.Home
    Tab.SEARCH -> Icons.Filled.Search
    Tab.FAVOURITES -> Icons.Filled.Favorite
    Tab.CHAT -> Icons.Filled.Person
    Tab.SETTINGS -> Icons.Filled.Settings
}

/** The whole app: phone (< 600 dp) one pane with a bottom bar, tablet a rail and list beside detail. */
@Composable
fun OrientationApp(model: AppModel, dark: Boolean = false, fontScale: Float? = null) {
    OrientationTheme(dark, fontScale) {
        Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
            when (val s = model.startup) {
                is Startup.Ready -> BoxWithConstraints(Modifier.fillMaxSize()) {
                    if (maxWidth < 600.dp) PhoneLayout(model, maxWidth) else TabletLayout(model)
                }
                else -> StartupScreen(s)
            }
        }
    }
}

/** First run: the catalogue is built from the shipped data, with its progress. */
@Composable
fun StartupScreen(s: Startup) {
    Column(Modifier.fillMaxSize().padding(32.dp), verticalArrangement = androidx.compose.foundation.layout.Arrangement.Center) {
        Heading("Orientation", top = true)
        when (s) {
            is Startup.Building -> {
                val p = s.progress
                val fraction = if (p.total > 0) p.done.toFloat() / p.total else 0f
                Body("Préparation du catalogue (une seule fois) : ${p.label}", Modifier.semantics { liveRegion = LiveRegionMode.Polite })
                LinearProgressIndicator(progress = { fraction }, modifier = Modifier.fillMaxWidth().padding(top = 12.dp))
                Muted("Étape ${p.done} sur ${p.total}", Modifier.padding(top = 4.dp))
            }
            is Startup.Failed -> ErrorText(s.message)
            else -> {
                Body("Ouverture du catalogue…")
                LinearProgressIndicator(modifier = Modifier.fillMaxWidth().padding(top = 12.dp))
            }
        }
    }
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun PhoneLayout(model: AppModel, width: Dp) {
    val detail = model.detail()
    val labels = bottomBarLabels(width)
    Scaffold(
        topBar = {
            TopAppBar(
                title = {
                    Text(if (detail != null) detailTitle(detail) else model.tab.label, modifier = Modifier.semantics { heading() })
                },
                navigationIcon = {
                    if (detail != null) {
                        IconButton(onClick = { model.back() }) {
                            Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = "Retour")
                        }
                    }
                },
            )
        },
        bottomBar = {
            NavigationBar {
                Tab.entries.forEach { t ->
                    val selected = model.tab == t
                    // When the five labels do not fit (large font scale), only the selected tab shows its
                    // label, on a wider item; the others are icons whose label is read aloud.
                    val showLabel = labels.all || selected
                    NavigationBarItem(
                        selected = selected,
                        onClick = { model.select(t) },
                        icon = { Icon(t.icon(), contentDescription = if (showLabel) null else t.label) },
                        label = if (showLabel) {
                            { Text(t.label, maxLines = 1, overflow = TextOverflow.Ellipsis, style = MaterialTheme.typography.labelSmall) }
                        } else {
                            null
                        },
                        modifier = Modifier.weight(if (!labels.all && selected) labels.selectedWeight else 1f).testTag(Tags.tab(t)),
                    )
                }
            }
        },
    ) { padding ->
        Box(Modifier.padding(padding).fillMaxSize()) {
            Column(Modifier.fillMaxSize()) {
                NoticeBar(model)
                if (detail != null) DetailPane(model, detail) else TabRoot(model, twoPane = false)
            }
        }
    }
}

/** Whether every bottom-bar label fits its fifth of the width; if not, the weight that fits the selected one. */
private class BarLabels(val all: Boolean, val selectedWeight: Float)

@Composable
private fun bottomBarLabels(width: Dp): BarLabels {
    val measurer = rememberTextMeasurer()
    val style = MaterialTheme.typography.labelSmall
    val density = LocalDensity.current
    val widest = with(density) { Tab.entries.maxOf { measurer.measure(it.label, style, maxLines = 1).size.width }.toDp() }
    val n = Tab.entries.size
    // Material's NavigationBar puts 8 dp between items and 4 dp on each side of a label (2 dp for rounding)
    val items = width - 8.dp * (n - 1)
    val needed = widest + 10.dp
    if (needed <= items / n) return BarLabels(true, 1f)
    // the selected item gets `needed`, the n - 1 others share the rest (icons only, never under 48 dp)
    val rest = ((items - needed) / (n - 1)).coerceAtLeast(48.dp)
    return BarLabels(false, (needed / rest).coerceAtLeast(1f))
}

@Composable
private fun TabletLayout(model: AppModel) {
    Row(Modifier.fillMaxSize()) {
        NavigationRail {
            Tab.entries.forEach { t ->
                NavigationRailItem(
                    selected = model.tab == t,
                    onClick = { model.select(t) },
                    icon = { Icon(t.icon(), contentDescription = null) },
                    label = { Text(t.label, maxLines = 1, softWrap = false, style = MaterialTheme.typography.labelSmall) },
                    modifier = Modifier.testTag(Tags.tab(t)),
                )
            }
        }
        VerticalDivider()
        Column(Modifier.fillMaxSize()) {
            NoticeBar(model)
            val detail = model.detail()
            val listDetail = model.tab == Tab.SEARCH || model.tab == Tab.FAVOURITES || model.tab == Tab.CHAT
            if (listDetail) {
                Row(Modifier.fillMaxSize()) {
                    Box(Modifier.width(if (model.tab == Tab.CHAT) 560.dp else 460.dp).fillMaxHeight()) {
                        TabRoot(model, twoPane = true)
                    }
                    VerticalDivider()
                    Box(Modifier.weight(1f).fillMaxHeight()) {
                        if (detail != null) {
                            DetailPane(model, detail, closable = true)
                        } else {
                            Box(Modifier.fillMaxSize().padding(32.dp), contentAlignment = Alignment.Center) {
                                Muted(
                                    when (model.tab) {
                                        Tab.CHAT -> "Les fiches que tu partages avec ton conseiller s'affichent ici."
                                        else -> "Choisis un élément de la liste : sa fiche s'affiche ici."
                                    },
                                )
                            }
                        }
                    }
                }
            } else if (detail != null) {
                DetailPane(model, detail, closable = true)
            } else {
                TabRoot(model, twoPane = true)
            }
        }
    }
}

private fun detailTitle(d: Detail): String = when (d) {
    is Detail.Item -> "Fiche"
    is Detail.Compare -> "Comparer"
}

@Composable
private fun NoticeBar(model: AppModel) {
    val n = model.notice ?: return
    Surface(color = MaterialTheme.colorScheme.secondaryContainer, modifier = Modifier.fillMaxWidth()) {
        Row(Modifier.padding(horizontal = 16.dp, vertical = 4.dp), verticalAlignment = Alignment.CenterVertically) {
            Text(
                n,
                color = MaterialTheme.colorScheme.onSecondaryContainer,
                modifier = Modifier.weight(1f).semantics { liveRegion = LiveRegionMode.Polite },
            )
            TextButton(onClick = { model.notice = null }) { Text("OK") }
        }
    }
}

@Composable
private fun TabRoot(model: AppModel, twoPane: Boolean) {
    when (model.tab) {
        Tab.HOME -> HomeScreen(model)
        Tab.SEARCH -> SearchScreen(model)
        Tab.FAVOURITES -> FavouritesScreen(model)
        Tab.CHAT -> ChatScreen(model)
        Tab.SETTINGS -> SettingsScreen(model)
    }
}

@Composable
private fun DetailPane(model: AppModel, detail: Detail, closable: Boolean = false) {
    val states = rememberSaveableStateHolder()
    Column(Modifier.fillMaxSize()) {
        if (closable) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                IconButton(onClick = { model.back() }) {
                    Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = "Retour")
                }
                Text(detailTitle(detail), style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.onSurface)
            }
        }
        // Each detail has its own state (scroll position, loaded sheet): a sheet opened from another one
        // starts at its top, and going back finds the previous one where it was left.
        states.SaveableStateProvider(detailKey(detail)) {
            when (detail) {
                is Detail.Item -> SheetScreen(model, detail.id)
                is Detail.Compare -> CompareScreen(model, detail.ids)
            }
        }
    }
}

private fun detailKey(d: Detail): String = when (d) {
    is Detail.Item -> "item:${d.id}"
    is Detail.Compare -> "compare:${d.ids.joinToString(",")}"
}
