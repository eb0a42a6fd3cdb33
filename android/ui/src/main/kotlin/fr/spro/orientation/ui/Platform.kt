package fr.spro.orientation.ui

import fr.spro.orientation.Location
import fr.spro.orientation.SecureTokenStore
import java.io.File

/**
 * What the UI needs from the device, and nothing else: implemented for Android in app/ (intents,
 * LocationManager, Keystore, notifications) and for the desktop in the tests and the preview.
 */
interface Platform {
    /** Opens a link the core gave or a sheet holds: `tel:` dials, `mailto:` writes a mail, `geo:` opens a map, `https:` a browser. False when nothing can open it. */
    fun open(uri: String): Boolean

    /** Hands [file] to the system's share sheet (export of the favourites). */
    fun share(file: File, mimeType: String)

    /** The device's position, or null when the user refused or none is known. Called off the main thread. */
    suspend fun location(): Location.Coordinates?

    /** A notification (saved searches with something new, the advisor's answer). */
    fun notify(title: String, text: String)

    /** Where the chat's session secret lives (Keystore on Android). */
    val tokens: SecureTokenStore

    /** A favourites export the user picks to import (document picker), or null when they cancel. */
    suspend fun pickImportFile(): File?

    /** "1.0 (42)": shown in the settings. */
    val appVersion: String

    /** A private directory for files the user exports or imports. */
    val filesDir: File

    /** The clock (ms since the Unix epoch): injected by tests to be outside the chat's hours. */
    fun nowMs(): Long = System.currentTimeMillis()
}
