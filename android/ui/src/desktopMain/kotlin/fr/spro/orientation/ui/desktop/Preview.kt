// The desktop preview of the Android app's UI (scripts/app-preview): the same screens over the real core,
// in a Compose window. `--check` renders the first screen offscreen to a PNG and exits (no display needed).
package fr.spro.orientation.ui.desktop

import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.unit.Density
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Window
import androidx.compose.ui.window.application
import androidx.compose.ui.window.rememberWindowState
import fr.spro.orientation.CatalogueSource
import fr.spro.orientation.Location
import fr.spro.orientation.Orientation
import fr.spro.orientation.OrientationConfig
import fr.spro.orientation.SecureTokenStore
import fr.spro.orientation.coreVersion
import fr.spro.orientation.ui.AppModel
import fr.spro.orientation.ui.OrientationApp
import fr.spro.orientation.ui.Platform
import fr.spro.orientation.ui.Startup
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.jetbrains.skia.EncodedImageFormat
import java.awt.Desktop
import java.io.File
import java.net.URI
import javax.swing.JFileChooser

/** The desktop's devices: the browser/mail client for links, a file for the token (a preview, not a phone). */
class DesktopPlatform(override val filesDir: File) : Platform {
    override val appVersion = "aperçu bureau"
    override val tokens = object : SecureTokenStore {
        private val f = File(filesDir, "chat-session.secret")
        override fun load(): String? = f.takeIf { it.isFile }?.readText()
        override fun save(secret: String) { f.writeText(secret) }
        override fun clear() { f.delete() }
    }

    override fun open(uri: String): Boolean = try {
        if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
            Desktop.getDesktop().browse(URI(uri)); true
        } else {
            println("ouvrir : $uri"); false
        }
    } catch (e: Exception) {
        println("ouvrir : $uri (${e.message})"); false
    }

    override fun share(file: File, mimeType: String) = println("fichier prêt à partager : ${file.path}")
    // No location service on a desktop: a position can be given with -Dorientation.position=lat,lon
    override suspend fun location(): Location.Coordinates? =
        System.getProperty("orientation.position")?.split(',')?.mapNotNull { it.trim().toDoubleOrNull() }
            ?.takeIf { it.size == 2 }?.let { Location.Coordinates(it[0], it[1]) }
    override fun notify(title: String, text: String) = println("notification : $title — $text")
    override suspend fun pickImportFile(): File? {
        if (java.awt.GraphicsEnvironment.isHeadless()) return null
        val c = JFileChooser(filesDir)
        return if (c.showOpenDialog(null) == JFileChooser.APPROVE_OPTION) c.selectedFile else null
    }
}

fun main(args: Array<String>) {
    val data = System.getProperty("orientation.data") ?: "data"
    val dir = File(System.getProperty("orientation.preview.dir") ?: (System.getProperty("user.home") + "/.local/share/orientation-apercu"))
    dir.mkdirs()
    val core = Orientation(OrientationConfig(dataDir = dir.path, catalogueSource = CatalogueSource.OpenData(data)))
    val platform = DesktopPlatform(File(dir, "files").apply { mkdirs() })
    if ("--check" in args) return check(core, platform, dir)
    application {
        Window(
            onCloseRequest = { core.close(); exitApplication() },
            title = "Orientation — aperçu (moteur ${coreVersion()})",
            state = rememberWindowState(width = 411.dp, height = 891.dp),
        ) {
            val scope = rememberCoroutineScope()
            val model = remember { AppModel(core, platform, scope).also { it.start() } }
            OrientationApp(model)
        }
    }
}

/** Starts the app offscreen: opens (building if needed) the catalogue, renders the home screen to a PNG. */
private fun check(core: Orientation, platform: Platform, dir: File) = runBlocking {
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    val model = AppModel(core, platform, scope)
    val started = System.nanoTime()
    model.start()
    withTimeout(600_000) { while (model.startup !is Startup.Ready && model.startup !is Startup.Failed) delay(50) }
    val s = model.startup
    if (s is Startup.Failed) error("échec au démarrage : ${s.message}")
    val scene = ImageComposeScene(width = 1080, height = 2340, density = Density(2.625f)) { OrientationApp(model) }
    val png = File(dir, "apercu-accueil.png")
    try {
        var img = scene.render(0)
        for (i in 1..5) img = scene.render(i * 100_000_000L)
        png.writeBytes(img.encodeToData(EncodedImageFormat.PNG)!!.bytes)
    } finally {
        scene.close()
    }
    println("aperçu prêt en ${(System.nanoTime() - started) / 1_000_000} ms : ${png.path}")
    scope.coroutineContext[kotlinx.coroutines.Job]?.cancel()
    core.close()
}
