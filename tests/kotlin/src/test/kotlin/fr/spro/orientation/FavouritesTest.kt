package fr.spro.orientation

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Files
import java.nio.file.Path

/** Favourites through the Kotlin bindings and the idiomatic layer; each test has its own user database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FavouritesTest {
    private val shared: Path = Files.createTempDirectory("orientation-kotlin-fav")
    private lateinit var catalogueFile: String

    @BeforeAll
    fun buildOnce() = runBlocking {
        Orientation(
            OrientationConfig(
                dataDir = shared.toString(),
                catalogueSource = CatalogueSource.OpenData(System.getProperty("orientation.data")),
            ),
        ).use { it.openCatalogue { }.close() }
        catalogueFile = shared.resolve("catalogue.db").toString()
    }

    @AfterAll
    fun clean() {
        shared.toFile().deleteRecursively()
    }

    private fun app(dir: Path) =
        Orientation(OrientationConfig(dataDir = dir.toString(), catalogueSource = CatalogueSource.File(catalogueFile)))

    @Test
    fun `round trip - star, list, export, delete all, import`(@TempDir dir: Path) = runBlocking {
        app(dir.resolve("donnees")).use { app ->
            val catalogue = app.catalogue()
            val favs = app.favourites()
            val query = SearchQuery(text = "boulanger", kind = ItemKind.TRAINING)
            val first = catalogue.search(query).items.first()
            assertFalse(first.isFavourite)
            assertTrue(favs.toggle(first))
            assertTrue(catalogue.search(query).items.first { it.id == first.id }.isFavourite)
            favs.setStatus(FavouriteKind.TRAINING, first.id, ApplicationStatus.TO_CONTACT)
            favs.setNote(FavouriteKind.TRAINING, first.id, "demander le financement")
            val job = catalogue.search(SearchQuery(text = "infirmier", kind = ItemKind.JOB)).items.first()
            favs.add(job.id, details = FavouriteDetails(note = "voir le CIO", tags = listOf("santé")))
            favs.saveSearch("boulangerie", query)
            val before = favs.listOf()
            assertEquals(listOf(first.id, job.id), before.map { it.itemId })
            assertEquals(ApplicationStatus.TO_CONTACT, before[0].status)
            assertEquals(Availability.Offered, before[0].availability)
            assertEquals(listOf("santé"), before[1].tags)
            assertEquals("voir le CIO", before[1].note)

            val file = File(dir.toFile(), "export.json")
            assertEquals(2u, favs.exportTo(file).favourites)
            app.deleteAllMyData()
            assertEquals(emptyList<Favourite>(), favs.listOf())
            assertEquals(emptyList<SavedSearch>(), favs.savedSearches())
            assertFalse(catalogue.search(query).items.first { it.id == first.id }.isFavourite)
            val summary = favs.importFrom(file)
            assertEquals(2u, summary.favouritesAdded)
            assertEquals(1u, summary.searchesAdded)
            assertEquals(before, favs.listOf())
            assertEquals(listOf("boulangerie"), favs.savedSearches().map { it.name })
            assertTrue(catalogue.search(query).items.first { it.id == first.id }.isFavourite)

            assertFalse(favs.toggle(first))
            assertFalse(favs.isFavourite(FavouriteKind.TRAINING, first.id))
            catalogue.close()
            favs.close()
        }
    }

    @Test
    fun `a broken export is refused with a French message and changes nothing`(@TempDir dir: Path) {
        app(dir.resolve("donnees")).use { app ->
            val favs = app.favourites()
            val job = app.catalogue().search(SearchQuery(text = "infirmier", kind = ItemKind.JOB)).items.first()
            favs.add(job.id, FavouriteKind.JOB)
            val file = File(dir.toFile(), "export.json")
            favs.exportTo(file.path)
            file.writeText(file.readText().take(40))
            favs.remove(FavouriteKind.JOB, job.id)
            val e = assertThrows<OrientationException.InvalidExport> { favs.importFrom(file.path) }
            assertTrue(e.message!!.contains("rien n'a été modifié"), e.message)
            assertEquals(0, favs.list(FavouriteFilter()).size)
            assertThrows<OrientationException.InvalidInput> {
                favs.setStatus(FavouriteKind.JOB, job.id, ApplicationStatus.APPLIED)
            }
        }
    }

    @Test
    fun `saved search and compare`(@TempDir dir: Path) = runBlocking {
        app(dir.resolve("donnees")).use { app ->
            val favs = app.favourites()
            val saved = favs.saveSearch("caristes", SearchQuery(text = "cariste", kind = ItemKind.TRAINING))
            assertEquals(listOf("caristes"), favs.savedSearches().map { it.name })
            val news = favs.checkSavedSearches()
            assertEquals(listOf(saved.id), news.map { it.searchId })
            assertTrue(news[0].newResults.isEmpty())
            val ids = favs.runSavedSearch(saved.id).items.take(2).map { it.id }
            assertEquals(2, ids.size)
            val comparison = favs.compareOf(ids, Location.Typed("Marseille"))
            assertEquals(ids, comparison.trainings.map { it.id })
            val start = comparison.row(CompareCriterion.NEXT_START)!!
            assertEquals("Prochaine rentrée", start.label)
            assertEquals(2, start.cells.size)
            assertTrue(comparison.rows.all { row -> row.cells.size == 2 && row.cells.all { it.lines.isNotEmpty() } })
            val e = assertThrows<OrientationException.InvalidInput> { favs.compare(ids.take(1), null) }
            assertTrue(e.message!!.contains("formations"), e.message)
        }
    }

    @Test
    fun `writers on several coroutines never see a locked database`(@TempDir dir: Path) = runBlocking {
        app(dir.resolve("donnees")).use { app ->
            val favs = app.favourites()
            val jobs = app.catalogue().search(SearchQuery(text = "agent", kind = ItemKind.JOB, limit = 40)).items
            jobs.chunked(5).map { part ->
                async(Dispatchers.IO) {
                    for (item in part) {
                        favs.add(item.id, FavouriteKind.JOB)
                        favs.setNote(FavouriteKind.JOB, item.id, "à revoir")
                        favs.list(FavouriteFilter())
                        app.catalogue().search(SearchQuery(text = "agent", kind = ItemKind.JOB, limit = 40))
                    }
                }
            }.awaitAll()
            assertEquals(jobs.map { it.id }.toSet(), favs.listOf().map { it.itemId }.toSet())
            assertTrue(favs.listOf().all { it.note == "à revoir" })
            val page = app.catalogue().search(SearchQuery(text = "agent", kind = ItemKind.JOB, limit = 40))
            assertTrue(page.items.all { it.isFavourite })
        }
    }

    private class MemoryKeyStore(var secret: String? = null) : SecureTokenStore {
        override fun load(): String? = secret

        override fun save(secret: String) {
            this.secret = secret
        }

        override fun clear() {
            secret = null
        }
    }

    private fun bytesOf(dir: File): String {
        val wal = File(dir, "user.db-wal")
        val all = File(dir, "user.db").readBytes() + (if (wal.exists()) wal.readBytes() else ByteArray(0))
        return String(all, Charsets.ISO_8859_1)
    }

    @Test
    fun `the shell's key store carries the key of the personal data - a lost key starts afresh`(@TempDir dir: Path) =
        runBlocking {
            val data = dir.resolve("donnees")
            val note = "note privée : le foyer ferme en juin"
            val config = OrientationConfig(dataDir = data.toString(), catalogueSource = CatalogueSource.File(catalogueFile))
            val keys = MemoryKeyStore()
            Orientation.withKeyStore(config, keys).use { app ->
                val job = app.catalogue().search(SearchQuery(text = "infirmier", kind = ItemKind.JOB)).items.first()
                app.favourites().add(job.id, details = FavouriteDetails(note = note))
            }
            assertTrue(keys.secret!!.startsWith("orientation-user-key-v1:"))
            assertFalse(File(data.toFile(), "user.key").exists())
            val needle = String(note.toByteArray(Charsets.UTF_8), Charsets.ISO_8859_1)
            assertFalse(bytesOf(data.toFile()).contains(needle), "the note is sealed in user.db")
            Orientation.withKeyStore(config, MemoryKeyStore(keys.secret)).use { app ->
                assertEquals(listOf(note), app.favourites().listOf().map { it.note })
            }
            Orientation.withKeyStore(config, MemoryKeyStore()).use { app ->
                val said = assertThrows<OrientationException.PersonalDataReset> { app.favourites() }
                assertTrue(said.message!!.contains("repartent de zéro"))
                assertTrue(app.favourites().listOf().isEmpty())
            }
        }
}
