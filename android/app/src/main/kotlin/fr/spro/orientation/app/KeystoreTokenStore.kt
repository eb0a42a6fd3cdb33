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
 * A secret (the chat's session; the key of the user database's personal fields), encrypted with an AES-GCM
 * key that never leaves the Android Keystore; only the ciphertext (IV + data, Base64) is in the app's
 * private preferences. One store per secret: its own Keystore alias and preference.
 */
class KeystoreTokenStore(
    context: Context,
    private val alias: String = CHAT_ALIAS,
    private val pref: String = CHAT_PREF,
) : SecureTokenStore {
    private val prefs = context.getSharedPreferences("orientation.chat", Context.MODE_PRIVATE)

    private fun key(): SecretKey {
        val ks = KeyStore.getInstance(KEYSTORE).apply { load(null) }
        (ks.getKey(alias, null) as? SecretKey)?.let { return it }
        val gen = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, KEYSTORE)
        gen.init(
            KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build(),
        )
        return gen.generateKey()
    }

    override fun load(): String? {
        val stored = prefs.getString(pref, null) ?: return null
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
            prefs.edit().putString(pref, Base64.encodeToString(out, Base64.NO_WRAP)).apply()
        } catch (e: Exception) {
            throw OrientationException.Storage("secret non enregistré")
        }
    }

    override fun clear() {
        prefs.edit().remove(pref).apply()
        try {
            KeyStore.getInstance(KEYSTORE).apply { load(null) }.deleteEntry(alias)
        } catch (e: Exception) {
            throw OrientationException.Storage("clé non effacée")
        }
    }

    companion object {
        private const val KEYSTORE = "AndroidKeyStore"
        const val CHAT_ALIAS = "orientation-chat-session"
        const val CHAT_PREF = "session"
        /** The key of user.db's sealed fields (notes, tags, saved searches, messages): docs/privacy.md. */
        const val USER_DATA_ALIAS = "orientation-user-data"
        const val USER_DATA_PREF = "user-data-key"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val IV_BYTES = 12
    }
}
