package fr.spro.orientation

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path

/** The "Découvrir" quiz through the Kotlin bindings: a quiz to the end, reasons, refusal, resume, wipe. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscoverTest {
    private val shared: Path = Files.createTempDirectory("orientation-kotlin-discover")
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
    fun `a whole quiz gives explained jobs and resumes after a restart`(@TempDir dir: Path) {
        val data = dir.resolve("donnees")
        val asked = mutableListOf<String>()
        app(data).use { app ->
            val quiz = app.discover(null, false)
            var q = quiz.question()
            assertEquals("Question 1 sur environ 12", q!!.progress.label)
            assertEquals(5, q.choices.size)
            while (q != null) {
                asked += q.id
                val likes = "22" in q.tags.centresInteret || "S" in q.tags.riasec
                q = quiz.answer(q.id, if (likes) DiscoverAnswer.OUI else DiscoverAnswer.NON)
            }
            assertTrue(quiz.progress().done)
            assertEquals(asked.distinct(), asked)
            val jobs = quiz.results(DiscoverFilters())
            assertEquals(10, jobs.size)
            assertTrue(jobs[0].reasons.isNotEmpty())
            assertEquals(jobs[0].reasons, quiz.reasons(jobs[0].rome))
            assertThrows<OrientationException.UnknownId> { quiz.reasons("X9999") }
            val back = quiz.back()
            assertEquals(asked.last(), back!!.id)
        }
        app(data).use { app ->
            val again = app.discover(null, false)
            assertEquals(asked.dropLast(1), again.answers().map { it.questionId })
            app.deleteAllMyData()
            assertEquals(emptyList<DiscoverGivenAnswer>(), app.discover(null, false).answers())
        }
    }

    @Test
    fun `a refused context is kept out of the top and flagged below`(@TempDir dir: Path) {
        app(dir.resolve("donnees")).use { app ->
            val quiz = app.discover(Formality.TU, true)
            listOf("secourir", "soigner", "hopital").forEach { quiz.answer(it, DiscoverAnswer.OUI) }
            assertNotNull(quiz.answer("nuit", DiscoverAnswer.NON))
            assertTrue(quiz.results(DiscoverFilters(limit = 10u)).all { it.warnings.isEmpty() })
            val flagged = quiz.results(DiscoverFilters(limit = 2000u)).filter { it.warnings.isNotEmpty() }
            assertTrue(flagged.isNotEmpty())
            assertEquals("Travail de nuit : tu as répondu non", flagged[0].warnings[0].text)
            val capped = quiz.results(DiscoverFilters(levelMax = 3.toUByte()))
            assertTrue(capped.isNotEmpty())
            assertNull(capped.firstOrNull { (it.level?.level?.toInt() ?: 9) > 3 })
        }
    }
}
