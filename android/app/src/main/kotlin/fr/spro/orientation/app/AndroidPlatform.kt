package fr.spro.orientation.app

import android.Manifest
import android.app.NotificationChannel
import android.app.NotificationManager
import android.content.ActivityNotFoundException
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.location.Location as AndroidLocation
import android.location.LocationManager
import android.net.Uri
import android.os.Build
import android.os.CancellationSignal
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import androidx.core.content.ContextCompat
import androidx.core.content.FileProvider
import fr.spro.orientation.Location
import fr.spro.orientation.SecureTokenStore
import fr.spro.orientation.ui.Platform
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withTimeoutOrNull
import java.io.File
import kotlin.coroutines.resume

/** The device for the shared UI: intents, the platform LocationManager (no Play Services), the Keystore. */
class AndroidPlatform(private val context: Context) : Platform {
    /** The visible activity, for the document picker and the permission prompts. */
    @Volatile var activity: MainActivity? = null

    override val tokens: SecureTokenStore = KeystoreTokenStore(context)
    override val filesDir: File = File(context.filesDir, "partage").apply { mkdirs() }
    override val appVersion: String = try {
        val info = context.packageManager.getPackageInfo(context.packageName, 0)
        "${info.versionName} (${if (Build.VERSION.SDK_INT >= 28) info.longVersionCode else @Suppress("DEPRECATION") info.versionCode.toLong()})"
    } catch (e: PackageManager.NameNotFoundException) {
        "inconnue"
    }

    override fun open(uri: String): Boolean {
        val u = Uri.parse(uri)
        val intent = when (u.scheme) {
            "tel" -> Intent(Intent.ACTION_DIAL, u)          // dials, the user presses call
            "mailto" -> Intent(Intent.ACTION_SENDTO, u)     // subject and body prefilled by the core
            else -> Intent(Intent.ACTION_VIEW, u)           // geo: (maps), https:
        }.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
        return try {
            context.startActivity(intent)
            true
        } catch (e: ActivityNotFoundException) {
            false
        }
    }

    override fun share(file: File, mimeType: String) {
        val uri = FileProvider.getUriForFile(context, "fr.spro.orientation.partage", file)
        val send = Intent(Intent.ACTION_SEND)
            .setType(mimeType)
            .putExtra(Intent.EXTRA_STREAM, uri)
            .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        context.startActivity(Intent.createChooser(send, "Partager mes favoris").addFlags(Intent.FLAG_ACTIVITY_NEW_TASK))
    }

    private fun granted(p: String) = ContextCompat.checkSelfPermission(context, p) == PackageManager.PERMISSION_GRANTED

    override suspend fun location(): Location.Coordinates? {
        if (!granted(Manifest.permission.ACCESS_COARSE_LOCATION) && !granted(Manifest.permission.ACCESS_FINE_LOCATION)) {
            val asked = activity?.requestLocationPermission() ?: false
            if (!asked) return null
        }
        val lm = context.getSystemService(Context.LOCATION_SERVICE) as LocationManager
        val providers = listOf(LocationManager.NETWORK_PROVIDER, LocationManager.GPS_PROVIDER, LocationManager.PASSIVE_PROVIDER)
            .filter { runCatching { lm.isProviderEnabled(it) }.getOrDefault(false) }
        val fresh: AndroidLocation? = if (Build.VERSION.SDK_INT >= 30 && providers.isNotEmpty()) {
            withTimeoutOrNull(10_000) {
                suspendCancellableCoroutine { cont ->
                    val signal = CancellationSignal()
                    cont.invokeOnCancellation { signal.cancel() }
                    try {
                        lm.getCurrentLocation(providers.first(), signal, context.mainExecutor) { loc -> cont.resume(loc) }
                    } catch (e: SecurityException) {
                        cont.resume(null)
                    }
                }
            }
        } else {
            null
        }
        val loc = fresh ?: providers.firstNotNullOfOrNull { p ->
            try { lm.getLastKnownLocation(p) } catch (e: SecurityException) { null }
        }
        return loc?.let { Location.Coordinates(it.latitude, it.longitude) }
    }

    override fun notify(title: String, text: String) {
        if (Build.VERSION.SDK_INT >= 33 && !granted(Manifest.permission.POST_NOTIFICATIONS)) return
        val nm = context.getSystemService(Context.NOTIFICATION_SERVICE) as NotificationManager
        if (Build.VERSION.SDK_INT >= 26) {
            nm.createNotificationChannel(NotificationChannel(CHANNEL, "Nouveautés", NotificationManager.IMPORTANCE_DEFAULT))
        }
        val n = NotificationCompat.Builder(context, CHANNEL)
            .setSmallIcon(android.R.drawable.ic_dialog_info)
            .setContentTitle(title)
            .setContentText(text)
            .setAutoCancel(true)
            .build()
        try {
            NotificationManagerCompat.from(context).notify(title.hashCode(), n)
        } catch (e: SecurityException) {
            // permission withdrawn meanwhile: nothing to show
        }
    }

    override suspend fun pickImportFile(): File? = activity?.pickDocument()

    private companion object {
        const val CHANNEL = "nouveautes"
    }
}
