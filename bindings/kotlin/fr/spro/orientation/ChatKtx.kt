// The idiomatic layer over the advisor chat (feature `chat`; a build without it leaves this file out).
// Chat's own functions are already suspend functions on the crate's runtime.
package fr.spro.orientation

import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow

/**
 * The conversation as a Flow: a [ChatTimelineUpdate.Reset] with the stored history first, then each change
 * (messages, older pages, typing, connection), until the collector stops.
 */
fun Chat.timeline(): Flow<ChatTimelineUpdate> = callbackFlow {
    val handle = subscribe(object : ChatTimelineListener {
        override fun onUpdate(update: ChatTimelineUpdate) {
            trySend(update)
        }
    })
    awaitClose {
        handle.cancel()
        handle.close()
    }
}
