package fr.spro.orientation

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.nio.file.Files
import java.util.Collections

/**
 * Catalogue updates from Kotlin against nginx on 127.0.0.1 serving a small real catalogue published by
 * the CLI (tests/updates/prepare, run by scripts/test or here): suspend check/update, the progress
 * listener, cancel() and the typed errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpdatesTest {
    private val root = File(System.getProperty("orientation.data")).parentFile
    private lateinit var baseUrl: String
    private lateinit var where: File
    private var startedHere = false

    @BeforeAll
    fun serve() {
        val url = System.getenv("ORIENTATION_TEST_UPDATES_URL")
        val dir = System.getenv("ORIENTATION_TEST_UPDATES_DIR")
        if (url != null && dir != null) {
            baseUrl = url
            where = File(dir)
            return
        }
        where = File(root, ".dev/ffi-updates-kt")
        val p = ProcessBuilder(File(root, "tests/updates/prepare").path, where.path)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val out = p.inputStream.bufferedReader().readText()
        assertEquals(0, p.waitFor(), "tests/updates/prepare failed")
        baseUrl = out.trim().lines().last()
        startedHere = true
    }

    @AfterAll
    fun stop() {
        if (startedHere) {
            val pb = ProcessBuilder(File(root, "scripts/dev-catalogue-server").path, "stop")
            pb.environment()["ORIENTATION_CATALOGUE_SERVER_DIR"] = File(where, "server").path
            pb.start().waitFor()
        }
    }

    /** A published directory of the test's own, a copy of version 1. */
    private fun published(name: String): String {
        val mine = File(where, "kt-$name")
        mine.deleteRecursively()
        File(where, "pub").copyRecursively(mine)
        return "kt-$name/"
    }

    private fun newApp(url: String, key: String = File(where, "key.pub").readText().trim()) =
        Orientation(
            OrientationConfig(
                dataDir = Files.createTempDirectory("orientation-updates").toString(),
                catalogueSource = CatalogueSource.OpenData(File(where, "src").path),
                catalogueUpdateUrl = url,
                cataloguePublicKey = key,
            ),
        )

    @Test
    fun `a first install reports its phases and the catalogue then answers`() = runBlocking {
        val app = newApp(baseUrl + published("first"))
        val updates = app.updates()
        val check = updates.check()
        assertTrue(check is UpdateCheck.Available, check.toString())
        val phases = Collections.synchronizedList(mutableListOf<UpdatePhase>())
        val result = updates.update(object : UpdateProgressListener {
            override fun onProgress(progress: UpdateProgress) {
                phases.add(progress.phase)
            }
        })
        assertTrue(result.updated)
        assertEquals(1uL, result.version)
        assertEquals((check as UpdateCheck.Available).downloadSize, result.downloaded)
        assertEquals(
            listOf(UpdatePhase.MANIFEST, UpdatePhase.DOWNLOAD, UpdatePhase.VERIFY, UpdatePhase.APPLY),
            phases.distinct(),
        )
        assertTrue(app.catalogue().search(SearchQuery(text = "agence")).items.isNotEmpty())
        val again = updates.check()
        assertTrue(again is UpdateCheck.UpToDate && again.message == "Le catalogue est à jour (version 1).")
        assertFalse(updates.update(null).updated)
    }

    @Test
    fun `cancel stops an update with Cancelled and refusals are typed`() = runBlocking {
        val updates = newApp(baseUrl + "slow/" + published("cancel")).updates()
        assertThrows<OrientationException.Cancelled> {
            runBlocking {
                updates.update(object : UpdateProgressListener {
                    override fun onProgress(progress: UpdateProgress) {
                        if (progress.phase == UpdatePhase.DOWNLOAD && progress.done > 0uL) updates.cancel()
                    }
                })
            }
        }
        val insecure = assertThrows<OrientationException.InsecureUrl> { newApp("http://catalogue.invalid/").updates() }
        assertTrue(insecure.message!!.contains("HTTPS obligatoire"))
        assertThrows<OrientationException.UpdateServerUnavailable> {
            runBlocking { newApp(baseUrl + "error500/" + published("500")).updates().check() }
        }
        Unit
    }
}
