package fr.spro.orientation.ui

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import fr.spro.orientation.Chat
import fr.spro.orientation.ChatAvailability
import fr.spro.orientation.ChatConnection
import fr.spro.orientation.ChatContactOptions
import fr.spro.orientation.ChatMessage
import fr.spro.orientation.ChatTimelineUpdate
import fr.spro.orientation.OrientationException
import fr.spro.orientation.TaskHandle
import fr.spro.orientation.timeline
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** The advisor chat's screen state: the timeline as the core sends it, and the hours from the core. */
class ChatModel(private val app: AppModel) {
    var available by mutableStateOf(app.chatService != null)
        private set
    var messages by mutableStateOf<List<ChatMessage>>(emptyList())
        private set
    var typing by mutableStateOf<List<String>>(emptyList())
        private set
    var connection by mutableStateOf(ChatConnection.OFFLINE)
        private set
    var error by mutableStateOf<String?>(null)
        private set
    /** The sentence the core wrote after the last send (e.g. closed now, reopens Monday at 9). */
    var notice by mutableStateOf<String?>(null)
        private set
    var availability by mutableStateOf<ChatAvailability?>(null)
        private set
    var summary by mutableStateOf<String?>(null)
        private set
    /** Phone and e-mail to offer while the chat is closed. */
    var contact by mutableStateOf<ChatContactOptions?>(null)
        private set
    var draft by mutableStateOf("")

    private var chat: Chat? = null
    private var running: TaskHandle? = null
    private var listening: Job? = null
    private var opening: Job? = null

    /** Opens the conversation the first time the Conseiller tab is shown. */
    fun open() {
        val service = app.chatService ?: return
        if (chat != null || opening?.isActive == true) { refreshHours(); return }
        opening = app.scope.launch {
            try {
                val c = app.core.chat(app.platform.tokens, service)
                chat = c
                refreshHours()
                listening = app.scope.launch {
                    c.timeline().collect { apply(it) }
                }
                c.connect(null)
                running = withContext(app.io) { c.start() }
                error = null
            } catch (e: OrientationException) {
                error = messageOf(e)
            }
        }
    }

    /** Availability at the platform's clock (tests inject one outside the hours). */
    fun refreshHours() {
        val c = chat ?: return
        val now = app.platform.nowMs()
        val a = c.availabilityAt(now)
        availability = a
        summary = c.availabilitySummaryAt(now)
        contact = if (a.open) null else try {
            c.contactOptions(draft.ifBlank { null }, null)
        } catch (e: OrientationException) {
            null
        }
    }

    private fun apply(u: ChatTimelineUpdate) {
        when (u) {
            is ChatTimelineUpdate.Reset -> messages = u.messages
            is ChatTimelineUpdate.Upsert -> {
                val i = messages.indexOfFirst { it.localId == u.message.localId }
                messages = if (i < 0) messages + u.message else messages.toMutableList().also { it[i] = u.message }
                if (u.message.isAdvisor) app.scope.launch { runCatching { chat?.markRead() } }
            }
            is ChatTimelineUpdate.Remove -> messages = messages.filter { it.localId != u.localId }
            is ChatTimelineUpdate.Older -> messages = u.messages + messages
            is ChatTimelineUpdate.Typing -> typing = u.names
            is ChatTimelineUpdate.Connection -> connection = u.state
        }
    }

    fun send() {
        val c = chat ?: return
        val text = draft
        app.scope.launch {
            try {
                val out = withContext(app.io) { c.sendText(text) }
                draft = ""
                notice = out.notice.ifBlank { null }
                refreshHours()
            } catch (e: OrientationException) {
                error = messageOf(e)
            }
        }
    }

    /** "Partager avec un conseiller": the item's card in the conversation. */
    fun share(itemId: String) {
        app.select(Tab.CHAT)
        app.scope.launch {
            opening?.join()
            val c = chat ?: return@launch
            try {
                val out = withContext(app.io) { c.share(itemId) }
                notice = out.notice.ifBlank { null }
            } catch (e: OrientationException) {
                error = messageOf(e)
            }
        }
    }

    fun retry(localId: Long) {
        val c = chat ?: return
        app.scope.launch {
            try { withContext(app.io) { c.retry(localId) } } catch (e: OrientationException) { error = messageOf(e) }
        }
    }

    fun loadOlder() {
        val c = chat ?: return
        app.scope.launch { try { c.loadOlder(50u) } catch (e: OrientationException) { error = messageOf(e) } }
    }

    /**
     * "Delete all my data", chat side. [deleteAll] is the core's deletion, which deletes the chat's part
     * through the open chat (room left, account closed on the server, local copy and session wiped; nothing
     * at all when the server cannot be reached, so the user can try again). Deleting the chat here first
     * left the core a deleted chat, on which its own deletion failed (NoAccount) and the favourites stayed.
     */
    internal suspend fun deleteEverything(deleteAll: suspend () -> Unit) {
        opening?.join()
        try {
            deleteAll()
        } catch (e: OrientationException.ChatNotOpen) {
            // a conversation from an earlier run: open it (no network) so that the core can delete it
            val service = app.chatService ?: throw e
            chat = app.core.chat(app.platform.tokens, service)
            deleteAll()
        }
        close()
        forget()
        error = null
        contact = null
    }

    private fun forget() {
        messages = emptyList()
        connection = ChatConnection.OFFLINE
        notice = null
        typing = emptyList()
    }

    fun close() {
        listening?.cancel()
        running?.let { it.cancel(); it.close() }
        running = null
        chat?.close()
        chat = null
    }
}
