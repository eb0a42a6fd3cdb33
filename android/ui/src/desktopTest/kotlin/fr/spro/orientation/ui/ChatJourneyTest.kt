package fr.spro.orientation.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.printToString
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import fr.spro.orientation.ChatService
import fr.spro.orientation.MessageState
import fr.spro.orientation.messageStateLabel
import fr.spro.orientation.testAdvisorLogin
import kotlinx.coroutines.runBlocking
import org.junit.AfterClass
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.BeforeClass
import org.junit.Test
import java.io.File
import java.net.ServerSocket
import java.time.ZoneId
import java.time.ZonedDateTime

/**
 * Journey (3), and the chat half of (4): the Conseiller screen against a real Synapse started by
 * scripts/dev-homeserver (its own port, state in .dev/chat-tests/android-ui, stopped at the end); the
 * advisor is the test-hooks helper, a second Matrix client that reads and answers.
 */
@OptIn(ExperimentalTestApi::class)
class ChatJourneyTest {
    companion object {
        private val state = File(TestCore.root, ".dev/chat-tests/android-ui").absoluteFile
        private val port = ServerSocket(0).use { it.localPort }
        lateinit var env: Map<String, String>

        fun script(vararg args: String): Pair<Int, String> {
            val p = ProcessBuilder("bash", File(TestCore.root, "scripts/dev-homeserver").path, *args)
                .directory(TestCore.root)
                .redirectErrorStream(true)
            p.environment()["ORIENTATION_HS_PORT"] = port.toString()
            p.environment()["ORIENTATION_HS_DIR"] = state.path
            p.environment().putIfAbsent("ORIENTATION_HS_START_TIMEOUT", "120")
            val proc = p.start()
            val out = proc.inputStream.bufferedReader().readText()
            return proc.waitFor() to out
        }

        @BeforeClass @JvmStatic
        fun startHomeserver() {
            script("stop")
            state.deleteRecursively()
            state.mkdirs()
            val (code, out) = script("start")
            assertEquals(out, 0, code)
            val text = File(state, "env.json").readText()
            env = Regex("\"(\\w+)\"\\s*:\\s*\"([^\"]*)\"").findAll(text).associate { it.groupValues[1] to it.groupValues[2] }
        }

        @AfterClass @JvmStatic
        fun stopHomeserver() {
            script("stop")
            state.deleteRecursively()
        }
    }

    private fun service() = ChatService(
        serviceUserId = env.getValue("advisor_user"),
        registrationToken = env.getValue("registration_token"),
        phone = "0 800 123 456",
        email = "conseil@example.org",
    )

    @Test
    fun journey3_advisor_answers_offline_outbox_outside_hours_then_delete_all() = uiTest(PHONE) {
        TestApp(homeserver = env.getValue("homeserver_url"), chatService = service()).use { app ->
            val advisor = runBlocking {
                testAdvisorLogin(
                    env.getValue("homeserver_url"), env.getValue("advisor_user"),
                    env.getValue("advisor_password"), File(app.dir, "advisor").path,
                )
            }
            try {
                setContent { app.Content() }
                waitReady(app)
                onNodeWithTag(Tags.tab(Tab.CHAT)).performClick()
                waitFor(
                    timeoutMillis = FIRST_CONNECTION_MS,
                    state = { "first connection: ${app.model.chat.connection}, error ${app.model.chat.error}" },
                ) { app.model.chat.connection == fr.spro.orientation.ChatConnection.ONLINE }

                // send: the local echo at once, then sent
                onNodeWithTag(Tags.CHAT_INPUT).performTextInput("Bonjour, je cherche un CAP cuisine")
                onNodeWithContentDescription("Envoyer").performClick()
                waitFor(timeoutMillis = WAIT_MS) { app.model.chat.messages.any { !it.isAdvisor } }
                onNodeWithText("Bonjour, je cherche un CAP cuisine").assertIsDisplayed()
                val got = runBlocking { advisor.nextMessage((WAIT_MS).toULong()) }
                assertNotNull(got)
                assertEquals("Bonjour, je cherche un CAP cuisine", got!!.body)
                waitFor(timeoutMillis = WAIT_MS) { app.model.chat.messages.first { !it.isAdvisor }.state == MessageState.SENT }

                // the advisor answers: the answer and who wrote it
                runBlocking { advisor.reply(got.roomId, "Bonjour ! Dans quelle ville ?") }
                waitFor(timeoutMillis = WAIT_MS) { app.model.chat.messages.any { it.isAdvisor } }
                waitForIdle()
                val answer = app.model.chat.messages.first { it.isAdvisor }
                onNodeWithText("Bonjour ! Dans quelle ville ?").assertIsDisplayed()
                onNodeWithText(answer.senderName ?: "Conseiller").assertIsDisplayed()

                // server stopped: "envoi…" stays; back: sent once, never twice
                val (stopped, out) = script("stop")
                assertEquals(out, 0, stopped)
                onNodeWithTag(Tags.CHAT_INPUT).performTextInput("Tu es là ?")
                onNodeWithContentDescription("Envoyer").performClick()
                waitFor(timeoutMillis = WAIT_MS) { app.model.chat.messages.any { it.body == "Tu es là ?" } }
                val pending = app.model.chat.messages.first { it.body == "Tu es là ?" }
                assertEquals(MessageState.SENDING, pending.state)
                // the bubble shows the core's words for where the message is: "envoi…", then "nouvel essai…"
                // once the core has retried (the attempts go on while the server is away)
                fun shown() = app.model.chat.messages.first { it.localId == pending.localId }.let { m ->
                    m.state == MessageState.SENDING && onAllNodes(
                        hasText(messageStateLabel(m.state, m.read, m.attempts)) and
                            androidx.compose.ui.test.hasAnyAncestor(hasTestTag(Tags.message(m.localId))),
                    ).fetchSemanticsNodes().isNotEmpty()
                }
                try {
                    waitFor(timeoutMillis = WAIT_MS) { shown() }
                } catch (e: AssertionError) {
                    println(app.model.chat.messages.joinToString("\n"))
                    println(onRoot(useUnmergedTree = true).printToString(Int.MAX_VALUE))
                    throw e
                }
                Thread.sleep(2_000)
                assertEquals(MessageState.SENDING, app.model.chat.messages.first { it.body == "Tu es là ?" }.state)
                val (restarted, out2) = script("start")
                assertEquals(out2, 0, restarted)
                waitFor(timeoutMillis = WAIT_MS * 3) { app.model.chat.messages.first { it.body == "Tu es là ?" }.state == MessageState.SENT }
                val again = runBlocking { advisor.nextMessage(WAIT_MS.toULong()) }
                assertEquals("Tu es là ?", again?.body)
                waitForIdle()
                assertEquals(1, app.model.chat.messages.count { it.body == "Tu es là ?" })

                // outside opening hours (a Sunday at 3 a.m. in Paris): call and mail buttons
                val sunday = ZonedDateTime.of(2026, 12, 6, 3, 0, 0, 0, ZoneId.of("Europe/Paris")).toInstant().toEpochMilli()
                app.platform.clock = { sunday }
                runOnIdle { app.model.chat.refreshHours() }
                waitForIdle()
                val contact = app.model.chat.contact
                assertNotNull("closed on Sunday night: contact options", contact)
                onNodeWithText("Appeler le ${contact!!.phone!!.display}").assertIsDisplayed().performClick()
                onNodeWithText("Écrire un e-mail").assertIsDisplayed().performClick()
                assertEquals(listOf(contact.phone!!.uri, contact.email!!.uri), app.platform.opened)
                assertTrue(app.platform.opened[0].startsWith("tel:"))
                assertTrue(app.platform.opened[1].startsWith("mailto:"))
                app.model.chat.summary?.let { onNodeWithText(it).assertIsDisplayed() }

                // (4) delete all my data: the conversation is gone too
                onNodeWithTag(Tags.tab(Tab.SETTINGS)).performClick()
                onNodeWithText("Supprimer toutes mes données").performScrollTo().performClick()
                onNodeWithText("Supprimer").performClick()
                waitFor(timeoutMillis = WAIT_MS) { app.model.notice != null }
                assertEquals("Tes données ont été supprimées de cet appareil.", app.model.notice)
                assertTrue(app.model.chat.messages.isEmpty())
                assertEquals(null, app.platform.tokens.secret)
                // coming back to the chat starts a new, empty conversation
                onNodeWithTag(Tags.tab(Tab.CHAT)).performClick()
                // a new account on the homeserver and its first sync, as at the start: the same bound
                waitFor(
                    timeoutMillis = FIRST_CONNECTION_MS,
                    state = { "chat after deleting everything: connection ${app.model.chat.connection}, error ${app.model.chat.error}" },
                ) { app.model.chat.connection == fr.spro.orientation.ChatConnection.ONLINE }
                waitForIdle()
                // online on its new account, not the deleted one's last state with an error under it
                assertEquals(null, app.model.chat.error)
                onNodeWithText("Bonjour ! Dans quelle ville ?").assertDoesNotExist()
                assertTrue(app.model.chat.messages.isEmpty())
            } finally {
                advisor.close()
            }
        }
    }
}
