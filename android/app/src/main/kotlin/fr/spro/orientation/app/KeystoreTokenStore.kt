package fr.spro.orientation.app

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.util.Base64
import fr.spro.orientation.OrientationException
import fr.spro.orientation.SecureTokenStore
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The chat's session secret, encrypted with an AES-GCM key that never leaves the Android Keystore; only
 * the ciphertext (IV + data, Base64) is in the app's private preferences.
 */
class KeystoreTokenStore(context: Context) : SecureTokenStore {
    private val prefs = context.getSharedPreferences("orientation.chat", Context.MODE_PRIVATE)

    private fun key(): SecretKey {
        val ks = KeyStore.getInstance(KEYSTORE).apply { load(null) }
        (ks.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        val gen = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, KEYSTORE)
        gen.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build(),
        )
        return gen.generateKey()
    }

    override fun load(): String? {
        val stored = prefs.getString(PREF, null) ?: return null
        return try {
            val bytes = Base64.decode(stored, Base64.NO_WRAP)
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(128, bytes, 0, IV_BYTES))
            String(cipher.doFinal(bytes, IV_BYTES, bytes.size - IV_BYTES), Charsets.UTF_8)
        } catch (e: Exception) {
            // A key lost with a restored backup or a reset lock screen: the core reports an unreadable session.
            throw OrientationException.Storage("secret illisible")
        }
    }

    override fun save(secret: String) {
        try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.ENCRYPT_MODE, key())
            val out = cipher.iv + cipher.doFinal(secret.toByteArray(Charsets.UTF_8))
            prefs.edit().putString(PREF, Base64.encodeToString(out, Base64.NO_WRAP)).apply()
        } catch (e: Exception) {
            throw OrientationException.Storage("secret non enregistré")
        }
    }

    override fun clear() {
        prefs.edit().remove(PREF).apply()
        try {
            KeyStore.getInstance(KEYSTORE).apply { load(null) }.deleteEntry(ALIAS)
        } catch (e: Exception) {
            throw OrientationException.Storage("clé non effacée")
        }
    }

    private companion object {
        const val KEYSTORE = "AndroidKeyStore"
        const val ALIAS = "orientation-chat-session"
        const val PREF = "session"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
    }
}
