package fr.spro.orientation.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.asSkiaBitmap
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.printToString
import androidx.compose.ui.test.runSkikoComposeUiTest
import androidx.compose.ui.unit.Density
import fr.spro.orientation.CatalogueSource
import fr.spro.orientation.ChatService
import fr.spro.orientation.Location
import fr.spro.orientation.Orientation
import fr.spro.orientation.OrientationConfig
import fr.spro.orientation.SecureTokenStore
import fr.spro.orientation.openCatalogue
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import org.jetbrains.skia.EncodedImageFormat
import org.jetbrains.skia.Image
import java.io.File
import java.nio.file.Files

/**
 * The real core for every UI test of the run: one catalogue built from data/ into a temporary directory
 * (once per JVM, the surefire fork is reused), then opened read-only by each test's own app, each with its
 * own user data directory — as the Android app opens the catalogue it ships.
 */
object TestCore {
    val data: String = System.getProperty("orientation.data") ?: error("orientation.data not set")
    val root = File(System.getProperty("orientation.root") ?: File(data).parent)
    /** -Dui.catalogue.dir=DIR keeps the built catalogue there for the next runs (delete it when data/ or the core changes). */
    private val kept: File? = System.getProperty("ui.catalogue.dir")?.let { File(it).apply { mkdirs() } }
    private val shared: File = kept ?: Files.createTempDirectory("orientation-ui-catalogue").toFile()

    val catalogueFile: File by lazy {
        File(shared, "catalogue.db").takeIf { kept != null && it.isFile }?.let { return@lazy it }
        // scripts/test builds one catalogue of data/ for the whole run (same data/, same code).
        System.getenv("ORIENTATION_TEST_CATALOGUE")?.let { built ->
            return@lazy File(built).copyTo(File(shared, "catalogue.db"), overwrite = true)
        }
        val started = System.nanoTime()
        Orientation(OrientationConfig(dataDir = shared.path, catalogueSource = CatalogueSource.OpenData(data))).use { app ->
            runBlocking { app.openCatalogue { }.close() }
        }
        println("catalogue built once for the UI tests in ${(System.nanoTime() - started) / 1_000_000} ms")
        File(shared, "catalogue.db").also { check(it.isFile) { "no catalogue.db in $shared" } }
    }

    init {
        if (kept == null) Runtime.getRuntime().addShutdownHook(Thread { shared.deleteRecursively() })
    }

    fun newUserDir(): File = Files.createTempDirectory("orientation-ui-user").toFile().also { it.deleteOnExit() }

    fun app(dir: File, homeserver: String? = null): Orientation = Orientation(
        OrientationConfig(
            dataDir = dir.path,
            catalogueSource = CatalogueSource.File(catalogueFile.path),
            homeserverUrl = homeserver,
        ),
    )
}

/** What the Android Keystore does on a phone, in memory. */
class MemoryTokenStore : SecureTokenStore {
    @Volatile var secret: String? = null
    override fun load(): String? = secret
    override fun save(secret: String) { this.secret = secret }
    override fun clear() { secret = null }
}

/** The desktop's platform for the tests: records what the UI asked the device to do. */
class TestPlatform(override val filesDir: File) : Platform {
    val opened = mutableListOf<String>()
    val shared = mutableListOf<File>()
    val notified = mutableListOf<String>()
    @Volatile var position: Location.Coordinates? = null
    @Volatile var clock: (() -> Long)? = null
    var importFile: File? = null
    override val tokens = MemoryTokenStore()
    override val appVersion = "tests"
    override fun open(uri: String): Boolean { opened += uri; return true }
    override fun share(file: File, mimeType: String) { shared += file }
    override suspend fun location(): Location.Coordinates? = position
    override fun notify(title: String, text: String) { notified += "$title: $text" }
    override suspend fun pickImportFile(): File? = importFile
    override fun nowMs(): Long = clock?.invoke() ?: System.currentTimeMillis()
}

/** One test's app: its own user data over the shared catalogue. */
class TestApp(homeserver: String? = null, val chatService: ChatService? = null) : AutoCloseable {
    val dir = TestCore.newUserDir()
    val core = TestCore.app(File(dir, "data").apply { mkdirs() }, homeserver)
    val platform = TestPlatform(File(dir, "files").apply { mkdirs() })
    lateinit var model: AppModel
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main)

    @Composable
    fun Content(dark: Boolean = false, fontScale: Float? = null) {
        // The UI thread's dispatcher (Swing's, the thread the test harness composes on), as MainScope() on Android.
        val m = remember { AppModel(core, platform, scope, chatService).also { it.start() } }
        model = m
        OrientationApp(m, dark, fontScale)
    }

    override fun close() {
        scope.cancel()
        if (::model.isInitialized) model.chat.close()
        core.close()
        dir.deleteRecursively()
    }
}

const val WAIT_MS = 60_000L

/** A new chat account: registration on the homeserver, its room and the first sync. */
const val FIRST_CONNECTION_MS = WAIT_MS * 2

/**
 * waitUntil that fails when the time is up. Compose Multiplatform 1.7.3's desktop waitUntil builds its
 * timeout message and never throws it: a condition that never comes true loops forever (the surefire fork
 * timeout was the only way out). Every test waits through this one.
 */
@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.waitFor(timeoutMillis: Long = WAIT_MS, state: () -> String = { "" }, condition: () -> Boolean) {
    val deadline = System.nanoTime() + timeoutMillis * 1_000_000
    waitUntil(timeoutMillis = timeoutMillis) {
        condition() || if (System.nanoTime() > deadline) {
            // What the app showed when the time ran out, so that a failure on CI says which step hung.
            val seen = state().let { if (it.isEmpty()) "" else ": $it" }
            throw AssertionError("condition not met within $timeoutMillis ms$seen")
        } else false
    }
}

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.waitReady(app: TestApp) {
    waitFor(timeoutMillis = WAIT_MS * 3) { app.isReady() }
    waitForIdle()
    if (System.getProperty("ui.debug") != null) println(onRoot().printToString(Int.MAX_VALUE))
}

private fun TestApp.isReady() = runCatching { model.startup is Startup.Ready }.getOrDefault(false)

/** Phone 411×891 dp and tablet 1280×800 dp, at density 1 for the functional tests (dp = px). */
val PHONE = Size(411f, 891f)
val TABLET = Size(1280f, 800f)

@OptIn(ExperimentalTestApi::class)
fun uiTest(size: Size, density: Float = 1f, block: ComposeUiTest.() -> Unit) =
    runSkikoComposeUiTest(size = Size(size.width * density, size.height * density), density = Density(density)) { block() }

val screenshotsDir: File = File(System.getProperty("screenshots.dir", "target/screenshots")).apply { mkdirs() }

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.screenshot(name: String): File {
    waitForIdle()
    val img = Image.makeFromBitmap(onRoot().captureToImage().asSkiaBitmap())
    val f = File(screenshotsDir, "$name.png")
    f.writeBytes(img.encodeToData(EncodedImageFormat.PNG)!!.bytes)
    return f
}
