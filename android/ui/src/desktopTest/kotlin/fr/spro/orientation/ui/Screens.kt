package fr.spro.orientation.ui

import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import fr.spro.orientation.ItemKind
import fr.spro.orientation.Location
import fr.spro.orientation.SearchFilters
import fr.spro.orientation.SearchQuery
import fr.spro.orientation.Sheet

/**
 * Puts the app on each screen through its model (what the journeys do through taps), for the
 * accessibility sweep and the screenshots. Ids are found through the core, never written here.
 */
@OptIn(ExperimentalTestApi::class)
class ScreenTour(private val test: ComposeUiTest, private val app: TestApp) {
    private val m get() = app.model
    private val catalogue get() = m.catalogue!!

    /** The first item of a kind the data has: for the text near the place, else for the text, else any. */
    private fun first(kind: ItemKind, text: String, near: Location? = null, filters: SearchFilters = SearchFilters()): String =
        sequenceOf(
            SearchQuery(text = text, kind = kind, near = near, filters = filters),
            SearchQuery(text = text, kind = kind, filters = filters),
            SearchQuery(text = "", kind = kind, near = near ?: Location.Typed("13001"), radiusKm = 200.0),
        ).map { catalogue.search(it).items }.first { it.isNotEmpty() }.first().id

    val jobId by lazy {
        catalogue.search(SearchQuery(text = "boulanger", kind = ItemKind.JOB)).items.first {
            (catalogue.sheet(it.id) as Sheet.Job).sheet.hiring.isNotEmpty()
        }.id
    }
    private val trainings by lazy {
        catalogue.search(SearchQuery(text = "", kind = ItemKind.TRAINING, near = Location.Typed("13001"), limit = 50)).items.map { it.id }.distinct()
    }
    val trainingId get() = trainings[0]
    val secondTrainingId get() = trainings[1]
    val placeId by lazy { first(ItemKind.PLACE, "mission locale", Location.Typed("13001")) }
    val aidId by lazy { first(ItemKind.AID, "permis") }

    private fun settle(until: () -> Boolean = { true }) {
        test.waitFor(timeoutMillis = WAIT_MS) { until() }
        test.waitForIdle()
    }

    private fun reset(tab: Tab) = test.runOnIdle {
        while (m.detail() != null) m.back()
        m.select(tab)
        while (m.detail() != null) m.back()
    }

    fun home() { reset(Tab.HOME); settle() }

    fun search() {
        reset(Tab.SEARCH)
        test.runOnIdle { m.onKind(null); m.onText("boulanger") }
        settle { m.pageText == "boulanger" }
    }

    fun searchNear() {
        reset(Tab.SEARCH)
        test.runOnIdle { m.onText(""); m.onKind(ItemKind.TRAINING); m.nearTyped("13001") }
        settle { m.page != null && m.pageQuery == m.query() }
    }

    private fun openSheet(tab: Tab, id: String) {
        test.runOnIdle { m.open(Detail.Item(id), tab) }
        settle { test.onAllNodes(androidx.compose.ui.test.hasTestTag(Tags.SHEET_TITLE)).fetchSemanticsNodes().isNotEmpty() }
    }

    fun job() { search(); openSheet(Tab.SEARCH, jobId) }
    fun training() { searchNear(); openSheet(Tab.SEARCH, trainingId) }
    fun place() { reset(Tab.SEARCH); openSheet(Tab.SEARCH, placeId) }
    fun aid() { reset(Tab.SEARCH); openSheet(Tab.SEARCH, aidId) }

    fun favourites() {
        val store = app.core.favourites()
        if (store.list(fr.spro.orientation.FavouriteFilter()).isEmpty()) {
            for (id in listOf(trainingId, secondTrainingId, jobId, aidId)) store.add(id, null, null)
            store.setStatus(fr.spro.orientation.FavouriteKind.TRAINING, trainingId, fr.spro.orientation.ApplicationStatus.APPLIED)
            store.setNote(fr.spro.orientation.FavouriteKind.TRAINING, trainingId, "appeler le CIO")
        }
        reset(Tab.FAVOURITES)
        settle { m.favourites.size >= 4 }
        test.runOnIdle { if (m.compareSelection.isEmpty()) { m.toggleCompare(trainingId); m.toggleCompare(secondTrainingId) } }
        settle()
    }

    fun compare() {
        favourites()
        test.runOnIdle { m.open(Detail.Compare(listOf(trainingId, secondTrainingId)), Tab.FAVOURITES) }
        settle { test.onAllNodes(androidx.compose.ui.test.hasTestTag(Tags.COMPARE_TABLE)).fetchSemanticsNodes().isNotEmpty() }
    }

    fun chat() { reset(Tab.CHAT); settle() }
    fun settings() { reset(Tab.SETTINGS); settle { m.catalogueInfo != null } }

    /** Every screen, by name. */
    val all: List<Pair<String, () -> Unit>> = listOf(
        "accueil" to ::home,
        "recherche" to ::search,
        "recherche-pres" to ::searchNear,
        "fiche-metier" to ::job,
        "fiche-formation" to ::training,
        "fiche-lieu" to ::place,
        "fiche-aide" to ::aid,
        "favoris" to ::favourites,
        "comparer" to ::compare,
        "conseiller" to ::chat,
        "reglages" to ::settings,
    )
}
