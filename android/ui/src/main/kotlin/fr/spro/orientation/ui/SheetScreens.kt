package fr.spro.orientation.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.produceState
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.Hyphens
import androidx.compose.ui.text.style.LineBreak
import androidx.compose.ui.unit.dp
import fr.spro.orientation.AidSheet
import fr.spro.orientation.ApplicationStatus
import fr.spro.orientation.Badge
import fr.spro.orientation.BadgeKind
import fr.spro.orientation.CatalogueLink
import fr.spro.orientation.CertificationSheet
import fr.spro.orientation.FavouriteKind
import fr.spro.orientation.JobSheet
import fr.spro.orientation.PlaceSheet
import fr.spro.orientation.Sheet
import fr.spro.orientation.TrainingSheet
import fr.spro.orientation.ageRangeLabel
import fr.spro.orientation.applicationStatusLabel
import fr.spro.orientation.distanceLabel
import fr.spro.orientation.hiringChart
import fr.spro.orientation.hoursLabel
import fr.spro.orientation.periodLabel
import fr.spro.orientation.phoneUri
import fr.spro.orientation.priceLabel

/** Any sheet by id: loads it off the main thread, shows the core's message when it fails. */
@Composable
fun SheetScreen(model: AppModel, id: String) {
    val state by produceState<Loaded<Sheet>>(Loaded.Loading, id) { value = model.sheet(id) }
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp)) {
        when (val s = state) {
            is Loaded.Loading -> Muted("Chargement de la fiche…")
            is Loaded.Failed -> ErrorText(s.message, Modifier.testTag(Tags.SHEET_ERROR))
            is Loaded.Done -> when (val sheet = s.value) {
                is Sheet.Job -> JobSheetView(model, sheet.sheet)
                is Sheet.Training -> TrainingSheetView(model, sheet.sheet)
                is Sheet.Place -> PlaceSheetView(model, sheet.sheet, null)
                is Sheet.Aid -> AidSheetView(model, sheet.sheet)
                is Sheet.Certification -> CertificationSheetView(model, sheet.sheet)
            }
        }
    }
}

/**
 * The sheet's title. A word wider than the screen (large fonts) is hyphenated where the platform can
 * (Android, in French), instead of broken anywhere.
 */
@Composable
private fun Title(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.headlineSmall.copy(hyphens = Hyphens.Auto, lineBreak = LineBreak.Heading),
        color = MaterialTheme.colorScheme.onSurface,
        modifier = Modifier.testTag(Tags.SHEET_TITLE).semantics { heading() },
    )
}

@Composable
private fun TitleWithStar(model: AppModel, title: String, kind: FavouriteKind, id: String) {
    Row(verticalAlignment = Alignment.CenterVertically) {
        Column(Modifier.weight(1f)) { Title(title) }
        Star(model.isFavourite(id), { model.toggleFavourite(kind, id) })
    }
}

@Composable
private fun Links(model: AppModel, links: List<CatalogueLink>) {
    links.forEach { l ->
        Text(
            l.title,
            color = MaterialTheme.colorScheme.primary,
            style = MaterialTheme.typography.bodyLarge,
            modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)
                .clickable(onClickLabel = "Ouvrir la fiche", role = Role.Button) { model.openItem(l.id) }
                .padding(vertical = 12.dp),
        )
    }
}

@Composable
private fun Lines(items: List<String>) = items.forEach { Body("• $it", Modifier.padding(vertical = 1.dp)) }

@Composable
fun JobSheetView(model: AppModel, j: JobSheet) {
    TitleWithStar(model, j.title, FavouriteKind.JOB, j.codeRome)
    Muted(listOfNotNull(j.codeRome, j.domaine).joinToString(" · "))
    j.definition?.let { Heading("Le métier"); Body(it) }
    j.access?.let { Heading("Y accéder"); Body(it) }
    if (j.hiring.isNotEmpty()) {
        Heading("Embauches")
        j.hiring.forEach { HiringBars(hiringChart(it)) }
    }
    if (j.appellations.isNotEmpty()) {
        Heading("Appellations")
        Lines(j.appellations.map { it.title })
    }
    j.skills.forEach { group -> Heading(group.label); Lines(group.items) }
    if (j.contexts.isNotEmpty()) {
        Heading("Contextes de travail")
        j.contexts.forEach { c -> Text(c.label, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.onSurface); Lines(c.items) }
    }
    if (j.interests.isNotEmpty() || j.riasecMajor != null) {
        Heading("Intérêts")
        j.riasecMajor?.let { Field("Profil RIASEC", listOfNotNull(it, j.riasecMinor).joinToString(" + ")) }
        Lines(j.interests)
    }
    if (j.mobilities.isNotEmpty()) {
        Heading("Métiers proches")
        Links(model, j.mobilities.map { CatalogueLink(it.codeRome, it.title) })
    }
    if (j.certifications.isNotEmpty()) { Heading("Certifications"); Links(model, j.certifications) }
    if (j.trainings.isNotEmpty()) { Heading("Formations qui y mènent"); Links(model, j.trainings) }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun TrainingSheetView(model: AppModel, t: TrainingSheet) {
    TitleWithStar(model, t.title, FavouriteKind.TRAINING, t.id)
    Badges(t.badges)
    t.organisme?.let { o ->
        Field("Établissement", o.name)
        o.statusWarning?.let { Body(it) }
    }
    Field("Niveau", t.levelExitLabel)
    Field("Durée", t.duration)
    t.certification?.let { c ->
        Heading("Certification")
        Links(model, listOf(c))
    }
    t.programme?.let { p ->
        Heading("Programme national")
        Links(model, listOf(p))
    }
    t.sourceNote?.let { Muted(it) }
    t.objective?.let { Heading("Objectif"); Body(it) }
    t.actions.forEachIndexed { i, a ->
        Heading(if (t.actions.size > 1) "Session ${i + 1}" else "Où et quand")
        a.place?.let { p -> PlaceBlock(model, p) }
        a.hoursTotal?.let { Field("Heures", hoursLabel(it)) }
        a.priceEur?.let { Field("Prix", priceLabel(it)) }
        if (a.funderNames.isNotEmpty()) Field("Financeurs", a.funderNames.joinToString(", "))
        a.rhythm?.let { Field("Rythme", it) }
        a.sessions.forEach { s ->
            Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(vertical = 2.dp)) {
                Body(periodLabel(s.startDate, s.endDate), Modifier.weight(1f))
                if (s.registrationOpen) {
                    BadgeChip(Badge(BadgeKind.REGISTRATION_OPEN, s.registrationLabel))
                } else {
                    Muted(s.registrationLabel)
                }
            }
        }
    }
    if (t.jobs.isNotEmpty()) { Heading("Métiers visés"); Links(model, t.jobs) }
    if (model.isFavourite(t.id)) TrainingFollowUp(model, t)
    Heading("Besoin d'aide ?")
    OutlinedButton(onClick = { model.chat.share(t.id) }, modifier = Modifier.heightIn(min = 48.dp)) {
        Text("Partager avec un conseiller")
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun TrainingFollowUp(model: AppModel, t: TrainingSheet) {
    val fav = model.favourites.firstOrNull { it.itemId == t.id } ?: return
    Heading("Mon suivi")
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        ApplicationStatus.entries.forEach { s ->
            FilterChip(
                selected = fav.status == s,
                onClick = { model.setStatus(t.id, if (fav.status == s) null else s) },
                label = { Text(applicationStatusLabel(s)) },
            )
        }
    }
    var note by remember(fav.note) { mutableStateOf(fav.note.orEmpty()) }
    OutlinedTextField(
        value = note,
        onValueChange = { note = it },
        label = { Text("Ma note") },
        modifier = Modifier.fillMaxWidth().testTag(Tags.NOTE_FIELD),
    )
    Button(onClick = { model.setNote(FavouriteKind.TRAINING, t.id, note) }, modifier = Modifier.heightIn(min = 48.dp).padding(top = 4.dp)) {
        Text("Enregistrer la note")
    }
}

@Composable
private fun PlaceBlock(model: AppModel, p: PlaceSheet, distanceKm: Double? = null) {
    Text(p.name, style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onSurface)
    val address = listOfNotNull(p.address, listOfNotNull(p.postcode, p.city).joinToString(" ").ifBlank { null }).joinToString(", ")
    if (address.isNotBlank()) Body(address)
    distanceKm?.let { Muted(distanceLabel(it)) }
    p.statusLabel?.let { Muted(it) }
    // "Privé hors contrat": what it means for a family, in the core's words, wherever the place is shown.
    p.statusWarning?.let { Body(it) }
    Row {
        if (p.lat != null && p.lon != null) {
            LinkButton("Itinéraire", "Itinéraire vers ${p.name}") {
                model.platform.open("geo:${p.lat},${p.lon}?q=${p.lat},${p.lon}")
            }
        }
        p.phone?.let { phone ->
            phoneUri(phone)?.let { uri -> LinkButton(phone, "Appeler ${p.name} au $phone") { model.platform.open(uri) } }
        }
    }
}

@Composable
fun PlaceSheetView(model: AppModel, p: PlaceSheet, distanceKm: Double?) {
    TitleWithStar(model, p.name, FavouriteKind.PLACE, p.id)
    Muted(p.kindLabel)
    PlaceBlock(model, p, distanceKm)
    p.email?.let { mail -> LinkButton(mail, "Écrire à ${p.name}") { model.platform.open("mailto:$mail") } }
    p.url?.let { url -> LinkButton("Site web", "Site web de ${p.name}") { model.platform.open(url) } }
    p.details?.let { Heading("À savoir"); Body(it) }
}

@Composable
fun AidSheetView(model: AppModel, a: AidSheet) {
    TitleWithStar(model, a.label, FavouriteKind.AID, a.id)
    a.institution?.let { Muted(it) }
    a.description?.let { Heading("C'est quoi ?"); Body(it) }
    Heading("Pour qui ?")
    a.territory?.let { Field("Où", it) }
    Field("Âge", ageRangeLabel(a.ageMin, a.ageMax))
    a.amount?.let { Field("Montant", listOfNotNull(priceLabel(it), a.unit, a.periodicity).joinToString(" ")) }
    a.conditions?.let { Heading("Conditions"); Body(it) }
    a.link?.let { url -> LinkButton("En savoir plus", "En savoir plus sur ${a.label}") { model.platform.open(url) } }
}

@Composable
fun CertificationSheetView(model: AppModel, c: CertificationSheet) {
    Title(c.title)
    Muted(listOfNotNull(c.certificationType, c.certifier).joinToString(" · "))
    if (c.jobs.isNotEmpty()) { Heading("Métiers"); Links(model, c.jobs) }
    if (c.trainings.isNotEmpty()) { Heading("Formations"); Links(model, c.trainings) }
    HorizontalDivider(Modifier.padding(top = 8.dp))
}
