package fr.spro.orientation.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import fr.spro.orientation.ChatMessage
import fr.spro.orientation.MessageState
import fr.spro.orientation.catalogueDateLabel
import fr.spro.orientation.coreVersion
import fr.spro.orientation.messageStateLabel

@Composable
fun ChatScreen(model: AppModel) {
    val chat = model.chat
    LaunchedEffect(Unit) { chat.open(); chat.refreshHours() }
    Column(Modifier.fillMaxSize().padding(horizontal = 16.dp)) {
        Heading("Parler à un conseiller", top = true, modifier = Modifier.padding(top = 8.dp))
        chat.summary?.let { Muted(it) }
        if (!chat.available) {
            Body("La discussion n'est pas configurée sur cet appareil.", Modifier.padding(vertical = 8.dp))
            return
        }
        chat.error?.let { ErrorText(it, Modifier.padding(vertical = 4.dp)) }
        chat.contact?.let { c ->
            Surface(color = MaterialTheme.colorScheme.secondaryContainer, shape = RoundedCornerShape(8.dp), modifier = Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
                Column(Modifier.padding(12.dp)) {
                    Text(
                        chat.notice ?: chat.summary.orEmpty(),
                        color = MaterialTheme.colorScheme.onSecondaryContainer,
                    )
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        c.phone?.let { p ->
                            Button(onClick = { model.platform.open(p.uri) }, modifier = Modifier.heightIn(min = 48.dp)) {
                                Text("Appeler le ${p.display}")
                            }
                        }
                        c.email?.let { e ->
                            OutlinedButton(onClick = { model.platform.open(e.uri) }, modifier = Modifier.heightIn(min = 48.dp)) {
                                Text("Écrire un e-mail")
                            }
                        }
                    }
                }
            }
        }
        val list = rememberLazyListState()
        LaunchedEffect(chat.messages.size) { if (chat.messages.isNotEmpty()) list.animateScrollToItem(chat.messages.size) }
        LazyColumn(Modifier.weight(1f).fillMaxWidth(), state = list) {
            item {
                TextButton(onClick = { chat.loadOlder() }, modifier = Modifier.heightIn(min = 48.dp)) { Text("Messages plus anciens") }
            }
            items(chat.messages, key = { it.localId }) { m -> Bubble(model, m, latest = m == chat.messages.lastOrNull()) }
            if (chat.typing.isNotEmpty()) {
                item { Muted("${chat.typing.joinToString(", ")} écrit…", Modifier.semantics { liveRegion = LiveRegionMode.Polite }) }
            }
        }
        Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(vertical = 8.dp)) {
            OutlinedTextField(
                value = chat.draft,
                onValueChange = { chat.draft = it },
                label = { Text("Ton message") },
                modifier = Modifier.weight(1f).testTag(Tags.CHAT_INPUT),
            )
            IconButton(onClick = { chat.send() }, enabled = chat.draft.isNotBlank()) {
                Icon(Icons.AutoMirrored.Filled.Send, contentDescription = "Envoyer")
            }
        }
    }
}

@Composable
private fun Bubble(model: AppModel, m: ChatMessage, latest: Boolean) {
    val mine = !m.isAdvisor
    val state = messageStateLabel(m.state, m.read, m.attempts)
    Column(
        Modifier.fillMaxWidth().padding(vertical = 4.dp).testTag(Tags.message(m.localId))
            .then(if (latest) Modifier.semantics { liveRegion = LiveRegionMode.Polite } else Modifier),
        horizontalAlignment = if (mine) Alignment.End else Alignment.Start,
    ) {
        if (!mine) Muted(m.senderName ?: "Conseiller")
        Surface(
            color = if (mine) MaterialTheme.colorScheme.primaryContainer else MaterialTheme.colorScheme.surfaceContainerHigh,
            shape = RoundedCornerShape(12.dp),
            modifier = Modifier.widthIn(max = 420.dp),
        ) {
            Column(Modifier.padding(10.dp)) {
                m.card?.let { card ->
                    Text(card.title, style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onSurface)
                    card.fields.forEach { Field(it.label, it.value) }
                }
                if (m.body.isNotBlank() && m.card == null) {
                    Text(
                        m.body,
                        color = if (mine) MaterialTheme.colorScheme.onPrimaryContainer else MaterialTheme.colorScheme.onSurface,
                    )
                }
            }
        }
        if (state.isNotEmpty()) Muted(state)
        if (m.state == MessageState.FAILED) {
            TextButton(onClick = { model.chat.retry(m.localId) }, modifier = Modifier.heightIn(min = 48.dp)) { Text("Réessayer") }
        }
    }
}

@Composable
fun SettingsScreen(model: AppModel) {
    var confirm by remember { mutableStateOf(false) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp)) {
        Heading("Réglages", top = true)
        Heading("Mes données")
        Body("Tes favoris, tes recherches et ta conversation restent sur cet appareil.")
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(vertical = 8.dp)) {
            OutlinedButton(onClick = { model.export() }, modifier = Modifier.heightIn(min = 48.dp)) { Text("Exporter mes favoris") }
            OutlinedButton(onClick = { model.importFavourites() }, modifier = Modifier.heightIn(min = 48.dp)) { Text("Importer") }
        }
        Button(
            onClick = { confirm = true },
            colors = ButtonDefaults.buttonColors(containerColor = MaterialTheme.colorScheme.error, contentColor = MaterialTheme.colorScheme.onError),
            modifier = Modifier.heightIn(min = 48.dp),
        ) { Text("Supprimer toutes mes données") }
        HorizontalDivider(Modifier.padding(vertical = 12.dp))
        Heading("Sources des données")
        val info = model.catalogueInfo
        Muted(catalogueDateLabel(info?.builtAt))
        info?.sources.orEmpty().forEach { s ->
            Column(Modifier.padding(vertical = 4.dp)) {
                Text(s.label, style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onSurface)
                Muted("${s.version} · ${s.licence}")
            }
        }
        HorizontalDivider(Modifier.padding(vertical = 12.dp))
        Heading("Versions")
        Field("Application", model.platform.appVersion)
        Field("Moteur", coreVersion())
    }
    if (confirm) {
        AlertDialog(
            onDismissRequest = { confirm = false },
            title = { Text("Supprimer toutes tes données ?") },
            text = { Text("Tes favoris, tes recherches enregistrées et ta conversation avec le conseiller seront effacés de cet appareil. C'est définitif.") },
            confirmButton = {
                TextButton(onClick = { confirm = false; model.deleteAllMyData() }, modifier = Modifier.heightIn(min = 48.dp)) { Text("Supprimer") }
            },
            dismissButton = {
                TextButton(onClick = { confirm = false }, modifier = Modifier.heightIn(min = 48.dp)) { Text("Annuler") }
            },
        )
    }
}
