package fr.spro.orientation.app

import android.Manifest
import android.net.Uri
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.OnBackPressedCallback
import androidx.activity.compose.setContent
import androidx.activity.result.ActivityResultLauncher
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.isSystemInDarkTheme
import fr.spro.orientation.ui.OrientationApp
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.File

/** Hosts the shared UI; the system's back goes to the model first. */
class MainActivity : ComponentActivity() {
    private var picked: CompletableDeferred<Uri?>? = null
    private var permission: CompletableDeferred<Boolean>? = null

    private val openDocument: ActivityResultLauncher<Array<String>> =
        registerForActivityResult(ActivityResultContracts.OpenDocument()) { uri -> picked?.complete(uri) }

    private val askLocation: ActivityResultLauncher<Array<String>> =
        registerForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) { result ->
            permission?.complete(result.values.any { it })
        }

    private val app get() = application as OrientationApplication

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        app.platform.activity = this
        val model = app.model
        onBackPressedDispatcher.addCallback(this, object : OnBackPressedCallback(true) {
            override fun handleOnBackPressed() {
                if (!model.back()) {
                    isEnabled = false
                    onBackPressedDispatcher.onBackPressed()
                    isEnabled = true
                }
            }
        })
        setContent { OrientationApp(model, dark = isSystemInDarkTheme()) }
    }

    override fun onDestroy() {
        if (app.platform.activity === this) app.platform.activity = null
        super.onDestroy()
    }

    /** The document picker; the chosen export is copied to the app's cache for the core to read. */
    suspend fun pickDocument(): File? {
        val wait = CompletableDeferred<Uri?>().also { picked = it }
        openDocument.launch(arrayOf("application/json", "text/plain", "*/*"))
        val uri = wait.await() ?: return null
        return withContext(Dispatchers.IO) {
            val out = File(cacheDir, "import-favoris.json")
            contentResolver.openInputStream(uri)?.use { input -> out.outputStream().use { input.copyTo(it) } } ?: return@withContext null
            out
        }
    }

    suspend fun requestLocationPermission(): Boolean {
        val wait = CompletableDeferred<Boolean>().also { permission = it }
        askLocation.launch(arrayOf(Manifest.permission.ACCESS_COARSE_LOCATION, Manifest.permission.ACCESS_FINE_LOCATION))
        return wait.await()
    }
}
