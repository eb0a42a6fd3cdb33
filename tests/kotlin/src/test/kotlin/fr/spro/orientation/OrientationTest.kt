package fr.spro.orientation

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.supervisorScope
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.flow.flowOf
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.flow.transformWhile
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.util.Collections

private val DATA: String = System.getProperty("orientation.data")

private fun config(dataDir: Path, source: CatalogueSource = CatalogueSource.OpenData(DATA)) =
    // The LHEO samples are offers of 2017–2018: registration is judged on a day when some were open.
    OrientationConfig(dataDir = dataDir.toString(), catalogueSource = source, today = "2017-10-15")

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrientationTest {
    private val shared: Path = Files.createTempDirectory("orientation-kotlin")
    private lateinit var app: Orientation
    private lateinit var catalogue: Catalogue

    @BeforeAll
    fun buildOnce() = runBlocking {
        // scripts/test builds one catalogue of data/ for the whole run (same data/, same code): opened, not rebuilt.
        System.getenv("ORIENTATION_TEST_CATALOGUE")?.let { File(it).copyTo(shared.resolve("catalogue.db").toFile()) }
        app = Orientation(config(shared))
        catalogue = app.openCatalogue { }
    }

    @AfterAll
    fun close() {
        catalogue.close()
        app.close()
        shared.toFile().deleteRecursively()
    }

    @Test
    fun `search with filters gives typed items and facets`() {
        val page = catalogue.search(SearchQuery(text = "boulangère"))
        val first = page.items.first()
        assertEquals(ItemKind.JOB, first.kind)
        assertEquals("D1102", first.id)
        val highlighted = first.titleHighlights.map { first.title.substring(it.start, it.end) }
        assertEquals(2, highlighted.size)
        assertTrue(highlighted.all { it.lowercase().startsWith("boulang") }, highlighted.toString())

        val trainings = catalogue.search(
            SearchQuery(
                text = "",
                kind = ItemKind.TRAINING,
                limit = 50,
                filters = SearchFilters(registrationOpen = true),
            ),
        )
        assertTrue(trainings.items.isNotEmpty())
        for (item in trainings.items) {
            assertEquals(ItemKind.TRAINING, item.kind)
            assertTrue(item.badges.any { it.kind == BadgeKind.REGISTRATION_OPEN && it.label == "inscriptions ouvertes" })
        }

        val jobs = catalogue.search(SearchQuery(text = "conducteur", kind = ItemKind.JOB))
        val domain = jobs.facets.grandDomaines.maxBy { it.count }
        val filtered = catalogue.search(
            SearchQuery(
                text = "conducteur",
                kind = ItemKind.JOB,
                limit = 100,
                filters = SearchFilters(grandDomaine = domain.code),
            ),
        )
        assertEquals(minOf(domain.count, 100), filtered.items.size)
        assertTrue(filtered.items.all { it.rome!!.startsWith(domain.code) })
    }

    @Test
    fun `a place and an intent in the words are understood`() {
        val page = catalogue.search(SearchQuery(text = "aide soignante marseille"))
        val near = requireNotNull(page.near)
        assertEquals(NearFoundBy.COMMUNE, near.foundBy)
        assertEquals("près de Marseille (13)", near.said)
        assertEquals("marseille", near.words)
        assertEquals("J1501", page.items.first().rome)
        assertEquals("Aucune formation localisée trouvée près de Marseille (13)", page.notice)
        assertNull(page.intent)
        val asTyped = catalogue.search(SearchQuery(text = "aide soignante marseille", readPlace = false))
        assertNull(asTyped.near)
        val cariste = catalogue.search(SearchQuery(text = "formation cariste 13001"))
        assertEquals(NearFoundBy.POSTCODE, cariste.near?.foundBy)
        assertEquals(ItemKind.TRAINING, cariste.intent?.kind)
        assertEquals("formations en premier", cariste.intent?.said)
    }

    @Test
    fun `defaults make the common query short`() {
        val q = SearchQuery("boulanger")
        assertEquals(20, q.limit)
        assertEquals(30.0, q.radiusKm)
        assertEquals(SearchFilters(), q.filters)
        assertEquals(q, q.copy())
    }

    @Test
    fun `interrupt from another coroutine stops the running search`() = runBlocking {
        val slow = SearchQuery(text = "technicien agent responsable conseiller formation professionnelle", limit = 50)
        var interrupted = false
        repeat(20) {
            if (interrupted) return@repeat
            coroutineScope {
                val searching = async(Dispatchers.IO) { runCatching { catalogue.search(slow) } }
                val interrupter = launch(Dispatchers.Default) {
                    while (isActive) {
                        catalogue.interrupt()
                        yield()
                    }
                }
                val outcome = searching.await()
                interrupter.cancelAndJoin()
                outcome.exceptionOrNull()?.let {
                    assertTrue(it is OrientationException.Interrupted, it.toString())
                    interrupted = true
                }
            }
        }
        assertTrue(interrupted)
        assertTrue(catalogue.search(slow).items.isNotEmpty())
    }

    @Test
    fun `search as you type keeps only the latest query's page`() = runBlocking {
        val queries = flowOf(
            SearchQuery(text = "technicien agent responsable conseiller formation professionnelle"),
            SearchQuery(text = "boulanger"),
        )
        val pages = catalogue.searchAsYouType(queries).toList()
        assertEquals("D1102", pages.last().items.first().id)
        assertTrue(pages.size in 1..2)
    }

    @Test
    fun `a cancelled search coroutine ends as cancelled and leaves the catalogue usable`() = runBlocking {
        val slow = SearchQuery(text = "technicien agent responsable conseiller formation professionnelle")
        // Cancelled at various moments: before the search starts, while it runs (it is then interrupted),
        // and after it ends. Every time the coroutine ends as cancelled, never with an error.
        for (wait in listOf(0L, 1L, 5L, 20L, 50L, 100L, 300L)) {
            supervisorScope {
                val search = async(Dispatchers.Default) { catalogue.searchCancellable(slow) }
                delay(wait)
                search.cancelAndJoin()
                val failure = runCatching { search.await() }.exceptionOrNull()
                assertTrue(failure == null || failure is CancellationException, failure.toString())
            }
        }
        assertEquals("D1102", catalogue.searchCancellable(SearchQuery("boulanger")).items.first().id)
    }

    @Test
    fun `errors are exceptions with a message to show`() {
        val e = assertThrows<OrientationException.InvalidQuery> {
            catalogue.search(SearchQuery(text = "x", limit = 0))
        }
        assertTrue(e.message!!.startsWith("Recherche invalide"))
        assertThrows<OrientationException.InvalidQuery> {
            catalogue.search(SearchQuery(text = "x", filters = SearchFilters(startAfter = "demain")))
        }
        assertThrows<OrientationException.UnknownPlace> {
            catalogue.search(SearchQuery(text = "x", near = Location.Typed("Atlantide-sur-Mer")))
        }
        assertThrows<OrientationException.UnknownId> { catalogue.job("lheo:07_10") }
        assertThrows<OrientationException.InvalidConfig> { Orientation(config(shared).copy(dataDir = " ")) }
    }

    @Test
    fun `a panic in Rust is an exception, not a crash`() {
        assertThrows<InternalException> { panicForTests() }
        assertTrue(catalogue.search(SearchQuery("boulanger")).items.isNotEmpty())
    }

    @Test
    fun `sheets`() = runBlocking {
        val job = catalogue.job("D1102")
        assertTrue(job.title.startsWith("Boulanger"))
        assertTrue(job.appellations.any { it.principal })
        val sheet = catalogue.sheetOf("D1102")
        assertTrue(sheet is Sheet.Job && sheet.sheet == job)

        val item = catalogue.search(
            SearchQuery(text = "", kind = ItemKind.TRAINING, filters = SearchFilters(registrationOpen = true)),
        ).items.first()
        val training = catalogue.training(item.id)
        assertTrue(training.actions.flatMap { it.sessions }.any { it.registrationOpen })
        assertEquals(item.badges, training.badges)
        assertTrue(catalogue.info().sources.all { it.licence.isNotEmpty() })
    }

    @Test
    fun `logs arrive through a lambda`() {
        val records = Collections.synchronizedList(mutableListOf<LogRecord>())
        setLogger(LogLevel.DEBUG) { records.add(it) }
        try {
            catalogue.search(SearchQuery("boulangerie artisanale"))
        } finally {
            clearLogger()
        }
        assertTrue(records.any { it.message.startsWith("recherche") }, records.toString())
        assertFalse(records.any { "boulangerie" in it.message })
    }
}

class BuildTest {
    @Test
    fun `build reports progress and the state flow goes from missing to ready`(@TempDir dir: Path) = runBlocking {
        Orientation(config(dir)).use { app ->
            assertEquals(CatalogueState.Missing, app.catalogueState())
            assertThrows<OrientationException.CatalogueMissing> { app.catalogue() }
            val firstState = CompletableDeferred<Unit>()
            val states = async {
                app.catalogueStates()
                    .onEach { firstState.complete(Unit) }
                    .transformWhile {
                        emit(it)
                        it != CatalogueState.Ready
                    }
                    .toList()
            }
            firstState.await()
            val progress = Collections.synchronizedList(mutableListOf<BuildProgress>())
            val report = app.buildCatalogue { progress.add(it) }
            assertTrue(report.rowsKept > 0)
            assertEquals((0..progress.last().total).toList(), progress.map { it.done })
            val seen = states.await()
            assertEquals(CatalogueState.Missing, seen.first())
            assertTrue(seen.any { it is CatalogueState.Building }, seen.toString())
            assertEquals(CatalogueState.Ready, seen.last())
            app.catalogue().use { assertTrue(it.search(SearchQuery("infirmier")).items.isNotEmpty()) }
        }
    }

    @Test
    fun `cancelling the coroutine cancels the build and keeps no half catalogue`(@TempDir dir: Path) = runBlocking {
        Orientation(config(dir)).use { app ->
            val started = CompletableDeferred<Unit>()
            val build = launch(Dispatchers.Default) { app.buildCatalogue { started.complete(Unit) } }
            started.await()
            build.cancelAndJoin()
            // The build stops at its next read of the open data, then the state goes back to Missing.
            app.catalogueStates().transformWhile { emit(it); it is CatalogueState.Building }.toList()
            assertEquals(CatalogueState.Missing, app.catalogueState())
            assertFalse(File(dir.toFile(), "catalogue.db").exists())
        }
    }

    @Test
    fun `a closed object refuses calls`(@TempDir dir: Path) {
        val app = Orientation(config(dir))
        app.use { assertNotNull(it.config()) }
        assertThrows<IllegalStateException> { app.catalogueState() }
    }

    @Test
    fun `building from a catalogue file is a config error`(@TempDir dir: Path) = runBlocking {
        Orientation(config(dir, CatalogueSource.File(dir.resolve("absent.db").toString()))).use { app ->
            assertThrows<OrientationException.CatalogueMissing> { app.catalogue() }
            val e = runCatching { app.buildCatalogue { } }.exceptionOrNull()
            assertTrue(e is OrientationException.InvalidConfig, e.toString())
        }
    }

}
