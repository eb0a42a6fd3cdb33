package fr.spro.orientation

import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.net.ServerSocket
import java.nio.file.Files
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

private const val WAIT_SECONDS = 60L

/** What the Android Keystore does on a phone, in memory. */
private class MemoryTokenStore : SecureTokenStore {
    @Volatile var secret: String? = null
    override fun load(): String? = secret
    override fun save(secret: String) { this.secret = secret }
    override fun clear() { secret = null }
}

private class Updates : ChatTimelineListener {
    val queue = LinkedBlockingQueue<ChatTimelineUpdate>()
    override fun onUpdate(update: ChatTimelineUpdate) { queue.put(update) }

    fun <T> waitFor(what: String, pick: (ChatTimelineUpdate) -> T?): T {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS)
        while (true) {
            val left = deadline - System.nanoTime()
            val u = queue.poll(maxOf(left, 0), TimeUnit.NANOSECONDS) ?: error("no update: $what")
            pick(u)?.let { return it }
        }
    }
}

/**
 * The advisor chat through the Kotlin bindings against a real Synapse started by scripts/dev-homeserver
 * (its own port and state directory, stopped at the end). The advisor is the test-hooks helper: a second
 * Matrix client on its own device that decrypts the app's message and answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatTest {
    private val root = File(System.getProperty("orientation.data")).parentFile
    private val state = Files.createTempDirectory("orientation-synapse").toFile()
    private val port = ServerSocket(0).use { it.localPort }
    private lateinit var env: Map<String, String>

    private fun script(vararg args: String): Pair<Int, String> {
        val p = ProcessBuilder("bash", File(root, "scripts/dev-homeserver").path, *args)
            .directory(root)
            .redirectErrorStream(true)
        p.environment()["ORIENTATION_HS_PORT"] = port.toString()
        p.environment()["ORIENTATION_HS_DIR"] = state.path
        p.environment().putIfAbsent("ORIENTATION_HS_START_TIMEOUT", "120")
        val proc = p.start()
        val out = proc.inputStream.bufferedReader().readText()
        return proc.waitFor() to out
    }

    @BeforeAll
    fun startHomeserver() {
        val (code, out) = script("start")
        assertEquals(0, code, out)
        // env.json is flat, string values only: no JSON library needed.
        val text = File(state, "env.json").readText()
        env = Regex("\"(\\w+)\"\\s*:\\s*\"([^\"]*)\"").findAll(text)
            .associate { it.groupValues[1] to it.groupValues[2] }
    }

    @AfterAll
    fun stopHomeserver() {
        script("stop")
        state.deleteRecursively()
    }

    private fun app(dir: File) = Orientation(
        OrientationConfig(
            dataDir = dir.path,
            catalogueSource = CatalogueSource.OpenData(System.getProperty("orientation.data")),
            homeserverUrl = env.getValue("homeserver_url"),
        )
    )

    private fun service() = ChatService(
        serviceUserId = env.getValue("advisor_user"),
        registrationToken = env.getValue("registration_token"),
    )

    @Test
    fun `the advisor answers and the listener gets the answer`() = runBlocking {
        val dir = Files.createTempDirectory("orientation-chat").toFile()
        val advisor = testAdvisorLogin(
            env.getValue("homeserver_url"), env.getValue("advisor_user"),
            env.getValue("advisor_password"), File(dir, "advisor").path,
        )
        val tokens = MemoryTokenStore()
        val app = app(File(dir, "app"))
        val chat = app.chat(tokens, service())
        val user = chat.connect("Camille")
        assertTrue(user.startsWith("@"), user)
        assertNotNull(tokens.secret)

        val updates = Updates()
        val timeline = chat.subscribe(updates)
        val first = updates.queue.poll(WAIT_SECONDS, TimeUnit.SECONDS)
        assertTrue(first is ChatTimelineUpdate.Reset && first.messages.isEmpty(), first.toString())
        val running = chat.start()

        val outcome = chat.sendText("Bonjour, je cherche un apprentissage en boulangerie")
        assertEquals(MessageState.SENDING, outcome.message.state)
        assertFalse(outcome.message.isAdvisor)

        val got = advisor.nextMessage((WAIT_SECONDS * 1000).toULong())
        assertNotNull(got)
        assertEquals(user, got!!.sender)
        assertEquals("Bonjour, je cherche un apprentissage en boulangerie", got.body)
        updates.waitFor("our message sent") { u ->
            (u as? ChatTimelineUpdate.Upsert)?.message
                ?.takeIf { it.localId == outcome.message.localId && it.state == MessageState.SENT }
        }
        advisor.reply(got.roomId, "Bonjour ! Dans quel département ?")

        val answer = updates.waitFor("the advisor's answer") { u ->
            (u as? ChatTimelineUpdate.Upsert)?.message?.takeIf { it.isAdvisor }
        }
        assertEquals("Bonjour ! Dans quel département ?", answer.body)
        assertEquals(MessageState.RECEIVED, answer.state)
        assertEquals(env.getValue("advisor_user"), answer.sender)
        assertEquals(listOf(false, true), chat.history(null, 50U).map { it.isAdvisor })
        // The Flow layer: a new collector gets the stored conversation first, as a Reset.
        val replay = withTimeout(WAIT_SECONDS * 1000) { chat.timeline().first() }
        assertTrue(replay is ChatTimelineUpdate.Reset, replay.toString())
        assertEquals(listOf(false, true), (replay as ChatTimelineUpdate.Reset).messages.map { it.isAdvisor })

        assertThrows<OrientationException.InvalidMessage> { chat.sendText("  ") }
        timeline.cancel()
        running.cancel()
        timeline.close()
        running.close()
        chat.close()
        advisor.close()
        app.close()
        dir.deleteRecursively()
        Unit
    }
}
