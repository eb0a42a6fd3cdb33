package fr.spro.orientation.ui

import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertIsSelected
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasContentDescription
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.performTextInput
import fr.spro.orientation.ApplicationStatus
import fr.spro.orientation.BadgeKind
import fr.spro.orientation.FavouriteKind
import fr.spro.orientation.Funding
import fr.spro.orientation.ItemKind
import fr.spro.orientation.Location
import fr.spro.orientation.OrientationException
import fr.spro.orientation.Sheet
import fr.spro.orientation.applicationStatusLabel
import fr.spro.orientation.favouriteActionLabel
import fr.spro.orientation.fundingLabel
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.io.File

/** The acceptable ROME codes of a query, from the hand-labelled evaluation set in data/search/eval. */
fun evalCodes(query: String): Set<String> =
    File(TestCore.data, "search/eval/everyday.tsv").readLines()
        .map { it.split('\t') }
        .firstOrNull { it.size >= 2 && it[0] == query }
        ?.get(1)?.split(' ')?.toSet()
        ?: error("$query not in everyday.tsv")

private val isChip = SemanticsMatcher.expectValue(SemanticsProperties.Role, Role.Checkbox)

@OptIn(ExperimentalTestApi::class)
class JourneysTest {
    /** (1) On a phone: "prof de sprot" letter by letter → the sports-teacher job → its trainings → star one → Favoris. */
    @Test
    fun journey1_phone_typo_letter_by_letter_to_a_starred_training() = uiTest(PHONE) {
        TestApp().use { app ->
            setContent { app.Content() }
            waitReady(app)
            onNodeWithTag(Tags.tab(Tab.SEARCH)).performClick()
            val typed = "prof de sprot"
            for (c in typed) onNodeWithTag(Tags.SEARCH_FIELD).performTextInput(c.toString())
            waitFor(timeoutMillis = WAIT_MS) { app.model.pageText == typed }
            waitForIdle()
            val accepted = evalCodes("prof de sport")
            val jobs = app.model.page!!.items.filter { it.kind == ItemKind.JOB && it.id in accepted }
            assertTrue("no sports-teacher job among ${app.model.page!!.items.map { it.id }}", jobs.isNotEmpty())
            // the one with trainings in the catalogue (the journey goes on to them)
            val job = jobs.first { (app.model.catalogue!!.sheet(it.id) as Sheet.Job).sheet.trainings.isNotEmpty() }
            onNodeWithTag(Tags.RESULTS).performScrollToNode(hasTestTag(Tags.result(job.id)))
            onNodeWithTag(Tags.result(job.id)).assertIsDisplayed().performClick()
            waitFor(timeoutMillis = WAIT_MS) { onAllNodesWithTag(Tags.SHEET_TITLE).fetchSemanticsNodes().isNotEmpty() }
            onNodeWithText("Formations qui y mènent").performScrollTo().assertIsDisplayed()
            val training = (app.model.catalogue!!.sheet(job.id) as Sheet.Job).sheet.trainings.first()
            onAllNodes(hasText(training.title) and hasClickAction()).onFirst().performScrollTo().performClick()
            waitFor(timeoutMillis = WAIT_MS) {
                onAllNodesWithTag(Tags.SHEET_TITLE).fetchSemanticsNodes().any {
                    it.config.getOrNull(SemanticsProperties.Text)?.joinToString() == training.title
                }
            }
            waitFor(timeoutMillis = WAIT_MS) {
                onAllNodes(hasContentDescription(favouriteActionLabel(false))).fetchSemanticsNodes().isNotEmpty()
            }
            onNodeWithContentDescription(favouriteActionLabel(false)).performClick()
            waitFor(timeoutMillis = WAIT_MS) { app.model.isFavourite(training.id) }
            onNodeWithContentDescription(favouriteActionLabel(true)).assertExists()
            onNodeWithTag(Tags.tab(Tab.FAVOURITES)).performClick()
            waitForIdle()
            onNodeWithTag(Tags.favourite(training.id)).assertIsDisplayed()
            onNodeWithTag(Tags.tab(Tab.FAVOURITES)).assertIsSelected()
        }
    }

    /** (2) On a tablet: trainings near 13001, registration open, funded by the Région; beside the list; compare two; status and note. */
    @Test
    fun journey2_tablet_filters_detail_beside_compare_status_note() = uiTest(TABLET) {
        TestApp().use { app ->
            setContent { app.Content() }
            waitReady(app)
            onNodeWithTag(Tags.tab(Tab.SEARCH)).performClick()
            onNodeWithTag(Tags.kind(ItemKind.TRAINING)).performClick()
            onNodeWithTag(Tags.NEAR_FIELD).performTextInput("13001")
            onNode(hasText("Inscriptions ouvertes") and isChip).performScrollTo().performClick()
            waitFor(timeoutMillis = WAIT_MS) { app.model.page != null && app.model.pageQuery == app.model.query() }
            // The Région when the data near 13001 has it, else the first funder the facets offer (the chips
            // come from the facets: a funder nobody offers here has no chip).
            val counts = app.model.page!!.facets.funding.filter { it.count > 0 }
            val funder = counts.firstOrNull { it.funding == Funding.REGION } ?: counts.firstOrNull()
            if (funder != null) {
                onNode(hasText(fundingLabel(funder.funding), substring = true) and isChip).performScrollTo().performClick()
                waitFor(timeoutMillis = WAIT_MS) { app.model.pageQuery?.filters?.funding == listOf(funder.funding) }
            } else {
                println("journey 2: no funding facet near 13001 with registration open in data/")
            }
            waitForIdle()
            for (i in app.model.page!!.items) {
                assertEquals(ItemKind.TRAINING, i.kind)
                assertTrue(i.badges.any { it.kind == BadgeKind.REGISTRATION_OPEN })
            }
            assertEquals(Location.Typed("13001"), app.model.pageQuery!!.near)
            onNode(isChip and hasText("Inscriptions ouvertes")).assertIsSelected()
            onNodeWithTag(Tags.kind(ItemKind.TRAINING)).assertIsSelected()
            if (app.model.page!!.items.size < 2) {
                // data/ has too few open registrations near 13001 to compare two: compare among all of them
                println("journey 2: ${app.model.page!!.items.size} training(s) near 13001 with registration open in data/")
                onNode(hasText("Inscriptions ouvertes") and isChip).performScrollTo().performClick()
                waitFor(timeoutMillis = WAIT_MS) { app.model.pageQuery == app.model.query() && app.model.page != null }
                waitForIdle()
            }
            val items = app.model.page!!.items
            assertTrue(items.size >= 2)

            // beside the list: the search field stays on screen, no back button needed
            val (a, b) = items[0] to items[1]
            onNodeWithTag(Tags.result(a.id)).performClick()
            waitFor(timeoutMillis = WAIT_MS) { onAllNodesWithTag(Tags.SHEET_TITLE).fetchSemanticsNodes().isNotEmpty() }
            onNodeWithTag(Tags.SHEET_TITLE).assertIsDisplayed()
            onNodeWithTag(Tags.SEARCH_FIELD).assertIsDisplayed()

            // star both from the list
            for (it in listOf(a, b)) {
                onNode(hasContentDescription(favouriteActionLabel(false)) and hasAnyAncestorTag(Tags.row(it.id))).performClick()
                waitFor(timeoutMillis = WAIT_MS) { app.model.isFavourite(it.id) }
            }
            onNodeWithTag(Tags.tab(Tab.FAVOURITES)).performClick()
            waitForIdle()
            val titles = app.model.favourites.associate { it.itemId to it.title }
            onNode(hasContentDescription("Comparer ${titles[a.id]}") and hasAnyAncestorTag(Tags.favourite(a.id))).performClick()
            onNode(hasContentDescription("Comparer ${titles[b.id]}") and hasAnyAncestorTag(Tags.favourite(b.id))).performClick()
            onNodeWithText("Comparer 2 formations").performClick()
            waitFor(timeoutMillis = WAIT_MS) { onAllNodesWithTag(Tags.COMPARE_TABLE).fetchSemanticsNodes().isNotEmpty() }
            // the table's criteria are the core's rows
            val expected = app.core.favourites().compare(listOf(a.id, b.id), Location.Typed("13001"))
            assertTrue(expected.rows.size >= 5)
            for (r in expected.rows) assertTrue(r.label, onAllNodes(hasText(r.label)).fetchSemanticsNodes().isNotEmpty())
            for (t in expected.trainings) assertTrue(onAllNodes(hasText(t.title)).fetchSemanticsNodes().isNotEmpty())

            // status and note, from the sheet beside the favourites
            onNodeWithContentDescription("Retour").performClick()
            onNodeWithTag(Tags.favourite(a.id)).assertIsDisplayed()
            onNode(hasText(titles[a.id]!!) and hasClickAction() and hasAnyAncestorTag(Tags.favourite(a.id))).performClick()
            val toContact = applicationStatusLabel(ApplicationStatus.TO_CONTACT)
            waitFor(timeoutMillis = WAIT_MS) { onAllNodes(hasText(toContact) and isChip).fetchSemanticsNodes().isNotEmpty() }
            onNode(hasText(toContact) and isChip).performScrollTo().performClick()
            waitFor(timeoutMillis = WAIT_MS) { app.model.favourites.first { it.itemId == a.id }.status == ApplicationStatus.TO_CONTACT }
            onNodeWithTag(Tags.NOTE_FIELD).performScrollTo().performTextInput("appeler lundi")
            onNodeWithText("Enregistrer la note").performScrollTo().performClick()
            waitFor(timeoutMillis = WAIT_MS) { app.model.favourites.first { it.itemId == a.id }.note == "appeler lundi" }
            // the list beside shows both
            onNode(hasText("Note : appeler lundi")).assertIsDisplayed()
            onNode(hasText(toContact) and hasAnyAncestorTag(Tags.favourite(a.id))).assertIsDisplayed()
            val stored = app.core.favourites().list(fr.spro.orientation.FavouriteFilter(kind = FavouriteKind.TRAINING))
            assertEquals("appeler lundi", stored.first { it.itemId == a.id }.note)
        }
    }

    /** (4) Delete all my data empties the favourites (the chat side is in ChatJourneyTest). */
    @Test
    fun journey4_delete_all_my_data_empties_favourites() = uiTest(PHONE) {
        TestApp().use { app ->
            setContent { app.Content() }
            waitReady(app)
            onNodeWithTag(Tags.tab(Tab.SEARCH)).performClick()
            onNodeWithTag(Tags.SEARCH_FIELD).performTextInput("boulanger")
            waitFor(timeoutMillis = WAIT_MS) { app.model.pageText == "boulanger" }
            val first = app.model.page!!.items.first()
            onNode(hasContentDescription(favouriteActionLabel(false)) and hasAnyAncestorTag(Tags.row(first.id))).performClick()
            waitFor(timeoutMillis = WAIT_MS) { app.model.favourites.isNotEmpty() }
            onNodeWithTag(Tags.tab(Tab.SETTINGS)).performClick()
            onNodeWithText("Supprimer toutes mes données").performScrollTo().performClick()
            onNodeWithText("Supprimer").performClick()
            waitFor(timeoutMillis = WAIT_MS) { app.model.favourites.isEmpty() && app.model.notice != null }
            assertTrue(app.core.favourites().list(fr.spro.orientation.FavouriteFilter()).isEmpty())
            onNodeWithTag(Tags.tab(Tab.FAVOURITES)).performClick()
            onNodeWithText("Tu n'as pas encore de favori", substring = true).assertIsDisplayed()
            // the result no longer carries the star in the core's pages
            assertTrue(app.model.catalogue!!.search(fr.spro.orientation.SearchQuery(text = "boulanger")).items.none { it.isFavourite })
        }
    }

    /** (5) Errors of the core show their French message, never a crash; the app goes on working. */
    @Test
    fun journey5_core_errors_show_their_french_message() = uiTest(PHONE) {
        TestApp().use { app ->
            setContent { app.Content() }
            waitReady(app)
            val expected = try {
                app.model.catalogue!!.sheet("inconnu-404"); fail("an unknown id opened"); ""
            } catch (e: OrientationException.UnknownId) {
                e.message!!
            }
            runOnIdle { app.model.openItem("inconnu-404") }
            waitFor(timeoutMillis = WAIT_MS) { onAllNodesWithTag(Tags.SHEET_ERROR).fetchSemanticsNodes().isNotEmpty() }
            onNodeWithText(expected).assertIsDisplayed()
            onNodeWithContentDescription("Retour").performClick()

            // a place the core does not know
            val unknownPlace = try {
                app.model.catalogue!!.search(fr.spro.orientation.SearchQuery(text = "", kind = ItemKind.TRAINING, near = Location.Typed("00000")))
                fail("an unknown postcode was accepted"); ""
            } catch (e: OrientationException.UnknownPlace) {
                e.message!!
            }
            onNodeWithTag(Tags.tab(Tab.SEARCH)).performClick()
            onNodeWithTag(Tags.kind(ItemKind.TRAINING)).performClick()
            onNodeWithTag(Tags.NEAR_FIELD).performTextInput("00000")
            waitFor(timeoutMillis = WAIT_MS) { app.model.searchError != null }
            onNodeWithText(unknownPlace).assertIsDisplayed()
            // and the search still works once the place is fixed
            onNodeWithContentDescription("Effacer la recherche").assertDoesNotExist()
            runOnIdle { app.model.nearTyped("") }
            onNodeWithTag(Tags.SEARCH_FIELD).performTextInput("cuisto")
            waitFor(timeoutMillis = WAIT_MS) { app.model.pageText == "cuisto" && app.model.page != null }
            assertTrue(app.model.page!!.items.isNotEmpty())
            assertEquals(null, app.model.searchError)
        }
    }
}

fun hasAnyAncestorTag(tag: String) =
    androidx.compose.ui.test.hasAnyAncestor(androidx.compose.ui.test.hasTestTag(tag))
