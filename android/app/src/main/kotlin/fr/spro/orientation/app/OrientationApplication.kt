package fr.spro.orientation.app

import android.app.Application
import fr.spro.orientation.CatalogueSource
import fr.spro.orientation.ChatService
import fr.spro.orientation.Orientation
import fr.spro.orientation.OrientationConfig
import fr.spro.orientation.ui.AppModel
import kotlinx.coroutines.MainScope
import java.io.File
import java.io.IOException

/**
 * One core and one screen state per process: they outlive the activity (rotation, dark mode switch).
 * The catalogue ships in the APK's assets (catalogue.db, built by `orientation catalogue build`): the
 * first run copies it out once, then the core opens it where it is.
 */
class OrientationApplication : Application() {
    val platform by lazy { AndroidPlatform(this) }

    val core: Orientation by lazy {
        // The key of the personal fields of user.db lives in the Keystore, not beside the database.
        Orientation.withKeyStore(
            OrientationConfig(
                dataDir = filesDir.path,
                catalogueSource = catalogueSource(),
                homeserverUrl = HOMESERVER,
                locale = "fr-FR",
            ),
            KeystoreTokenStore(
                this,
                alias = KeystoreTokenStore.USER_DATA_ALIAS,
                pref = KeystoreTokenStore.USER_DATA_PREF,
            ),
        )
    }

    val model: AppModel by lazy {
        AppModel(core, platform, MainScope(), chatService = CHAT).also { it.start() }
    }

    override fun onCreate() {
        super.onCreate()
        logToLogcat()
        CatalogueWorker.schedule(this)
    }

    /** The shipped catalogue, copied from the assets on first run (or after an app update). */
    private fun catalogueSource(): CatalogueSource {
        val target = File(noBackupFilesDir, "catalogue-livre.db")
        val stamp = File(noBackupFilesDir, "catalogue-livre.version")
        val version = packageManager.getPackageInfo(packageName, 0).lastUpdateTime.toString()
        try {
            if (!target.isFile || stamp.takeIf { it.isFile }?.readText() != version) {
                val tmp = File(noBackupFilesDir, "catalogue-livre.db.part")
                assets.open("catalogue.db").use { input -> tmp.outputStream().use { input.copyTo(it) } }
                check(tmp.renameTo(target)) { "renommage impossible" }
                stamp.writeText(version)
            }
            return CatalogueSource.File(target.path)
        } catch (e: IOException) {
            // No catalogue in the assets (a development build): build one from the open data copied
            // under filesDir/opendata (adb push), with its progress on the first screen.
            return CatalogueSource.OpenData(File(filesDir, "opendata").path)
        }
    }

    private companion object {
        // The Region's service; null leaves the chat out ("la discussion n'est pas configurée").
        val HOMESERVER: String? = null
        val CHAT: ChatService? = null
    }
}
