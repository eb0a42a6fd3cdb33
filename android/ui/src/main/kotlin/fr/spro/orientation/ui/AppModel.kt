package fr.spro.orientation.ui

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import fr.spro.orientation.ApplicationStatus
import fr.spro.orientation.BuildProgress
import fr.spro.orientation.Catalogue
import fr.spro.orientation.CatalogueInfo
import fr.spro.orientation.ChatService
import fr.spro.orientation.Favourite
import fr.spro.orientation.FavouriteFilter
import fr.spro.orientation.FavouriteKind
import fr.spro.orientation.Favourites
import fr.spro.orientation.Funding
import fr.spro.orientation.ItemKind
import fr.spro.orientation.Location
import fr.spro.orientation.Orientation
import fr.spro.orientation.OrientationException
import fr.spro.orientation.SavedSearch
import fr.spro.orientation.SearchFilters
import fr.spro.orientation.SearchItem
import fr.spro.orientation.SearchPage
import fr.spro.orientation.SearchQuery
import fr.spro.orientation.Sheet
import fr.spro.orientation.TeachingMode
import fr.spro.orientation.asFavouriteKind
import fr.spro.orientation.compareOf
import fr.spro.orientation.exportTo
import fr.spro.orientation.importFrom
import fr.spro.orientation.listOf
import fr.spro.orientation.openCatalogue
import fr.spro.orientation.searchAsYouType
import fr.spro.orientation.sheetOf
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.filterNotNull
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.io.File
import java.time.LocalDate

/** The five places of the app, in the bottom bar (phone) or the rail (tablet). */
enum class Tab(val label: String) {
    HOME("Accueil"),
    SEARCH("Recherche"),
    FAVOURITES("Favoris"),
    CHAT("Conseiller"),
    SETTINGS("Réglages"),
}

/** What a tab shows on top of its list: a sheet, or the comparison of trainings. */
sealed interface Detail {
    data class Item(val id: String) : Detail
    data class Compare(val ids: List<String>) : Detail
}

sealed interface Startup {
    data object Opening : Startup
    data class Building(val progress: BuildProgress) : Startup
    data object Ready : Startup
    data class Failed(val message: String) : Startup
}

/** A result for the screen: the loaded value or the core's French message. */
sealed interface Loaded<out T> {
    data object Loading : Loaded<Nothing>
    data class Done<T>(val value: T) : Loaded<T>
    data class Failed(val message: String) : Loaded<Nothing>
}

/** The message to show for a failure: the core's French text, else a generic one (never a stack trace). */
fun messageOf(e: Throwable): String = when (e) {
    is OrientationException -> e.message?.takeIf { it.isNotBlank() } ?: "Erreur interne de l'application."
    else -> "Erreur interne de l'application."
}

/**
 * The screen state of the whole app, over the real core. Compose reads its fields (snapshot state); the
 * work runs on [io]. Created once per process (Android: in the Activity's ViewModel-like holder).
 */
class AppModel(
    val core: Orientation,
    val platform: Platform,
    val scope: CoroutineScope,
    val chatService: ChatService? = null,
    val io: CoroutineDispatcher = Dispatchers.IO,
) {
    var startup by mutableStateOf<Startup>(Startup.Opening)
        private set
    var catalogue by mutableStateOf<Catalogue?>(null)
        private set
    var catalogueInfo by mutableStateOf<CatalogueInfo?>(null)
        private set
    private var favs: Favourites? = null

    // Navigation: the current tab and, per tab, what is open on top of it.
    var tab by mutableStateOf(Tab.HOME)
        private set
    private val stacks = mutableStateMapOf<Tab, List<Detail>>()

    fun detail(of: Tab = tab): Detail? = stacks[of]?.lastOrNull()
    fun select(t: Tab) {
        tab = t
        if (t == Tab.CHAT) chat.open()
        if (t == Tab.FAVOURITES) refreshFavourites()
    }
    fun open(d: Detail, inTab: Tab = tab) {
        stacks[inTab] = stacks[inTab].orEmpty() + d
        tab = inTab
    }
    fun openItem(id: String) = open(Detail.Item(id))

    /** Back: closes what is open on top of the tab; false when there was nothing (the system handles it). */
    fun back(): Boolean {
        val s = stacks[tab].orEmpty()
        if (s.isEmpty()) {
            if (tab != Tab.HOME) { tab = Tab.HOME; return true }
            return false
        }
        stacks[tab] = s.dropLast(1)
        return true
    }

    // ---- search ----
    var text by mutableStateOf("")
        private set
    var kind by mutableStateOf<ItemKind?>(null)
        private set
    var filters by mutableStateOf(SearchFilters())
        private set
    var near by mutableStateOf<Location?>(null)
        private set
    /** What is shown for [near]: "ma position" or what was typed. */
    var nearLabel by mutableStateOf<String?>(null)
        private set
    var page by mutableStateOf<SearchPage?>(null)
        private set
    /** The query [page] answers (the bench and the tests wait on it). */
    var pageQuery by mutableStateOf<SearchQuery?>(null)
        private set
    val pageText: String? get() = pageQuery?.text
    var searchError by mutableStateOf<String?>(null)
        private set
    var locating by mutableStateOf(false)
        private set
    private val queries = MutableStateFlow<SearchQuery?>(null)
    @Volatile private var lastSent: SearchQuery? = null

    fun query(): SearchQuery? {
        if (text.isBlank() && near == null && kind == null) return null
        return SearchQuery(text = text, kind = kind, near = near, filters = filters, limit = 30)
    }

    private fun requery() {
        val q = query()
        searchError = null
        if (q == null) {
            page = null
            pageQuery = null
        }
        queries.value = q
    }

    fun onText(value: String) { text = value; requery() }
    fun onKind(k: ItemKind?) { kind = k; requery() }
    fun applyFilters(f: SearchFilters) { filters = f; requery() }
    fun toggleRegistrationOpen() = applyFilters(filters.copy(registrationOpen = !filters.registrationOpen))
    fun toggleDisability() = applyFilters(filters.copy(disabilityAccess = !filters.disabilityAccess))
    fun toggleFunding(f: Funding) = applyFilters(
        filters.copy(funding = if (f in filters.funding) filters.funding - f else filters.funding + f),
    )
    fun toggleMode(m: TeachingMode) = applyFilters(
        filters.copy(modes = if (m in filters.modes) filters.modes - m else filters.modes + m),
    )
    fun toggleLevel(level: Int) = applyFilters(
        if (filters.levelMin == level && filters.levelMax == level) filters.copy(levelMin = null, levelMax = null)
        else filters.copy(levelMin = level, levelMax = level),
    )
    /** Sessions starting within three months from today (the platform's clock). */
    fun toggleStartSoon() {
        val today = LocalDate.ofEpochDay(platform.nowMs() / 86_400_000L)
        applyFilters(
            if (filters.startBefore != null) filters.copy(startAfter = null, startBefore = null)
            else filters.copy(startAfter = today.toString(), startBefore = today.plusMonths(3).toString()),
        )
    }
    val startSoon: Boolean get() = filters.startBefore != null

    /** A postcode or commune typed by the user; blank clears it. */
    fun nearTyped(place: String) {
        val t = place.trim()
        near = if (t.isEmpty()) null else Location.Typed(t)
        nearLabel = t.ifEmpty { null }
        requery()
    }

    /** "Près de moi": the device's position. */
    fun nearMe() {
        scope.launch {
            locating = true
            val at = try { withContext(io) { platform.location() } } finally { locating = false }
            if (at == null) {
                searchError = "Position inconnue : autorise la localisation ou tape un code postal."
                return@launch
            }
            near = at
            nearLabel = "ma position"
            requery()
        }
    }

    fun clearNear() { near = null; nearLabel = null; requery() }

    /** From the home screen's entries: a kind, maybe near the user. */
    fun browse(k: ItemKind?, nearMe: Boolean = false) {
        kind = k
        select(Tab.SEARCH)
        if (nearMe) nearMe() else requery()
    }

    private fun startSearching(c: Catalogue) = scope.launch {
        var failed: SearchQuery? = null
        while (isActive) {
            val skip = failed
            try {
                c.searchAsYouType(
                    queries.filterNotNull().filter { it != skip }.onEach { lastSent = it },
                    io,
                ).collect { p ->
                    if (queries.value != null) {
                        page = p
                        pageQuery = lastSent
                        searchError = null
                    }
                }
            } catch (e: OrientationException) {
                // A query the core refuses (an unknown commune…): its message, and wait for the next query.
                failed = queries.value
                searchError = messageOf(e)
                page = null
                pageQuery = lastSent
            }
        }
    }

    // ---- favourites ----
    var favourites by mutableStateOf<List<Favourite>>(emptyList())
        private set
    var savedSearches by mutableStateOf<List<SavedSearch>>(emptyList())
        private set
    var favouritesError by mutableStateOf<String?>(null)
        private set
    var compareSelection by mutableStateOf<List<String>>(emptyList())
        private set
    /** A short message after an action (export, import, deletion), shown in a snackbar-like banner. */
    var notice by mutableStateOf<String?>(null)

    private suspend fun store(): Favourites = favs ?: withContext(io) { core.favourites() }.also { favs = it }

    fun refreshFavourites() {
        scope.launch { reloadFavourites() }
    }

    private suspend fun reloadFavourites() {
        try {
            val s = store()
            favourites = s.listOf(FavouriteFilter(), io)
            savedSearches = withContext(io) { s.savedSearches() }
            favouritesError = null
        } catch (e: OrientationException) {
            favouritesError = messageOf(e)
        }
    }

    fun isFavourite(id: String): Boolean = favourites.any { it.itemId == id }

    /** The star on a result. */
    fun toggleStar(item: SearchItem) = toggleFavourite(item.kind.asFavouriteKind(), item.id)

    fun toggleFavourite(kind: FavouriteKind, id: String) {
        scope.launch {
            try {
                val s = store()
                val now = withContext(io) {
                    if (s.remove(kind, id)) false else { s.add(id, kind, null); true }
                }
                page = page?.let { p -> p.copy(items = p.items.map { if (it.id == id) it.copy(isFavourite = now) else it }) }
                reloadFavourites()
            } catch (e: OrientationException) {
                favouritesError = messageOf(e)
            }
        }
    }

    fun setStatus(id: String, status: ApplicationStatus?) = favouriteEdit { it.setStatus(FavouriteKind.TRAINING, id, status) }
    fun setNote(kind: FavouriteKind, id: String, note: String) = favouriteEdit { it.setNote(kind, id, note.ifBlank { null }) }
    fun moveFavourite(kind: FavouriteKind, id: String, index: Int) =
        favouriteEdit { it.moveTo(kind, id, index.coerceAtLeast(0).toUInt()) }
    fun acknowledge(kind: FavouriteKind, id: String) = favouriteEdit { it.acknowledgeChange(kind, id) }

    private fun favouriteEdit(edit: (Favourites) -> Unit) {
        scope.launch {
            try {
                val s = store()
                withContext(io) { edit(s) }
                reloadFavourites()
            } catch (e: OrientationException) {
                favouritesError = messageOf(e)
            }
        }
    }

    fun toggleCompare(id: String) {
        compareSelection = if (id in compareSelection) compareSelection - id
        else (compareSelection + id).takeLast(4)
    }

    suspend fun comparison(ids: List<String>) = store().compareOf(ids, near, io)

    fun saveSearch(name: String) {
        val q = query() ?: return
        favouriteEdit { it.saveSearch(name, q) }
    }

    fun runSavedSearch(s: SavedSearch) {
        scope.launch {
            try {
                val st = store()
                val p = withContext(io) { st.runSavedSearch(s.id).also { st.markSeen(s.id) } }
                text = s.text
                kind = null
                queries.value = null
                page = p
                pageQuery = null
                select(Tab.SEARCH)
                reloadFavourites()
            } catch (e: OrientationException) {
                favouritesError = messageOf(e)
            }
        }
    }

    // ---- sheets ----
    suspend fun sheet(id: String): Loaded<Sheet> {
        val c = catalogue ?: return Loaded.Failed("Le catalogue n'est pas encore prêt.")
        return try {
            Loaded.Done(c.sheetOf(id, io))
        } catch (e: OrientationException) {
            Loaded.Failed(messageOf(e))
        }
    }

    // ---- settings ----
    val exportFile: File get() = File(platform.filesDir, "favoris-orientation.json")

    fun export() {
        scope.launch {
            notice = try {
                val s = store().exportTo(exportFile, io)
                platform.share(exportFile, "application/json")
                "Export prêt : ${s.favourites} favori(s), ${s.savedSearches} recherche(s)."
            } catch (e: OrientationException) {
                messageOf(e)
            }
        }
    }

    /** "Importer": the platform's picker, then the merge. */
    fun importFavourites() {
        scope.launch {
            val f = platform.pickImportFile() ?: return@launch
            import(f)
        }
    }

    fun import(file: File) {
        scope.launch {
            notice = try {
                val s = store().importFrom(file, io)
                reloadFavourites()
                "Import fait : ${s.favouritesAdded} ajouté(s), ${s.favouritesUpdated} mis à jour."
            } catch (e: OrientationException) {
                messageOf(e)
            }
        }
    }

    /** "Supprimer toutes mes données": favourites, saved searches and the conversation. */
    fun deleteAllMyData() {
        scope.launch {
            notice = try {
                chat.deleteEverything { withContext(io) { core.deleteAllMyData() } }
                platform.tokens.clear()
                compareSelection = emptyList()
                stacks.clear()
                reloadFavourites()
                "Tes données ont été supprimées de cet appareil."
            } catch (e: OrientationException) {
                messageOf(e)
            }
        }
    }

    // ---- chat ----
    val chat = ChatModel(this)

    /** Opens (building on first run) the catalogue, then starts searching as the user types. */
    fun start() {
        scope.launch {
            try {
                val c = core.openCatalogue { p -> scope.launch { startup = Startup.Building(p) } }
                catalogue = c
                catalogueInfo = try { withContext(io) { c.info() } } catch (e: OrientationException) { null }
                startup = Startup.Ready
                startSearching(c)
                reloadFavourites()
            } catch (e: OrientationException) {
                startup = Startup.Failed(messageOf(e))
            }
        }
    }
}
